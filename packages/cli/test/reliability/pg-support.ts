import { openPostgresEventStore, type PostgresEventStore, type PostgresEventStoreOptions } from '@learner-ledger/postgres';

/** The server the jest global setup started. */
export const databaseUrl = (): string => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: the jest global setup should have started a PostgreSQL server');
  return url;
};

export type Pool = PostgresEventStore['pool'];
export type PoolClient = Awaited<ReturnType<Pool['connect']>>;

/**
 * Runs `work` on a connection of its own, outside every store under test: a
 * one-connection store on a schema of its own lends its pool.
 */
export const withClient = async <T>(work: (client: PoolClient) => Promise<T>): Promise<T> => {
  const admin = await openPostgresEventStore({ connectionString: databaseUrl(), schema: 'll_rel_admin', maxConnections: 1 });
  const client = await admin.pool.connect();
  client.on('error', () => undefined);
  try {
    return await work(client);
  } finally {
    client.release(true);
    await admin.close();
  }
};

export const dropSchema = (schema: string): Promise<unknown> => withClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));

/** Opens a store on an emptied schema. */
export const freshPostgresStore = async (schema: string, options: Partial<PostgresEventStoreOptions> = {}): Promise<PostgresEventStore> => {
  await dropSchema(schema);
  return openPostgresEventStore({ connectionString: databaseUrl(), schema, ...options });
};

export const openPostgres = (schema: string, options: Partial<PostgresEventStoreOptions> = {}): Promise<PostgresEventStore> =>
  openPostgresEventStore({ connectionString: databaseUrl(), schema, ...options });
