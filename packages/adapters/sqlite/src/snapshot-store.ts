import type { OrganizationSnapshot, SnapshotStore } from '@learner-ledger/core';
import { SqliteStoreError, describeSqliteFailure } from './errors.js';
import { SNAPSHOT_COMPONENT, runMigrations, snapshotMigrations } from './schema/migrations.js';
import { type SnapshotStatements, loadSnapshot, prepareSnapshots, saveSnapshot } from './schema/snapshots.js';
import type { SqliteEventStore } from './store.js';

/**
 * Organization snapshots in the event store's file (`ll_snapshots`, one row
 * per organization). Pass it to `createLedger({ store, snapshots })`.
 */
export class SqliteSnapshotStore implements SnapshotStore {
  readonly name = 'sqlite';
  private readonly statements: SnapshotStatements | undefined;

  /** Use {@link createSqliteSnapshotStore}. */
  constructor(private readonly store: SqliteEventStore) {
    const hasTable = store.database.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'll_snapshots'`).pluck().get() !== undefined;
    this.statements = hasTable ? prepareSnapshots(store.database) : undefined;
  }

  async load(orgId: string): Promise<OrganizationSnapshot | undefined> {
    // A read-only file without the table simply has no snapshots.
    if (this.statements === undefined) return undefined;
    try {
      return loadSnapshot(this.statements, orgId);
    } catch (error) {
      throw describeSqliteFailure(error, this.store.file, { action: `reading the snapshot of ${orgId}`, busyTimeoutMs: this.store.busyTimeoutMs, wroteNothing: true });
    }
  }

  async save(snapshot: OrganizationSnapshot): Promise<void> {
    if (this.statements === undefined || this.store.readonly) {
      throw new SqliteStoreError('read-only', this.store.file, `${this.store.file} was opened read-only; the snapshot of ${snapshot.orgId} was not saved`);
    }
    try {
      saveSnapshot(this.statements, snapshot, new Date().toISOString());
    } catch (error) {
      throw describeSqliteFailure(error, this.store.file, { action: `saving the snapshot of ${snapshot.orgId}`, busyTimeoutMs: this.store.busyTimeoutMs, wroteNothing: true });
    }
  }
}

/**
 * The snapshot store of a SQLite event store: creates `ll_snapshots` in the same
 * file when it is missing (component `snapshots` of `ll_schema_migrations`).
 * On a read-only store it finds the snapshots already there and saves none.
 *
 * @example
 * const store = openSqliteEventStore({ path: './learner-ledger.db' });
 * const ledger = createLedger({ store, snapshots: createSqliteSnapshotStore(store) });
 */
export const createSqliteSnapshotStore = (store: SqliteEventStore): SqliteSnapshotStore => {
  if (!store.readonly) {
    try {
      runMigrations(store.database, { file: store.file, component: SNAPSHOT_COMPONENT, migrations: snapshotMigrations });
    } catch (error) {
      throw describeSqliteFailure(error, store.file, { action: 'creating the snapshot table', busyTimeoutMs: store.busyTimeoutMs, wroteNothing: true });
    }
  }
  return new SqliteSnapshotStore(store);
};
