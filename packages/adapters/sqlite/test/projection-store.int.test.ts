import fc from 'fast-check';
import Database from 'better-sqlite3';
import { createLedger } from '@learner-ledger/core';
import { adminContext, sampleOrganizationCommands } from '@learner-ledger/core/testing';
import {
  allProjections,
  describeProjection,
  dumpTables,
  inactiveLearnersOf,
  inactiveRosterProjection,
  licenseCountsProjection,
  ProjectionRunner,
  teamRostersOf,
  teamRostersProjection,
  licenseCountsTables,
  Table,
  type LicenseCountRow,
  type LicenseCountsState,
  type LicenseHolderRow,
  type Projection,
} from '@learner-ledger/projections';
import { randomScript, rebuiltTables, runIncrementally, runScript, storedTables } from '@learner-ledger/projections/testing';
import { createSqliteProjectionStore, openSqliteEventStore, SQLITE_CHECKPOINT_TABLE, SqliteProjectionStore } from '../src/index.js';
import { rightOf, temporaryDirectory } from './support.js';

const withStore = async (work: (store: ReturnType<typeof openSqliteEventStore>, file: string) => Promise<void>) => {
  const tmp = temporaryDirectory('ll-sqlite-projections-');
  const store = openSqliteEventStore({ path: tmp.file() });
  try {
    await work(store, tmp.file());
  } finally {
    await store.close();
    tmp.remove();
  }
};

const sampleHistory = async (store: ReturnType<typeof openSqliteEventStore>) => {
  const ledger = createLedger({ store });
  for (const command of sampleOrganizationCommands('acme')) {
    rightOf(await ledger.execute(command, adminContext()));
  }
  await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0002'] }, adminContext({ channel: 'learner-draft' }));
  await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0003'], move: null }, adminContext({ channel: 'data-services', importId: 'imp-1', fileName: 'learners.csv', line: 4 }));
  return ledger;
};

