/**
 * @packageDocumentation
 * The SQLite event store for learner-ledger (better-sqlite3): one file, WAL
 * mode, atomic multi-stream appends, versioned schema migrations. The embedded
 * default store.
 */
export {
  DEFAULT_DATABASE_PATH,
  DEFAULT_WAL_AUTOCHECKPOINT_PAGES,
  SqliteEventStore,
  createSqliteEventStore,
  openSqliteEventStore,
  type SqliteEventStoreOptions,
  type SqliteSynchronous,
} from './store.js';
export { SqliteSchemaVersionError, SqliteStoreError, type SqliteFailure } from './errors.js';
export {
  EVENT_LOG_COMPONENT,
  eventLogMigrations,
  SNAPSHOT_COMPONENT,
  snapshotMigrations,
  latestVersion,
  runMigrations,
  schemaVersionOf,
  type Migration,
  type MigrationReport,
} from './schema/migrations.js';
export { createSqliteProjectionStore, SqliteProjectionStore, SQLITE_CHECKPOINT_TABLE, type SqliteProjectionTarget } from './projection-store.js';
export { createSqliteSnapshotStore, SqliteSnapshotStore } from './snapshot-store.js';
export { createSqlitePersonalDataKeys, SqlitePersonalDataKeys } from './personal-keys.js';
