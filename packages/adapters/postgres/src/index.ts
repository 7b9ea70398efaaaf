/**
 * @packageDocumentation
 * PostgreSQL event store for learner-ledger: the core `EventStore` port on
 * `pg`, in a schema the user names, with versioned migrations, per-stream
 * optimistic concurrency, atomic multi-stream appends, a global order that
 * catch-up readers can poll safely under concurrent writers, COPY for bulk
 * appends and LISTEN/NOTIFY for waiting readers.
 */
export { openPostgresEventStore, PostgresEventStore, type PostgresEventStoreOptions } from './store.js';
export { LATEST_SCHEMA_VERSION, SchemaTooNewError, type MigrationReport } from './schema/migrations.js';
export { DEFAULT_SCHEMA, quoteIdentifier, schemaNameProblem, type SchemaNames } from './schema/identifiers.js';
export { createPostgresProjectionStore, PostgresProjectionStore, POSTGRES_CHECKPOINT_TABLE, type PostgresProjectionStoreOptions, type PostgresProjectionTarget } from './projection-store.js';
export { createPostgresSnapshotStore, PostgresSnapshotStore } from './snapshot-store.js';
export { PostgresPersonalDataKeys } from './personal-keys.js';
