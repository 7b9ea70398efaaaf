import pg from 'pg';
import { openPostgresEventStore, type PostgresEventStore, type PostgresEventStoreOptions } from '../src/index.js';

/** The server the jest global setup started (or the one DATABASE_URL names). */
export const databaseUrl = (): string => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: the jest global setup (test/global-setup.cjs) should have started a PostgreSQL server');
  return url;
};

/** Drops a test schema and everything in it. */
export const dropSchema = async (schema: string): Promise<void> => {
  const client = new pg.Client(databaseUrl());
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
};

/** Opens a store on a fresh copy of `schema`. */
export const freshStore = async (schema: string, options: Partial<PostgresEventStoreOptions> = {}): Promise<PostgresEventStore> => {
  await dropSchema(schema);
  return openPostgresEventStore({ connectionString: databaseUrl(), schema, ...options });
};

/** Runs `work` on a connection of its own (not the store's pool). */
export const withClient = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client(databaseUrl());
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
