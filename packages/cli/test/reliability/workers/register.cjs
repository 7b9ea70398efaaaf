'use strict';
/** Child processes of the reliability tests: the workspace's TypeScript sources, and a few helpers to talk to the parent. */
require('../../../../../test-support/register-typescript.cjs');

/** Prints `announce` and resolves on the next line of stdin. */
exports.waitForLine = (announce) =>
  new Promise((resolve) => {
    const readline = require('node:readline');
    const lines = readline.createInterface({ input: process.stdin });
    lines.once('line', () => {
      lines.close();
      resolve();
    });
    process.stdout.write(`${announce}\n`);
  });

/** Prints `ready` and resolves on the first line of stdin (the parent's "go"). */
exports.waitForGo = () => exports.waitForLine('ready');

/** Runs `main`, prints its result as the last line of stdout, exits non-zero on a throw. */
exports.run = (main) =>
  main().then(
    (report) => process.stdout.write(`${JSON.stringify(report, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`),
    (error) => {
      process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
