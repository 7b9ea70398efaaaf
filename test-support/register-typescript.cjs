'use strict';
/**
 * Lets a plain `node` child process load the workspace's TypeScript sources
 * the way the Jest config does (@swc to CommonJS, every workspace package mapped
 * to its sources by workspace-aliases.cjs, `./x.js` imports resolved to `./x.ts`), so tests that
 * start other processes run the same code as the test itself, with no build
 * step. Use: `require('<root>/test-support/register-typescript.cjs')`.
 */
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const { workspaceAliases } = require('./workspace-aliases.cjs');

const aliases = workspaceAliases();

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (Object.prototype.hasOwnProperty.call(aliases, request)) return aliases[request];
  if (parent && parent.filename && parent.filename.endsWith('.ts') && request.startsWith('.') && request.endsWith('.js')) {
    const candidate = path.resolve(path.dirname(parent.filename), `${request.slice(0, -3)}.ts`);
    if (fs.existsSync(candidate)) return candidate;
  }
  return resolveFilename.call(this, request, parent, ...rest);
};

Module._extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
