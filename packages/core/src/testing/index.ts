/**
 * Test kit for users and adapters: the decider given/when/then helpers, the
 * event-store and snapshot-store contract suites, shared fixtures and a seeded PRNG.
 */
export * from './decider-spec.js';
export * from './store-contract.js';
export * from './fixtures.js';
export * from './snapshot-contract.js';
export * from './random.js';
