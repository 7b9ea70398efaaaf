/**
 * One Jest run over every package. Sources are TypeScript (ESM, NodeNext);
 * @swc/jest transpiles them to CommonJS for Jest, and the mapper points
 * workspace imports at their sources so tests never need a build first.
 * Type errors are caught by `tsc -b`, which the test command runs first.
 */
const { workspaceAliases } = require('./test-support/workspace-aliases.cjs');

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** Every entry point of every workspace package, read from the workspace (a new package needs no line here). */
const workspacePackages = Object.fromEntries(Object.entries(workspaceAliases()).map(([name, file]) => [`^${escape(name)}$`, file]));
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/examples'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper: {
    ...workspacePackages,
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  globalSetup: '<rootDir>/packages/adapters/postgres/test/global-setup.cjs',
  globalTeardown: '<rootDir>/packages/adapters/postgres/test/global-teardown.cjs',
  // One worker per core of the CI machine (2); tests that start processes or servers add their own load.
  maxWorkers: 2,
  // Most tests take under 20 s on two cores running the suite; the longest property tests (up to 150 s measured on a heavily
  // loaded machine) set their own 300 s limits.
  testTimeout: 120000,
};
