import { type OrganizationSnapshot, type SnapshotStore, StoreUnavailableError } from '@learner-ledger/core';
import { STORE_NAME, readFailure } from './schema/errors.js';
import { IncompleteSnapshotError, loadSnapshot, saveSnapshot } from './schema/snapshots.js';
import type { PostgresEventStore } from './store.js';

/**
 * Organization snapshots in the store's schema: `<schema>.snapshots` names
 * each organization's snapshot, whose bytes are rows of
 * `<schema>.snapshot_chunks` (migration 4). Pass it to
 * `createLedger({ store, snapshots })`, or let the ledger find it.
 */
export class PostgresSnapshotStore implements SnapshotStore {
  readonly name = 'postgres';

  /** Use {@link createPostgresSnapshotStore}. */
  constructor(private readonly store: PostgresEventStore) {}

  async load(orgId: string): Promise<OrganizationSnapshot | undefined> {
    try {
      return await loadSnapshot(this.store.pool, this.store.names, orgId);
    } catch (error) {
      if (error instanceof IncompleteSnapshotError) throw new StoreUnavailableError(STORE_NAME, error.message, error);
      throw readFailure(`reading the snapshot of ${orgId} in schema ${this.store.schema}`, 'PostgreSQL', error);
    }
  }

  async save(snapshot: OrganizationSnapshot): Promise<void> {
    try {
      await saveSnapshot(this.store.pool, this.store.names, `schema ${this.store.schema}`, snapshot);
    } catch (error) {
      if (error instanceof IncompleteSnapshotError) throw new StoreUnavailableError(STORE_NAME, `the snapshot of ${snapshot.orgId} was not saved: ${error.message}`, error);
      throw readFailure(`saving the snapshot of ${snapshot.orgId} in schema ${this.store.schema}`, 'PostgreSQL', error);
    }
  }
}

/**
 * The snapshot store of a PostgreSQL event store (same pool, same schema).
 * A ledger over the store finds it by itself (`store.snapshotStore()`).
 *
 * @example
 * const store = await openPostgresEventStore({ connectionString: process.env.DATABASE_URL! });
 * const ledger = createLedger({ store, snapshots: createPostgresSnapshotStore(store) });
 */
export const createPostgresSnapshotStore = (store: PostgresEventStore): PostgresSnapshotStore => new PostgresSnapshotStore(store);
