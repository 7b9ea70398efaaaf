import net from 'node:net';
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
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A TCP proxy in front of the test server, to cut the network under a store:
 * `cut()` resets every open connection and refuses new ones; `restore()`
 * accepts again.
 */
export interface CuttableProxy {
  readonly url: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export const startProxy = async (): Promise<CuttableProxy> => {
  const target = new URL(databaseUrl());
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(Number(target.port || 5432), target.hostname);
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const url = new URL(databaseUrl());
  url.port = String(port);
  url.hostname = '127.0.0.1';
  let listening = true;
  const stop = async () => {
    const closed = listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    listening = false;
    for (const socket of sockets) socket.resetAndDestroy();
    await closed;
  };
  return {
    url: url.toString(),
    cut: stop,
    restore: async () => {
      if (!listening) await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      listening = true;
    },
    close: stop,
  };
};
