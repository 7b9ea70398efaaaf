import type { OrganizationSnapshot, SnapshotStore } from '@learner-ledger/core';
import { readFailure } from './schema/errors.js';
import { loadSnapshot, saveSnapshot } from './schema/snapshots.js';
import type { PostgresEventStore } from './store.js';

/**
 * Organization snapshots in the store's schema (`<schema>.snapshots`, one row
 * per organization, created by migration 2). Pass it to
 * `createLedger({ store, snapshots })`.
 */
export class PostgresSnapshotStore implements SnapshotStore {
  readonly name = 'postgres';

  /** Use {@link createPostgresSnapshotStore}. */
  constructor(private readonly store: PostgresEventStore) {}

  async load(orgId: string): Promise<OrganizationSnapshot | undefined> {
    try {
      return await loadSnapshot(this.store.pool, this.store.names, orgId);
    } catch (error) {
      throw readFailure(`reading the snapshot of ${orgId} in schema ${this.store.schema}`, 'PostgreSQL', error);
    }
  }

  async save(snapshot: OrganizationSnapshot): Promise<void> {
    try {
      await saveSnapshot(this.store.pool, this.store.names, snapshot);
    } catch (error) {
      throw readFailure(`saving the snapshot of ${snapshot.orgId} in schema ${this.store.schema}`, 'PostgreSQL', error);
    }
  }
}

/**
 * The snapshot store of a PostgreSQL event store (same pool, same schema).
 *
 * @example
 * const store = await openPostgresEventStore({ connectionString: process.env.DATABASE_URL! });
 * const ledger = createLedger({ store, snapshots: createPostgresSnapshotStore(store) });
 */
export const createPostgresSnapshotStore = (store: PostgresEventStore): PostgresSnapshotStore => new PostgresSnapshotStore(store);
