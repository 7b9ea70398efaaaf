import { describeLedgerContract } from '@learner-ledger/core/testing';
import { createSqliteSnapshotStore, openSqliteEventStore } from '../src/index.js';
import { temporaryDirectory } from './support.js';

// The ledger on a SQLite file; "another process" is another connection to the same file.
describeLedgerContract(
  'sqlite',
  async () => {
    const temp = temporaryDirectory();
    const file = temp.file();
    const store = openSqliteEventStore({ path: file });
    return {
      store,
      snapshots: createSqliteSnapshotStore(store),
      reopen: async () => {
        const again = openSqliteEventStore({ path: file });
        return { store: again, snapshots: createSqliteSnapshotStore(again), close: () => again.close() };
      },
      teardown: async () => {
        await store.close();
        temp.remove();
      },
    };
  },
  { snapshots: true },
);
