import pg from 'pg';
import { describeProjection, licenseCountsProjection, type ProjectionStore } from '@learner-ledger/projections';
import { describeProjectionStoreContract } from '@learner-ledger/projections/testing';
import { createPostgresProjectionStore, POSTGRES_CHECKPOINT_TABLE, type PostgresProjectionStore } from '../src/index.js';
import { databaseUrl, dropSchema, freshStore } from './support.js';

let counter = 0;
const freshSchema = () => `ll_projections_${process.pid}_${counter++}`;

describeProjectionStoreContract(
  'postgres',
  async () => {
    const schema = freshSchema();
    const store = await freshStore(schema);
    const pools: pg.Pool[] = [];
    // Statements of the contract name tables without a schema.
    const qualified = (sql: string) => sql.replace(/\bll_/g, `"${schema}".ll_`);
    return {
      store,
      projectionStore: () => createPostgresProjectionStore(store),
      // A new pool, as a new process connects anew.
      reopen: () => {
        const pool = new pg.Pool({ connectionString: databaseUrl(), max: 2 });
        pool.on('error', () => undefined);
        pools.push(pool);
        return createPostgresProjectionStore(pool, { schema });
      },
      close: async (projectionStore: ProjectionStore) => {
        const { pool } = projectionStore as PostgresProjectionStore;
        if (!pool.ended) await pool.end();
      },
      query: async (sql) => (await store.pool.query(qualified(sql))).rows as Record<string, unknown>[],
      values: { integer: (n) => String(n), boolean: (b) => b, json: (value) => value },
      checkpointTable: POSTGRES_CHECKPOINT_TABLE,
      notNullViolation: { message: expect.stringMatching(/null value/) },
      refuseCheckpointWrites: async (message) => {
        const refuse = `"${schema}".ll_refuse_checkpoint`;
        await store.pool.query(`CREATE FUNCTION ${refuse}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$`);
        await store.pool.query(`CREATE TRIGGER ll_refuse_checkpoint BEFORE INSERT OR UPDATE ON "${schema}".${POSTGRES_CHECKPOINT_TABLE} FOR EACH ROW EXECUTE FUNCTION ${refuse}(${pg.escapeLiteral(message)})`);
        return async () => {
          await store.pool.query(`DROP TRIGGER ll_refuse_checkpoint ON "${schema}".${POSTGRES_CHECKPOINT_TABLE}`);
          await store.pool.query(`DROP FUNCTION ${refuse}()`);
        };
      },
      teardown: async () => {
        for (const pool of pools) if (!pool.ended) await pool.end();
        await store.close();
        await dropSchema(schema);
      },
    };
  },
  { replayRuns: 12, maxScriptLength: 45, maxRestarts: 2 },
);

describe('PostgreSQL projection store: beyond the contract', () => {
  test('keeps its checkpoints in ll_projection_checkpoints, and writes checkpoint 0 for a projection only loaded', async () => {
    const schema = freshSchema();
    const store = await freshStore(schema);
    try {
      expect(POSTGRES_CHECKPOINT_TABLE).toBe('ll_projection_checkpoints');
      const projectionStore = createPostgresProjectionStore(store);
      await projectionStore.load(describeProjection(licenseCountsProjection));
      expect(await projectionStore.checkpoint('license-counts')).toBe(0n);
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });
});
