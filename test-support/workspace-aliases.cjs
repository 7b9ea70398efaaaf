'use strict';
/**
 * The workspace's own packages, each import path mapped to its TypeScript
 * source: read from pnpm-workspace.yaml and every package's `exports` (or
 * `main`), so a new package or entry point is found without being listed.
 * `@learner-ledger/core/testing` → `<root>/packages/core/src/testing/index.ts`.
 * Used by the Jest config and by the loader of the tests' child processes.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** The package folders the `packages:` list of pnpm-workspace.yaml names (plain folders and `folder/*`). */
const workspaceFolders = () => {
  const yaml = fs.readFileSync(path.join(root, 'pnpm-workspace.yaml'), 'utf8');
  const block = /^packages:\s*\n((?:[ \t]+-.*\n?)+)/m.exec(yaml);
  if (!block) throw new Error('pnpm-workspace.yaml has no packages: list');
  const patterns = block[1].split('\n').map((line) => line.replace(/^[ \t]+-[ \t]*/, '').replace(/^['"]|['"]$/g, '').trim()).filter(Boolean);
  return patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [path.join(root, pattern)];
    const parent = path.join(root, pattern.slice(0, -2));
    return fs.readdirSync(parent, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => path.join(parent, entry.name));
  });
};

/** The source file behind a built entry point: `./dist/src/x/index.js` → `src/x/index.ts`. */
const sourceOf = (folder, target, name) => {
  const relative = target.replace(/^\.\//, '').replace(/^dist\//, '').replace(/\.(d\.ts|js)$/, '.ts');
  for (const candidate of [relative, path.join('src', relative)]) {
    const file = path.join(folder, candidate);
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`${name}: no TypeScript source found for ${target} in ${path.relative(root, folder)}`);
};

const targetOf = (entry) => (typeof entry === 'string' ? entry : entry && (entry.default ?? entry.import ?? entry.require ?? entry.types));

/** Import path → absolute source file, for every entry point of every workspace package. */
const workspaceAliases = () => {
  const aliases = {};
  for (const folder of workspaceFolders()) {
    const manifest = path.join(folder, 'package.json');
    if (!fs.existsSync(manifest)) continue;
    const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    const { name, exports, main } = pkg;
    if (!name) continue;
    const entries =
      exports === undefined
        ? main !== undefined ? { '.': main } : {}
        : typeof exports === 'string' || !Object.keys(exports).some((key) => key.startsWith('.'))
          ? { '.': exports }
          : exports;
    for (const [subpath, entry] of Object.entries(entries)) {
      const target = targetOf(entry);
      if (typeof target !== 'string') continue;
      aliases[subpath === '.' ? name : `${name}/${subpath.replace(/^\.\//, '')}`] = sourceOf(folder, target, name);
    }
  }
  return aliases;
};

module.exports = { workspaceAliases, root };