describe('SQLite projection store', () => {
  test('replay determinism: incremental with random batches and restarts (new connections) = rebuilt from 0, in memory and in the tables', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 10, max: 50 }), fc.integer({ min: 0, max: 3 }), async (seed, length, restarts) => {
        await withStore(async (store, file) => {
          const ledger = createLedger({ store });
          const connections: Database.Database[] = [];
          // Each restart opens a new connection to the same file, as a new process would.
          const open = () => {
            const database = new Database(file, { timeout: 5000 });
            connections.push(database);
            return createSqliteProjectionStore(database);
          };
          const close = (projectionStore: unknown) => {
            (projectionStore as SqliteProjectionStore).database.close();
          };
          const script = randomScript(seed, length);
          const half = Math.floor(script.length / 2);
          await runScript(ledger, script.slice(0, half));
          close((await runIncrementally({ store, projections: allProjections, openProjectionStore: open, closeProjectionStore: close, seed, restarts })).projectionStore);
          await runScript(ledger, script.slice(half));
          const { runner, projectionStore } = await runIncrementally({ store, projections: allProjections, openProjectionStore: open, closeProjectionStore: close, seed: seed + 1, restarts });
          for (const projection of allProjections) {
            const rebuilt = await rebuiltTables(store, projection);
            expect(dumpTables(projection, runner.state(projection))).toEqual(rebuilt);
            const stored = await storedTables(projectionStore, projection);
            expect(stored.tables).toEqual(rebuilt);
            expect(stored.checkpoint).toBe(await store.headPosition());
          }
          for (const database of connections) if (database.open) database.close();
        });
      }),
      { numRuns: 25 },
    );
  });

  test('the tables answer reporting queries in SQL exactly as the in-memory read model does', async () => {
    await withStore(async (store) => {
      await sampleHistory(store);
      const runner = new ProjectionRunner({ store, projections: allProjections, projectionStore: createSqliteProjectionStore(store), batchSize: 4 });
      await runner.catchUp();
      const db = store.database;
      expect(db.prepare('SELECT org_id, seats, in_use, available, time_zone FROM ll_license_counts').all()).toEqual([
        { org_id: 'acme', seats: 10, in_use: 2, available: 8, time_zone: 'America/Chicago' },
      ]);
      const roster = inactiveLearnersOf(runner.state(inactiveRosterProjection), 'acme');
      expect(db.prepare('SELECT learner_id, since, actor_kind, actor_id, channel FROM ll_inactive_roster ORDER BY since, learner_id').all()).toEqual(
        roster.map((l) => ({ learner_id: l.learnerId, since: l.since, actor_kind: l.actor.kind, actor_id: l.actor.id, channel: l.channel })),
      );
      const fromView = db.prepare('SELECT team_id, learner_id FROM ll_team_rosters WHERE org_id = ? ORDER BY team_id, learner_id').all('acme') as { team_id: string; learner_id: string }[];
      const expected = teamRostersOf(runner.state(teamRostersProjection), 'acme').flatMap((team) => team.members.map((learnerId) => ({ team_id: team.teamId, learner_id: learnerId }))).sort((a, b) => (a.team_id + a.learner_id < b.team_id + b.learner_id ? -1 : 1));
      expect(fromView).toEqual(expected);
      expect(fromView.map((r) => r.learner_id)).not.toContain('0002');
      expect(db.prepare("SELECT kind, learner_id, team_id FROM ll_anomalies WHERE org_id = 'acme'").all()).toEqual([{ kind: 'deactivated-on-standard-team', learner_id: '0003', team_id: 'support' }]);
      expect(db.prepare("SELECT event_type, channel, import_id, file_name, line FROM ll_audit_trail a JOIN ll_audit_learners l USING (org_id, global_position) WHERE l.learner_id = '0003' AND event_type = 'LicenseReleased'").all()).toEqual([
        { event_type: 'LicenseReleased', channel: 'data-services', import_id: 'imp-1', file_name: 'learners.csv', line: 4 },
      ]);
      const directory = db.prepare("SELECT status, teams, holds_license FROM ll_learner_directory WHERE learner_id = '0002'").get();
      expect(directory).toEqual({ status: 'inactive', teams: '["inactive-learners"]', holds_license: 0 });
      const checkpoints = db.prepare(`SELECT projection, position FROM ${SQLITE_CHECKPOINT_TABLE} ORDER BY projection`).all() as { projection: string; position: number }[];
      expect(checkpoints.map((c) => c.projection)).toEqual(allProjections.map((p) => p.name).sort());
      for (const c of checkpoints) expect(BigInt(c.position)).toBe(await store.headPosition());
    });
  });

  test('a commit that fails half-way writes neither rows nor checkpoint', async () => {
    await withStore(async (store) => {
      const projectionStore = createSqliteProjectionStore(store);
      const description = describeProjection(licenseCountsProjection);
      await projectionStore.load(description);
      const good = { org_id: 'acme', time_zone: 'UTC', seats: 3, in_use: 0, available: 3, onboarded_at: null };
      const bad = { org_id: 'globex', time_zone: null, seats: 3, in_use: 0, available: 3, onboarded_at: null };
      // Checked by shape, not with toThrow: better-sqlite3 keeps the error class of the first test file that loaded it in this
      // worker, so in later files its errors are not `instanceof Error` of this realm and toThrow would call them "no throw".
      await expect(
        projectionStore.commit({ projection: description, expectedCheckpoint: 0n, checkpoint: 5n, changes: [{ table: 'll_license_counts', upserts: [good, bad], deletes: [] }] }),
      ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_NOTNULL', message: expect.stringMatching(/NOT NULL constraint failed: ll_license_counts\.time_zone/) });
      expect(await projectionStore.checkpoint('license-counts')).toBeUndefined();
      expect(store.database.prepare('SELECT count(*) AS n FROM ll_license_counts').get()).toEqual({ n: 0 });
      await projectionStore.commit({ projection: description, expectedCheckpoint: 0n, checkpoint: 5n, changes: [{ table: 'll_license_counts', upserts: [good], deletes: [] }] });
      expect(await projectionStore.checkpoint('license-counts')).toBe(5n);
      await expect(projectionStore.commit({ projection: description, expectedCheckpoint: 0n, checkpoint: 6n, changes: [] })).rejects.toThrow(/expected checkpoint 0, found 5/);
    });
  });

  test('a runner resumes from the file after a restart; a changed table definition rebuilds from 0', async () => {
    await withStore(async (store) => {
      const ledger = await sampleHistory(store);
      const first = new ProjectionRunner({ store, projections: [licenseCountsProjection], projectionStore: createSqliteProjectionStore(store) });
      await first.catchUp();
      const head = await store.headPosition();
      await ledger.execute({ type: 'ResizeLicensePool', orgId: 'acme', seats: 20 }, adminContext());
      const second = new ProjectionRunner({ store, projections: [licenseCountsProjection], projectionStore: createSqliteProjectionStore(store) });
      await second.start();
      expect(second.checkpoint('license-counts')).toBe(head);
      await second.catchUp();
      expect(second.stats().projections[0]!.eventsApplied).toBe(1);
      expect(store.database.prepare('SELECT seats, in_use FROM ll_license_counts').get()).toEqual({ seats: 20, in_use: 2 });

      // The next version of the projection adds a column: its tables are recreated and it replays from 0.
      const changed: Projection<LicenseCountsState> = {
        ...licenseCountsProjection,
        initialState: () => ({
          counts: new Table<LicenseCountRow>({ ...licenseCountsTables.counts, columns: [...licenseCountsTables.counts.columns, { name: 'note', kind: 'text', nullable: true }] }),
          holders: new Table<LicenseHolderRow>(licenseCountsTables.holders),
        }),
      };
      const third = new ProjectionRunner({ store, projections: [changed], projectionStore: createSqliteProjectionStore(store) });
      await third.start();
      expect(third.checkpoint('license-counts')).toBe(0n);
      await third.catchUp();
      expect(store.database.prepare('SELECT seats, in_use, note FROM ll_license_counts').get()).toEqual({ seats: 20, in_use: 2, note: null });
    });
  });
});
