import { createLedger } from '@learner-ledger/core';
import { adminContext, describeSnapshotStoreContract } from '@learner-ledger/core/testing';
import { createPostgresSnapshotStore, openPostgresEventStore, type PostgresEventStore } from '../src/index.js';
import { databaseUrl, dropSchema, freshStore, withClient } from './support.js';

const SCHEMA = 'll_test_snapshots';

describe('postgres snapshots', () => {
  // One schema for the contract: every test uses its own organization ids.
  let shared: PostgresEventStore;
  const reopened: PostgresEventStore[] = [];
  beforeAll(async () => {
    shared = await freshStore(SCHEMA, { maxConnections: 3 });
  });
  afterAll(async () => {
    for (const store of reopened) await store.close();
    await shared.close();
    await dropSchema(SCHEMA);
  });

  describeSnapshotStoreContract('postgres', async () => ({
    store: shared,
    snapshots: createPostgresSnapshotStore(shared),
    // Another pool on the same schema: what a second process sees.
    reopen: async () => {
      const again = await openPostgresEventStore({ connectionString: databaseUrl(), schema: SCHEMA, maxConnections: 2 });
      reopened.push(again);
      return { store: again, snapshots: createPostgresSnapshotStore(again) };
    },
  }));

  it('keeps snapshots in the store schema, one row per organization', async () => {
    const ledger = createLedger({ store: shared, snapshots: createPostgresSnapshotStore(shared), snapshotEvery: 1 });
    const result = await ledger.execute({ type: 'OnboardOrganization', orgId: 'pg-snap-rows', name: 'Rows', seats: 2, timeZone: 'UTC' }, adminContext());
    expect(result._tag).toBe('Right');
    await ledger.execute({ type: 'CreateTeam', orgId: 'pg-snap-rows', name: 'Sales' }, adminContext());
    await ledger.flushSnapshots();
    const rows = await withClient(async (client) => (await client.query(`SELECT org_id, stream_version FROM "${SCHEMA}".snapshots WHERE org_id = 'pg-snap-rows'`)).rows);
    expect(rows).toEqual([{ org_id: 'pg-snap-rows', stream_version: 3 }]);
  });

  it('a failing save is counted and the command is applied anyway', async () => {
    const store = await freshStore(`${SCHEMA}_broken`, { maxConnections: 2 });
    try {
      await withClient((client) => client.query(`DROP TABLE "${SCHEMA}_broken".snapshots`));
      const ledger = createLedger({ store, snapshots: createPostgresSnapshotStore(store), snapshotEvery: 1 });
      const result = await ledger.execute({ type: 'OnboardOrganization', orgId: 'acme', name: 'Acme', seats: 2, timeZone: 'UTC' }, adminContext());
      expect(result._tag === 'Right' && result.right.status).toBe('applied');
      await ledger.flushSnapshots();
      expect(ledger.snapshotCounters()).toMatchObject({ saved: 0, failedSaves: 1 });
      // Loading fails the same way: the organization is folded from its events.
      const reader = createLedger({ store, snapshots: createPostgresSnapshotStore(store) });
      const state = await reader.state('acme');
      expect(state._tag === 'Right' && state.right.seats).toBe(2);
      expect(reader.snapshotCounters()).toMatchObject({ loaded: 0, ignored: 1 });
    } finally {
      await store.close();
      await dropSchema(`${SCHEMA}_broken`);
    }
  });
});
