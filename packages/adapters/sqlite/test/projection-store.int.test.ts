import Database from 'better-sqlite3';
import { describeProjection, licenseCountsProjection, type ProjectionStore } from '@learner-ledger/projections';
import { describeProjectionStoreContract } from '@learner-ledger/projections/testing';
import { createSqliteProjectionStore, openSqliteEventStore, SQLITE_CHECKPOINT_TABLE, SqliteProjectionStore } from '../src/index.js';
import { temporaryDirectory } from './support.js';

/** A SQL string literal. */
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

describeProjectionStoreContract(
  'sqlite',
  async () => {
    const tmp = temporaryDirectory('ll-sqlite-projections-');
    const file = tmp.file();
    const store = openSqliteEventStore({ path: file });
    const connections: Database.Database[] = [];
    return {
      store,
      projectionStore: () => createSqliteProjectionStore(store),
      // A new connection to the same file, as a new process opens it.
      reopen: () => {
        const database = new Database(file, { timeout: 5000 });
        connections.push(database);
        return createSqliteProjectionStore(database);
      },
      close: (projectionStore: ProjectionStore) => {
        (projectionStore as SqliteProjectionStore).database.close();
      },
      query: async (sql) => store.database.prepare(sql).all() as Record<string, unknown>[],
      values: { integer: (n) => n, boolean: (b) => (b ? 1 : 0), json: (value) => JSON.stringify(value) },
      checkpointTable: SQLITE_CHECKPOINT_TABLE,
      notNullViolation: { code: 'SQLITE_CONSTRAINT_NOTNULL', message: expect.stringMatching(/NOT NULL constraint failed: ll_license_counts\.time_zone/) },
      refuseCheckpointWrites: async (message) => {
        for (const operation of ['INSERT', 'UPDATE']) {
          store.database.exec(`CREATE TRIGGER ll_refuse_checkpoint_${operation.toLowerCase()} BEFORE ${operation} ON ${SQLITE_CHECKPOINT_TABLE} BEGIN SELECT RAISE(ABORT, ${literal(message)}); END`);
        }
        return async () => {
          for (const operation of ['insert', 'update']) store.database.exec(`DROP TRIGGER ll_refuse_checkpoint_${operation}`);
        };
      },
      teardown: async () => {
        for (const database of connections) if (database.open) database.close();
        await store.close();
        tmp.remove();
      },
    };
  },
  { replayRuns: 25, maxScriptLength: 50, maxRestarts: 3 },
);

describe('SQLite projection store: beyond the contract', () => {
  test('keeps its checkpoints in ll_projection_checkpoints, and writes none for a projection only loaded', async () => {
    const tmp = temporaryDirectory('ll-sqlite-projections-');
    const store = openSqliteEventStore({ path: tmp.file() });
    try {
      expect(SQLITE_CHECKPOINT_TABLE).toBe('ll_projection_checkpoints');
      const projectionStore = createSqliteProjectionStore(store);
      await projectionStore.load(describeProjection(licenseCountsProjection));
      expect(await projectionStore.checkpoint('license-counts')).toBeUndefined();
    } finally {
      await store.close();
      tmp.remove();
    }
  });
});
