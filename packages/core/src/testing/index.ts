/**
 * Test kit for users and adapters: the decider given/when/then helpers and the
 * event-store contract suite.
 */
export * from './decider-spec.js';
export * from './store-contract.js';
export * from './fixtures.js';
export * from './snapshot-contract.js';
