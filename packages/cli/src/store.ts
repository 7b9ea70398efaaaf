import * as path from 'node:path';
import type { EventStore } from '@learner-ledger/core';
import { switchedOff, type Env } from './env.js';
import { CliError, usageError } from './errors.js';

/** Where the events live, as chosen by `--store`, `LEARNER_LEDGER_STORE` or the default. */
export type StoreLocation =
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly path: string; readonly synchronous?: 'NORMAL' | 'FULL'; readonly walAutocheckpointPages?: number }
  | { readonly kind: 'postgres'; readonly connectionString: string; readonly schema?: string }
  | { readonly kind: 'kurrentdb'; readonly connectionString: string };

/**
 * WAL pages between checkpoints of a SQLite store written in bulk (an
 * import): about 64 MB, where SQLite's default is 1000 pages. A million-row
 * import spends about 15% less wall time (10% less CPU) applying its batches than with checkpoints
 * every 4 MB.
 */
export const BULK_WAL_AUTOCHECKPOINT_PAGES = 16_384;

/** The location a command that writes in bulk opens: a SQLite file checkpoints its WAL less often. */
export const forBulkWrites = (location: StoreLocation): StoreLocation =>
  location.kind === 'sqlite' && location.walAutocheckpointPages === undefined ? { ...location, walAutocheckpointPages: BULK_WAL_AUTOCHECKPOINT_PAGES } : location;

/** The store used when neither `--store` nor `LEARNER_LEDGER_STORE` is given. */
export const DEFAULT_STORE = './learner-ledger.db';

/**
 * Reads a store location: `memory:`, `sqlite:<path>` (with `?synchronous=full`
 * for commits synced to disk before they return) or a plain file path,
 * `postgres://…` / `postgresql://…` (an optional `schema` query parameter picks
 * the schema), `kurrentdb://…` / `esdb://…` (and their `+discover` forms).
 * Relative file paths are resolved against `cwd`.
 */
export const parseStoreLocation = (text: string, cwd: string): StoreLocation => {
  const value = text.trim();
  if (value === '') throw usageError('The store location is empty: give a file path, sqlite:<path>, postgres://…, kurrentdb://… or memory:', 'INVALID_STORE');
  if (value === 'memory:' || value === 'memory') return { kind: 'memory' };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'sqlite') {
    const [rest, query] = splitOnce(value.slice('sqlite:'.length), '?');
    const file = rest.replace(/^\/\/(?=\/)/, '');
    if (file === '') throw usageError('sqlite: needs a file path, e.g. sqlite:./learner-ledger.db', 'INVALID_STORE');
    return { kind: 'sqlite', path: path.resolve(cwd, file), ...sqliteOptions(query) };
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw usageError(`${JSON.stringify(value)} is not a valid PostgreSQL connection string (postgres://user:password@host:port/database)`, 'INVALID_STORE');
    }
    const schema = url.searchParams.get('schema') ?? undefined;
    url.searchParams.delete('schema');
    if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
      throw usageError(`Schema ${JSON.stringify(schema)} is not a plain SQL identifier (letters, digits and "_", at most 63)`, 'INVALID_STORE');
    }
    return { kind: 'postgres', connectionString: url.toString(), ...(schema !== undefined ? { schema } : {}) };
  }
  if (scheme === 'kurrentdb' || scheme === 'kurrentdb+discover' || scheme === 'esdb' || scheme === 'esdb+discover' || scheme === 'kdb' || scheme === 'kdb+discover') {
    return { kind: 'kurrentdb', connectionString: value };
  }
  // A one-letter "scheme" is a Windows drive (C:\data\ledger.db); anything else with :// is a typo worth stopping.
  if (scheme !== undefined && scheme.length > 1 && value.slice(scheme.length).startsWith('://')) {
    throw usageError(
      `Unknown store ${JSON.stringify(value)}: use a file path or sqlite:<path> (SQLite), postgres://… (PostgreSQL), kurrentdb://… or esdb://… (KurrentDB), or memory:`,
      'INVALID_STORE',
    );
  }
  return { kind: 'sqlite', path: path.resolve(cwd, value) };
};

const splitOnce = (text: string, separator: string): [string, string | undefined] => {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
};

/** The options after `?` in `sqlite:<path>?synchronous=full`: only `synchronous` (`normal` or `full`, any case). */
const sqliteOptions = (query: string | undefined): { synchronous?: 'NORMAL' | 'FULL' } => {
  if (query === undefined || query === '') return {};
  const params = new URLSearchParams(query);
  for (const key of params.keys()) {
    if (key !== 'synchronous') throw usageError(`Unknown SQLite option ${JSON.stringify(key)} in the store location: the one option is synchronous=normal|full`, 'INVALID_STORE');
  }
  const value = params.get('synchronous')?.trim().toUpperCase();
  if (value !== 'NORMAL' && value !== 'FULL') {
    throw usageError(`synchronous=${params.get('synchronous')} is not a SQLite durability level: use synchronous=normal (the default) or synchronous=full`, 'INVALID_STORE');
  }
  return { synchronous: value };
};

