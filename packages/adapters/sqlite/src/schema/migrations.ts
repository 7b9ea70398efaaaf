import type Database from 'better-sqlite3';
import { SqliteSchemaVersionError, SqliteStoreError } from '../errors.js';

/**
 * One step of a schema. Versions of a component start at 1 and grow by one;
 * a released migration is never edited, a change is a new migration.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Runs inside the migration's transaction; throw to abort it. */
  readonly up: (db: Database.Database) => void;
}

/** The migrations of the event log (component `events`). */
export const EVENT_LOG_COMPONENT = 'events';

/** The event log's schema, version by version (`ll_events`). */
export const eventLogMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'create the event log',
    up: (db) => {
      // position is the rowid: assigned under the write lock, never reused (events are never deleted),
      // so the log has no gaps and no reordering. The UNIQUE constraint is the last line of defence
      // against two writers claiming the same stream version.
      db.exec(`
        CREATE TABLE ll_events (
          position       INTEGER PRIMARY KEY,
          stream_id      TEXT    NOT NULL,
          stream_version INTEGER NOT NULL,
          event_id       TEXT    NOT NULL,
          type           TEXT    NOT NULL,
          schema_version INTEGER NOT NULL,
          data           TEXT    NOT NULL,
          metadata       TEXT    NOT NULL,
          CONSTRAINT ll_events_stream_version_unique UNIQUE (stream_id, stream_version)
        )
      `);
    },
  },
  {
    version: 2,
    name: 'index the first event of every stream',
    up: (db) => {
      // One entry per stream, so listing streams by prefix is a range scan of this index, not of the log.
      db.exec(`CREATE INDEX ll_events_stream_starts ON ll_events (stream_id, type) WHERE stream_version = 1`);
    },
  },
  {
    version: 3,
    name: 'keep the chain link apart from the metadata',
    up: (db) => {
      // Readers that do not audit (replays, folds, projections) then neither parse the link nor copy the metadata to drop it.
      // The link moves as it is (its JSON text); a row whose metadata is not a JSON object is left as it is (it reads as before).
      db.exec(`
        ALTER TABLE ll_events ADD COLUMN chain TEXT;
        UPDATE ll_events SET chain = metadata -> '$.chain', metadata = json_remove(metadata, '$.chain')
         WHERE json_valid(metadata) AND json_type(metadata) = 'object' AND json_type(metadata, '$.chain') IS NOT NULL;
      `);
    },
  },
];

/** The migrations of the organization snapshots (component `snapshots`). */
export const SNAPSHOT_COMPONENT = 'snapshots';

/** The snapshot table's schema, version by version (`ll_snapshots`): one row per organization, the latest snapshot. */
export const snapshotMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'create the snapshot table',
    up: (db) => {
      db.exec(`
        CREATE TABLE ll_snapshots (
          org_id         TEXT    PRIMARY KEY,
          stream_version INTEGER NOT NULL,
          last_event_id  TEXT    NOT NULL,
          schema_version INTEGER NOT NULL,
          code_version   TEXT    NOT NULL,
          state          TEXT    NOT NULL,
          commands       TEXT    NOT NULL,
          saved_at       TEXT    NOT NULL
        )
      `);
    },
  },
  {
    version: 2,
    name: 'binary snapshots written in chunks',
    up: (db) => {
      // Snapshots are a cache of the log: the JSON ones are dropped, and the next save writes a binary one.
      // A snapshot's bytes are rows of ll_snapshot_chunks; the row in ll_snapshots names the complete set.
      db.exec(`
        DROP TABLE ll_snapshots;
        CREATE TABLE ll_snapshots (
          org_id         TEXT    PRIMARY KEY,
          stream_version INTEGER NOT NULL,
          last_event_id  TEXT    NOT NULL,
          schema_version INTEGER NOT NULL,
          code_version   TEXT    NOT NULL,
          snapshot_id    TEXT    NOT NULL,
          chunk_count    INTEGER NOT NULL,
          byte_length    INTEGER NOT NULL,
          saved_at       TEXT    NOT NULL
        );
        CREATE TABLE ll_snapshot_chunks (
          org_id      TEXT    NOT NULL,
          snapshot_id TEXT    NOT NULL,
          chunk       INTEGER NOT NULL,
          bytes       BLOB    NOT NULL,
          PRIMARY KEY (org_id, snapshot_id, chunk)
        );
      `);
    },
  },
];

