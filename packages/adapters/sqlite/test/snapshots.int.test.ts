import { createLedger, InMemoryEventStore, SNAPSHOT_CODE_VERSION, SNAPSHOT_SCHEMA_VERSION } from '@learner-ledger/core';
import { adminContext, describeSnapshotStoreContract } from '@learner-ledger/core/testing';
import { createSqliteSnapshotStore, latestVersion, openSqliteEventStore, schemaVersionOf, SNAPSHOT_COMPONENT, snapshotMigrations } from '../src/index.js';
import { rightOf, temporaryDirectory } from './support.js';

describeSnapshotStoreContract('sqlite file', async () => {
  const tmp = temporaryDirectory('ll-snapshots-');
  const store = openSqliteEventStore({ path: tmp.file() });
  const opened: { close(): Promise<void> }[] = [];
  return {
    store,
    snapshots: createSqliteSnapshotStore(store),
    // Another connection to the same file: what a second process sees.
    reopen: async () => {
      const again = openSqliteEventStore({ path: tmp.file() });
      opened.push(again);
      return { store: again, snapshots: createSqliteSnapshotStore(again), close: () => again.close() };
    },
    teardown: async () => {
      for (const store of opened) await store.close();
      await store.close();
      tmp.remove();
    },
  };
});

describe('sqlite snapshot store', () => {
  it('creates ll_snapshots through the migrations, once, next to the events', async () => {
    const tmp = temporaryDirectory();
    try {
      const store = openSqliteEventStore({ path: tmp.file() });
      expect(schemaVersionOf(store.database, SNAPSHOT_COMPONENT)).toBe(0);
      createSqliteSnapshotStore(store);
      createSqliteSnapshotStore(store);
      expect(schemaVersionOf(store.database, SNAPSHOT_COMPONENT)).toBe(latestVersion(snapshotMigrations));
      expect(store.database.prepare(`SELECT COUNT(*) FROM ll_schema_migrations WHERE component = 'snapshots'`).pluck().get()).toBe(latestVersion(snapshotMigrations));
      await store.close();
    } finally {
      tmp.remove();
    }
  });

  it('on a read-only file uses the snapshots there, saves none, and the ledger goes on', async () => {
    const tmp = temporaryDirectory();
    try {
      const writable = openSqliteEventStore({ path: tmp.file() });
      const writer = createLedger({ store: writable, snapshots: createSqliteSnapshotStore(writable), snapshotEvery: 2 });
      rightOf(await writer.execute({ type: 'OnboardOrganization', orgId: 'acme', name: 'Acme', seats: 5, timeZone: 'UTC' }, adminContext()));
      rightOf(await writer.execute({ type: 'CreateTeam', orgId: 'acme', name: 'Sales' }, adminContext()));
      await writer.flushSnapshots();
      await writable.close();

      const readonly = openSqliteEventStore({ path: tmp.file(), readonly: true });
      const reader = createLedger({ store: readonly, snapshots: createSqliteSnapshotStore(readonly), snapshotEvery: 1 });
      expect(rightOf(await reader.state('acme')).teams.size).toBe(2);
      expect(reader.snapshotCounters()).toMatchObject({ loaded: 1, saved: 0 });
      await readonly.close();
    } finally {
      tmp.remove();
    }
  });

  it('a failing save is counted and the command is applied anyway', async () => {
    const tmp = temporaryDirectory();
    try {
      const store = openSqliteEventStore({ path: tmp.file() });
      const snapshots = createSqliteSnapshotStore(store);
      store.database.exec('DROP TABLE ll_snapshots');
      const ledger = createLedger({ store, snapshots, snapshotEvery: 1 });
      const result = rightOf(await ledger.execute({ type: 'OnboardOrganization', orgId: 'acme', name: 'Acme', seats: 5, timeZone: 'UTC' }, adminContext()));
      expect(result.status).toBe('applied');
      await ledger.flushSnapshots();
      expect(ledger.snapshotCounters()).toMatchObject({ saved: 0, failedSaves: 1 });
      expect(ledger.snapshotCounters().lastProblem).toContain('ll_snapshots');
      await store.close();
    } finally {
      tmp.remove();
    }
  });

  it('never hands a snapshot of one file to a ledger over another store', async () => {
    const tmp = temporaryDirectory();
    try {
      const store = openSqliteEventStore({ path: tmp.file() });
      const snapshots = createSqliteSnapshotStore(store);
      const writer = createLedger({ store, snapshots, snapshotEvery: 1 });
      rightOf(await writer.execute({ type: 'OnboardOrganization', orgId: 'acme', name: 'Acme', seats: 5, timeZone: 'UTC' }, adminContext()));
      await writer.flushSnapshots();
      expect(await snapshots.load('acme')).toMatchObject({ schemaVersion: SNAPSHOT_SCHEMA_VERSION, codeVersion: SNAPSHOT_CODE_VERSION, streamVersion: 2 });
      // Another store whose acme stream has a different history: the snapshot is refused.
      const other = new InMemoryEventStore();
      const elsewhere = createLedger({ store: other });
      rightOf(await elsewhere.execute({ type: 'OnboardOrganization', orgId: 'acme', name: 'Other', seats: 1, timeZone: 'UTC' }, adminContext()));
      const confused = createLedger({ store: other, snapshots });
      expect(rightOf(await confused.state('acme')).name).toBe('Other');
      expect(confused.snapshotCounters()).toMatchObject({ loaded: 0, ignored: 1 });
      await store.close();
    } finally {
      tmp.remove();
    }
  });
});