/** `--store`, else `LEARNER_LEDGER_STORE`, else `./learner-ledger.db`. */
export const chooseStoreLocation = (flag: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): StoreLocation => {
  const env_ = env['LEARNER_LEDGER_STORE'];
  const text = flag ?? (env_ !== undefined && env_.trim() !== '' ? env_ : DEFAULT_STORE);
  return parseStoreLocation(text, cwd);
};

/** A location as a person reads it (passwords hidden). */
export const describeStoreLocation = (location: StoreLocation): string => {
  switch (location.kind) {
    case 'memory':
      return 'memory: (in-memory, gone when the command ends)';
    case 'sqlite':
      return `SQLite file ${location.path}${location.synchronous === 'FULL' ? ' (synchronous=FULL)' : ''}`;
    case 'postgres':
    case 'kurrentdb': {
      const safe = location.connectionString.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
      return `${location.kind === 'postgres' ? 'PostgreSQL' : 'KurrentDB'} ${safe}${location.kind === 'postgres' && location.schema ? ` (schema ${location.schema})` : ''}`;
    }
  }
};

/** A store the CLI opens with a package installed beside it, not with the CLI. */
export interface OptionalStorePackage {
  readonly store: string;
  readonly packageName: string;
}

/** SQLite comes with the CLI; these stores need their package installed next to it. */
export const OPTIONAL_STORE_PACKAGES = {
  postgres: { store: 'PostgreSQL', packageName: '@learner-ledger/postgres' },
  kurrentdb: { store: 'KurrentDB', packageName: '@learner-ledger/kurrentdb' },
} as const satisfies Record<string, OptionalStorePackage>;

/** Node (ERR_MODULE_NOT_FOUND) and CommonJS loaders (MODULE_NOT_FOUND) name the package they could not find in quotes. */
const isMissing = (error: unknown, packageName: string): boolean => {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && typeof message === 'string' && message.includes(`'${packageName}'`);
};

/**
 * Loads an optional store package; when it is not installed, a
 * STORE_PACKAGE_MISSING error names the package and how to install it.
 */
export const importStorePackage = async <T>(optional: OptionalStorePackage, load: () => Promise<T>): Promise<T> => {
  try {
    return await load();
  } catch (error) {
    if (!isMissing(error, optional.packageName)) throw error;
    throw new CliError(
      'STORE_PACKAGE_MISSING',
      `The ${optional.store} store needs ${optional.packageName}, which is not installed: install it with the CLI ` +
        `(npm install @learner-ledger/cli ${optional.packageName}; the CLI's README says how for a global install)`,
    );
  }
};

/** Opens the store behind a location with its adapter package (PostgreSQL and KurrentDB loaded only when used). */
export const openStoreAt = async (location: StoreLocation): Promise<EventStore> => {
  try {
    switch (location.kind) {
      case 'memory': {
        const { InMemoryEventStore } = await import('@learner-ledger/core');
        return new InMemoryEventStore();
      }
      case 'sqlite': {
        const { openSqliteEventStore } = await import('@learner-ledger/sqlite');
        return await openSqliteEventStore({
          path: location.path,
          ...(location.synchronous ? { synchronous: location.synchronous } : {}),
          ...(location.walAutocheckpointPages !== undefined ? { walAutocheckpointPages: location.walAutocheckpointPages } : {}),
        });
      }
      case 'postgres': {
        const { openPostgresEventStore } = await importStorePackage(OPTIONAL_STORE_PACKAGES.postgres, () => import('@learner-ledger/postgres'));
        return await openPostgresEventStore({ connectionString: location.connectionString, ...(location.schema !== undefined ? { schema: location.schema } : {}) });
      }
      case 'kurrentdb': {
        const { openKurrentDbEventStore } = await importStorePackage(OPTIONAL_STORE_PACKAGES.kurrentdb, () => import('@learner-ledger/kurrentdb'));
        return await openKurrentDbEventStore({ connectionString: location.connectionString });
      }
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError('STORE_UNAVAILABLE', `Cannot open the ${describeStoreLocation(location)}: ${message}`);
  }
};

/**
 * `LEARNER_LEDGER_SNAPSHOTS=off` (or `0`, `false`, `no`) makes every command
 * fold the organization from its first event. Otherwise the ledger uses the
 * snapshots a SQLite or PostgreSQL store keeps beside its events (and runs
 * without them when they cannot be set up).
 */
export const snapshotsEnabled = (env: Env): boolean => !switchedOff(env, 'LEARNER_LEDGER_SNAPSHOTS');
