import { randomUUID } from 'node:crypto';
import type { OrganizationSnapshot, SaveOptions, SnapshotStore } from '@learner-ledger/core';
import { SqliteStoreError, describeSqliteFailure } from './errors.js';
import { SNAPSHOT_COMPONENT, runMigrations, schemaVersionOf, snapshotMigrations } from './schema/migrations.js';
import { IncompleteSnapshotError, SNAPSHOT_CHUNK_BYTES, type SnapshotStatements, prepareSnapshots } from './schema/snapshots.js';
import type { SqliteEventStore } from './store.js';

/** The snapshot schema this code reads and writes (older files have JSON snapshots, which it leaves alone). */
const BINARY_SNAPSHOTS = 2;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Organization snapshots in the event store's file: `ll_snapshots` names each
 * organization's snapshot, whose bytes are rows of `ll_snapshot_chunks`. A
 * save writes the chunks one short statement at a time (awaiting its turn in
 * between, so commands run between two writes), then points the organization
 * at them in one short transaction, then removes the previous chunks one at a
 * time. Pass it to
 * `createLedger({ store, snapshots })`, or let the ledger find it.
 */
export class SqliteSnapshotStore implements SnapshotStore {
  readonly name = 'sqlite';
  private readonly statements: SnapshotStatements | undefined;

  /** Use {@link createSqliteSnapshotStore}. */
  constructor(private readonly store: SqliteEventStore) {
    this.statements = schemaVersionOf(store.database, SNAPSHOT_COMPONENT) >= BINARY_SNAPSHOTS ? prepareSnapshots(store.database) : undefined;
  }

  async load(orgId: string): Promise<OrganizationSnapshot | undefined> {
    // A read-only file without the current tables simply has no snapshots this code reads.
    if (this.statements === undefined) return undefined;
    try {
      return this.statements.readWhole(orgId);
    } catch (error) {
      if (error instanceof IncompleteSnapshotError) throw new SqliteStoreError('incomplete-snapshot', this.store.file, error.message, error);
      throw describeSqliteFailure(error, this.store.file, { action: `reading the snapshot of ${orgId}`, busyTimeoutMs: this.store.busyTimeoutMs, wroteNothing: true });
    }
  }

  async save(snapshot: OrganizationSnapshot, options: SaveOptions = {}): Promise<void> {
    const turn = options.turn ?? nextTurn;
    const statements = this.statements;
    if (statements === undefined || this.store.readonly) {
      throw new SqliteStoreError('read-only', this.store.file, `${this.store.file} was opened read-only; the snapshot of ${snapshot.orgId} was not saved`);
    }
    const { orgId, bytes } = snapshot;
    const snapshotId = randomUUID();
    const chunks = Math.max(1, Math.ceil(bytes.length / SNAPSHOT_CHUNK_BYTES));
    try {
      for (let chunk = 0; chunk < chunks; chunk++) {
        if (chunk > 0) await turn();
        statements.insertChunk.run(orgId, snapshotId, chunk, bytes.subarray(chunk * SNAPSHOT_CHUNK_BYTES, (chunk + 1) * SNAPSHOT_CHUNK_BYTES));
      }
      await turn();
      this.store.transaction(() => {
        // Another process cleaning up after its own save may have removed chunks of this one: then it is not named.
        const written = statements.countChunks.get(orgId, snapshotId) as { chunks: number };
        if (written.chunks !== chunks) throw new IncompleteSnapshotError(`${written.chunks} of its ${chunks} chunks are left`);
        const { streamVersion, lastEventId, schemaVersion, codeVersion } = snapshot;
        statements.saveHeader.run(orgId, streamVersion, lastEventId, schemaVersion, codeVersion, snapshotId, chunks, bytes.length, new Date().toISOString());
      });
      for (;;) {
        await turn();
        const stale = statements.staleChunk.get(orgId, orgId) as { snapshot_id: string; chunk: number } | undefined;
        if (stale === undefined) break;
        statements.deleteChunk.run(orgId, stale.snapshot_id, stale.chunk);
      }
    } catch (error) {
      if (error instanceof IncompleteSnapshotError) throw new SqliteStoreError('incomplete-snapshot', this.store.file, `the snapshot of ${orgId} was not saved: ${error.message}`, error);
      throw describeSqliteFailure(error, this.store.file, { action: `saving the snapshot of ${orgId}`, busyTimeoutMs: this.store.busyTimeoutMs, wroteNothing: false });
    }
  }
}

/**
 * The snapshot store of a SQLite event store: brings the snapshot tables of
 * the same file up to date (component `snapshots` of `ll_schema_migrations`).
 * On a read-only store it reads the snapshots already there and saves none.
 * A ledger over the store finds it by itself (`store.snapshotStore()`).
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
      throw describeSqliteFailure(error, store.file, { action: 'creating the snapshot tables', busyTimeoutMs: store.busyTimeoutMs, wroteNothing: true });
    }
  }
  return new SqliteSnapshotStore(store);
};
