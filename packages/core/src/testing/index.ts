/**
 * Test kit for users and adapters: the decider given/when/then helpers, the
 * event-store, snapshot-store and ledger contract suites, shared fixtures and a
 * seeded PRNG.
 */
export * from './decider-spec.js';
export * from './store-contract.js';
export * from './store-contract-locked.js';
export * from './fixtures.js';
export * from './snapshot-contract.js';
export * from './random.js';
export * from './ledger-contract.js';
