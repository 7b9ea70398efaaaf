/**
 * @packageDocumentation
 * Test kit for users and adapters: the decider given/when/then helpers, the
 * event-store, snapshot-store and ledger contract suites, shared fixtures and a
 * seeded PRNG.
 *
 * The contract suites (`describeEventStoreContract`,
 * `describeSnapshotStoreContract`, `describeLedgerContract`) are Jest suites:
 * they call the Jest globals `describe`, `it`, `expect`, `beforeAll`,
 * `afterAll`, `beforeEach` and `afterEach`, so they run only inside a Jest test
 * file (the packages are ES modules: Jest in its ESM mode,
 * `node --experimental-vm-modules`). The decider helpers need no test
 * framework: they fail with `node:assert` errors.
 */
export * from './decider-spec.js';
export * from './store-contract.js';
export * from './store-contract-locked.js';
export * from './fixtures.js';
export * from './snapshot-contract.js';
export * from './random.js';
export * from './ledger-contract.js';
export * from './chain-tamper.js';
export * from './erasure-contract.js';
