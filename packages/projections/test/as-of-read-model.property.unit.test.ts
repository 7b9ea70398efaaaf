import { InMemoryEventStore } from '@learner-ledger/core';
import { InMemoryProjectionStore } from '../src/index.js';
import { describeAsOfContract } from '../src/testing/index.js';

/** The as-of contract on the in-memory projection store (it scans where the SQL stores look up an index). */
describeAsOfContract(
  'memory',
  async () => {
    const projectionStore = new InMemoryProjectionStore();
    return { store: new InMemoryEventStore(), projectionStore: () => projectionStore, reopen: () => projectionStore, close: () => undefined, teardown: async () => undefined };
  },
  { runs: 15, maxScriptLength: 60, questions: 40 },
);
