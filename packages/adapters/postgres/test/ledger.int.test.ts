import { describeLedgerContract } from '@learner-ledger/core/testing';
import { createPostgresSnapshotStore, openPostgresEventStore } from '../src/index.js';
import { databaseUrl, dropSchema, freshStore } from './support.js';

const SCHEMA = 'll_test_ledger';

// The ledger on one schema; "another process" is another pool on the same schema.
describeLedgerContract(
  'postgres',
  async () => {
    const store = await freshStore(SCHEMA);
    return {
      store,
      snapshots: createPostgresSnapshotStore(store),
      reopen: async () => {
        const again = await openPostgresEventStore({ connectionString: databaseUrl(), schema: SCHEMA, maxConnections: 2 });
        return { store: again, snapshots: createPostgresSnapshotStore(again), close: () => again.close() };
      },
      teardown: async () => {
        await store.close();
        await dropSchema(SCHEMA);
      },
    };
  },
  { snapshots: true },
);
