import { openPostgresEventStore, type PostgresEventStore, type PostgresEventStoreOptions } from '@learner-ledger/postgres';

/** The server the jest global setup started. */
export const databaseUrl = (): string => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: the jest global setup should have started a PostgreSQL server');
  return url;
};

/** The part of a pg client the tests use. */
export interface SqlClient {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query<R = any>(text: string, values?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

/**
 * Runs `work` on a connection of its own, outside every store under test: a
 * one-connection store on a schema of its own lends its pool.
 */
export const withClient = async <T>(work: (client: SqlClient) => Promise<T>): Promise<T> => {
  const admin = await openPostgresEventStore({ connectionString: databaseUrl(), schema: 'll_rel_admin', maxConnections: 1 });
  const client = await admin.pool.connect();
  client.on('error', () => undefined);
  try {
    return await work(client as unknown as SqlClient);
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
