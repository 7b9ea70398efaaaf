import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { type EventStore, InMemoryEventStore } from '@learner-ledger/core';
// Where a store lives and how to open it, as the command-line tool has it: the benchmark opens stores the way users do.
import { openStoreAt, type StoreLocation } from '@learner-ledger/cli';
import { KurrentDbBaseline, MemoryBaseline, PostgresBaseline, type RawBaseline, SqliteBaseline } from './raw.js';

export type StoreName = 'memory' | 'sqlite' | 'postgres' | 'kurrentdb';
export const STORE_NAMES: readonly StoreName[] = ['memory', 'sqlite', 'postgres', 'kurrentdb'];

/** How the benchmark opens, copies and cleans up one kind of store. */
export interface StoreKit {
  readonly name: StoreName;
  /** Prefix of the organization ids written to the store `label` (keeps runs apart on a shared server). */
  orgPrefix(label: string): string;
  /** A fresh, empty store for `label`. */
  open(label: string): Promise<EventStore>;
  /** The raw driver baseline of this store. */
  baseline(): Promise<RawBaseline>;
  /**
   * A copy of the store `label` as it is now, for a child process; the store
   * must be closed first when `closeBeforeCopy` is true. Undefined when this
   * store cannot be copied (the child seeds its own).
   */
  readonly closeBeforeCopy: boolean;
  copy(label: string, copyLabel: string): Promise<StoreLocation | undefined>;
  /** Reopens an existing store `label` (after a copy that needed it closed). */
  reopen(label: string): Promise<EventStore>;
  /** Where another process finds the store `label` (`--store` of the command-line tool); undefined when it cannot (in memory, or a shared server's prefix). */
  location(label: string): StoreLocation | undefined;
  cleanup(): Promise<void>;
}

/** Dynamic import by name, so the benchmark still runs the stores that are installed when one is not. */
const importPackage = async <T>(name: string): Promise<T> => (await import(name)) as T;

interface KurrentDbPackage {
  openKurrentDbEventStore(options: { connectionString: string; streamPrefix?: string }): Promise<EventStore>;
}

export { openStoreAt, type StoreLocation };

export const memoryKit = (): StoreKit => ({
  name: 'memory',
  orgPrefix: () => '',
  open: async () => new InMemoryEventStore(),
  baseline: async () => new MemoryBaseline(),
  closeBeforeCopy: false,
  copy: async () => undefined,
  reopen: async () => {
    throw new Error('an in-memory store cannot be reopened');
  },
  location: () => undefined,
  cleanup: async () => undefined,
});

/** The journal mode and synchronous level the SQLite store runs with; the raw baseline uses the same. */
export const SQLITE_PRAGMAS = { journalMode: 'WAL', synchronous: 'NORMAL' };

export const sqliteKit = (): StoreKit => {
  const dir = mkdtempSync(join(tmpdir(), 'll-bench-sqlite-'));
  const pathOf = (label: string) => join(dir, `${label}.db`);
  return {
    name: 'sqlite',
    orgPrefix: () => '',
    open: async (label) => openStoreAt({ kind: 'sqlite', path: pathOf(label) }),
    reopen: async (label) => openStoreAt({ kind: 'sqlite', path: pathOf(label) }),
    location: (label) => ({ kind: 'sqlite', path: pathOf(label) }),
    baseline: async () => new SqliteBaseline(SQLITE_PRAGMAS),
    closeBeforeCopy: false,
    copy: async (label, copyLabel) => {
      // VACUUM INTO takes a consistent copy through a second connection while the store stays open.
      const db = new Database(pathOf(label), { readonly: true });
      try {
        db.prepare('VACUUM INTO ?').run(pathOf(copyLabel));
      } finally {
        db.close();
      }
      return { kind: 'sqlite', path: pathOf(copyLabel) };
    },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
};

/** One database per label on the server, so a copy is `CREATE DATABASE … TEMPLATE …`. */
export const postgresKit = (serverUrl: string): StoreKit => {
  const prefix = `llbench_${process.pid}_`;
  const created: string[] = [];
  const urlOf = (label: string) => {
    const url = new URL(serverUrl);
    url.pathname = `/${prefix}${label}`;
    return url.toString();
  };
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const createDatabase = async (label: string, template?: string) => {
    await admin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${prefix}${label}`);
      await c.query(`CREATE DATABASE ${prefix}${label}${template ? ` TEMPLATE ${prefix}${template}` : ''}`);
    });
    created.push(label);
  };
  return {
    name: 'postgres',
    orgPrefix: () => '',
    open: async (label) => {
      await createDatabase(label);
      return openStoreAt({ kind: 'postgres', connectionString: urlOf(label) });
    },
    reopen: async (label) => openStoreAt({ kind: 'postgres', connectionString: urlOf(label) }),
    location: (label) => ({ kind: 'postgres', connectionString: urlOf(label) }),
    baseline: async () => new PostgresBaseline(serverUrl),
    closeBeforeCopy: true,
    copy: async (label, copyLabel) => {
      await createDatabase(copyLabel, label);
      return { kind: 'postgres', connectionString: urlOf(copyLabel) };
    },
    cleanup: async () => {
      await admin(async (c) => {
        for (const label of created) await c.query(`DROP DATABASE IF EXISTS ${prefix}${label} WITH (FORCE)`);
      });
    },
  };
};

/**
 * A KurrentDB server is shared and cannot be emptied: every run writes
 * organizations under its own id prefix and reads back only those streams.
 * The CSV end to end is not run on it (a database cannot be copied for the child).
 */
export const kurrentdbKit = (connectionString: string): StoreKit => {
  const runId = `k${Date.now().toString(36)}${process.pid.toString(36)}`;
  const open = async (label: string) =>
    (await importPackage<KurrentDbPackage>('@learner-ledger/kurrentdb')).openKurrentDbEventStore({ connectionString, streamPrefix: `learner-ledger.org-${runId}-${label}-` });
  return {
    name: 'kurrentdb',
    orgPrefix: (label) => `${runId}-${label}-`,
    open,
    reopen: open,
    location: () => undefined,
    baseline: async () => new KurrentDbBaseline(connectionString),
    closeBeforeCopy: false,
    copy: async () => undefined,
    cleanup: async () => undefined,
  };
};

/**
 * Starts a throwaway PostgreSQL cluster the way the test suite does
 * (packages/adapters/postgres/test/pg-cluster.cjs): without fsync, or with
 * fsync and synchronous commits on (`durable`), for figures about durable commits.
 */
export const startPostgres = async (durable = false): Promise<{ url: string; stop: () => void }> => {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: () => undefined };
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const clusterModule = require('../../../packages/adapters/postgres/test/pg-cluster.cjs') as {
    startCluster(options?: { durable?: boolean }): Promise<{ url: string }>;
    stopCluster(cluster: unknown): void;
  };
  const cluster = await clusterModule.startCluster({ durable });
  return { url: cluster.url, stop: () => clusterModule.stopCluster(cluster) };
};

export const kurrentdbAvailable = (): boolean => Boolean(process.env.KURRENTDB_CONNECTION_STRING);