export const PERSONAL_KEYS_COMPONENT = 'personal-keys';

/** The personal-data key table's schema (`ll_personal_keys`): one row per learner; a shredded key is NULL, never made again. */
export const personalKeyMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'create the personal-data key table',
    up: (db) => {
      db.exec(`
        CREATE TABLE ll_personal_keys (
          org_id      TEXT NOT NULL,
          learner_id  TEXT NOT NULL,
          key         BLOB,
          created_at  TEXT NOT NULL,
          shredded_at TEXT,
          PRIMARY KEY (org_id, learner_id)
        )
      `);
    },
  },
];

const MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS ll_schema_migrations (
    component  TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    applied_at TEXT    NOT NULL,
    PRIMARY KEY (component, version)
  )
`;

/** The latest version a list of migrations brings a component to. */
export const latestVersion = (migrations: readonly Migration[]): number => migrations.reduce((max, m) => Math.max(max, m.version), 0);

/** The schema version of `component` recorded in the file (0 when none). Reads only. */
export const schemaVersionOf = (db: Database.Database, component: string): number => {
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'll_schema_migrations'`).pluck().get();
  if (table === undefined) return 0;
  const version = db.prepare('SELECT MAX(version) FROM ll_schema_migrations WHERE component = ?').pluck().get(component);
  return typeof version === 'number' ? version : 0;
};

/** Refuses a file whose schema for `component` is newer than `migrations` know. Reads only. */
export const assertSchemaNotNewer = (db: Database.Database, file: string, component: string, migrations: readonly Migration[]): number => {
  const found = schemaVersionOf(db, component);
  const supported = latestVersion(migrations);
  if (found > supported) throw new SqliteSchemaVersionError(file, component, found, supported);
  return found;
};

/** What {@link runMigrations} did: the versions before and after, and the migrations it applied. */
export interface MigrationReport {
  readonly component: string;
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly applied: readonly string[];
}

/**
 * Brings `component` up to its latest schema version, each pending migration
 * recorded in `ll_schema_migrations`, all in one IMMEDIATE transaction (so two
 * processes opening the same new file do not both migrate it). Refuses a file
 * whose version is newer than `migrations` know, without changing it.
 * Other packages that keep tables in the same file (persisted projections) use
 * this with their own component name.
 */
export const runMigrations = (
  db: Database.Database,
  options: { readonly file: string; readonly component: string; readonly migrations: readonly Migration[]; readonly now?: () => string },
): MigrationReport => {
  const { file, component, migrations } = options;
  const now = options.now ?? (() => new Date().toISOString());
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`Migrations of ${component} must be numbered 1, 2, 3…: found version ${migration.version} at place ${index + 1}`);
  });
  const migrate = db.transaction(() => {
    const fromVersion = assertSchemaNotNewer(db, file, component, sorted);
    const pending = sorted.filter((migration) => migration.version > fromVersion);
    if (pending.length === 0) return { component, fromVersion, toVersion: fromVersion, applied: [] };
    db.exec(MIGRATIONS_TABLE);
    const record = db.prepare('INSERT INTO ll_schema_migrations (component, version, name, applied_at) VALUES (?, ?, ?, ?)');
    for (const migration of pending) {
      migration.up(db);
      record.run(component, migration.version, migration.name, now());
    }
    return { component, fromVersion, toVersion: latestVersion(sorted), applied: pending.map((m) => `${m.version} ${m.name}`) };
  });
  return migrate.immediate();
};

/** For read-only opens: the schema must already be current, since nothing may be written. */
export const assertSchemaCurrent = (db: Database.Database, file: string, component: string, migrations: readonly Migration[]): void => {
  const found = assertSchemaNotNewer(db, file, component, migrations);
  const latest = latestVersion(migrations);
  if (found < latest) {
    throw new SqliteStoreError(
      'schema-outdated',
      file,
      `${file} has ${component} schema version ${found}, this version of @learner-ledger/sqlite needs ${latest}; it was opened read-only, so it cannot be upgraded. Open it once without readonly to upgrade it`,
    );
  }
};
