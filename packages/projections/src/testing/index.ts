/**
 * Test kit for projection stores and stores: scripted random histories, the
 * replay-determinism check (a projection maintained incrementally, with
 * restarts, equals the same projection rebuilt from position 0) and the
 * projection-store contract suite.
 */
export * from './scripts.js';
export * from './replay.js';
export * from './projection-store-contract.js';
export * from './histories.js';
export * from './as-of-contract.js';
