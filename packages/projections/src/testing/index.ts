/**
 * Test kit for projection stores and stores: scripted random histories and
 * the replay-determinism check (a projection maintained incrementally, with
 * restarts, equals the same projection rebuilt from position 0).
 */
export * from './scripts.js';
export * from './replay.js';
