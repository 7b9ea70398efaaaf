import fc from 'fast-check';
import pg from 'pg';
import { createLedger, type Ledger } from '@learner-ledger/core';
import { adminContext, sampleOrganizationCommands } from '@learner-ledger/core/testing';
import {
  allProjections,
  describeProjection,
  dumpTables,
  inactiveLearnersOf,
  inactiveRosterProjection,
  licenseCountsProjection,
  licenseCountsTables,
  ProjectionRunner,
  Table,
  teamRostersOf,
  teamRostersProjection,
  type LicenseCountRow,
  type LicenseCountsState,
  type LicenseHolderRow,
  type Projection,
} from '@learner-ledger/projections';
import { randomScript, rebuiltTables, runIncrementally, runScript, storedTables } from '@learner-ledger/projections/testing';
import { createPostgresProjectionStore, POSTGRES_CHECKPOINT_TABLE, type PostgresEventStore, type PostgresProjectionStore } from '../src/index.js';
import { databaseUrl, dropSchema, freshStore } from './support.js';

let counter = 0;
const withStore = async (work: (store: PostgresEventStore, schema: string) => Promise<void>) => {
  const schema = `ll_projections_${process.pid}_${counter++}`;
  const store = await freshStore(schema);
  try {
    await work(store, schema);
  } finally {
    await store.close();
    await dropSchema(schema);
  }
};

const execute = async (ledger: Ledger, ...args: Parameters<Ledger['execute']>) => {
  const result = await ledger.execute(...args);
  if (result._tag === 'Left') throw new Error(result.left.message);
  return result.right;
};

const sampleHistory = async (store: PostgresEventStore) => {
  const ledger = createLedger({ store });
  for (const command of sampleOrganizationCommands('acme')) await execute(ledger, command, adminContext());
  await execute(ledger, { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0002'] }, adminContext({ channel: 'learner-draft' }));
  await execute(ledger, { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0003'], move: null }, adminContext({ channel: 'data-services', importId: 'imp-1', fileName: 'learners.csv', line: 4 }));
  return ledger;
};

describe('PostgreSQL projection store', () => {
  test('replay determinism: incremental with random batches and restarts (new pools) = rebuilt from 0, in memory and in the tables', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 10, max: 45 }), fc.integer({ min: 0, max: 2 }), async (seed, length, restarts) => {
        await withStore(async (store, schema) => {
          const ledger = createLedger({ store });
          // Each restart connects anew, as a new process would.
          const open = () => {
            const pool = new pg.Pool({ connectionString: databaseUrl(), max: 2 });
            pool.on('error', () => undefined);
            return createPostgresProjectionStore(pool, { schema });
          };
          const close = async (projectionStore: unknown) => {
            await (projectionStore as PostgresProjectionStore).pool.end();
          };
          const script = randomScript(seed, length);
          const half = Math.floor(script.length / 2);
          await runScript(ledger, script.slice(0, half));
          await close((await runIncrementally({ store, projections: allProjections, openProjectionStore: open, closeProjectionStore: close, seed, restarts })).projectionStore);
          await runScript(ledger, script.slice(half));
          const { runner, projectionStore } = await runIncrementally({ store, projections: allProjections, openProjectionStore: open, closeProjectionStore: close, seed: seed + 1, restarts });
          try {
            for (const projection of allProjections) {
              const rebuilt = await rebuiltTables(store, projection);
              expect(dumpTables(projection, runner.state(projection))).toEqual(rebuilt);
              const stored = await storedTables(projectionStore, projection);
              expect(stored.tables).toEqual(rebuilt);
              expect(stored.checkpoint).toBe(await store.headPosition());
            }
          } finally {
            await close(projectionStore);
          }
        });
      }),
      { numRuns: 12 },
    );
  });

  test('the tables answer reporting queries in SQL exactly as the in-memory read model does', async () => {
    await withStore(async (store, schema) => {
      await sampleHistory(store);
      const runner = new ProjectionRunner({ store, projections: allProjections, projectionStore: createPostgresProjectionStore(store), batchSize: 4 });
      await runner.catchUp();
      const q = async (sql: string, params: unknown[] = []) => (await store.pool.query(sql.replace(/\bll_/g, `"${schema}".ll_`), params)).rows;
      expect(await q('SELECT org_id, seats, in_use, available, time_zone FROM ll_license_counts')).toEqual([
        { org_id: 'acme', seats: '10', in_use: '2', available: '8', time_zone: 'America/Chicago' },
      ]);
      const roster = inactiveLearnersOf(runner.state(inactiveRosterProjection), 'acme');
      expect(await q('SELECT learner_id, since, actor_kind, actor_id, channel FROM ll_inactive_roster ORDER BY since, learner_id')).toEqual(
        roster.map((l) => ({ learner_id: l.learnerId, since: l.since, actor_kind: l.actor.kind, actor_id: l.actor.id, channel: l.channel })),
      );
      const fromView = (await q('SELECT team_id, learner_id FROM ll_team_rosters WHERE org_id = $1 ORDER BY team_id, learner_id', ['acme'])) as { team_id: string; learner_id: string }[];
      const expected = teamRostersOf(runner.state(teamRostersProjection), 'acme')
        .flatMap((team) => team.members.map((learnerId) => ({ team_id: team.teamId, learner_id: learnerId })))
        .sort((a, b) => (a.team_id + a.learner_id < b.team_id + b.learner_id ? -1 : 1));
      expect(fromView).toEqual(expected);
      expect(fromView.map((r) => r.learner_id)).not.toContain('0002');
      expect(await q("SELECT kind, learner_id, team_id FROM ll_anomalies WHERE org_id = 'acme'")).toEqual([{ kind: 'deactivated-on-standard-team', learner_id: '0003', team_id: 'support' }]);
      expect(
        await q("SELECT event_type, channel, import_id, file_name, line, data->>'licenseId' AS license FROM ll_audit_trail a JOIN ll_audit_learners l USING (org_id, global_position) WHERE l.learner_id = '0003' AND event_type = 'LicenseReleased'"),
      ).toEqual([{ event_type: 'LicenseReleased', channel: 'data-services', import_id: 'imp-1', file_name: 'learners.csv', line: '4', license: 'L-3' }]);
      expect(await q("SELECT status, teams, holds_license FROM ll_learner_directory WHERE learner_id = '0002'")).toEqual([{ status: 'inactive', teams: ['inactive-learners'], holds_license: false }]);
      const checkpoints = (await q(`SELECT projection, position FROM ll_projection_checkpoints ORDER BY projection`)) as { projection: string; position: string }[];
      expect(POSTGRES_CHECKPOINT_TABLE).toBe('ll_projection_checkpoints');
      expect(checkpoints.map((c) => c.projection)).toEqual(allProjections.map((p) => p.name).sort());
      for (const c of checkpoints) expect(BigInt(c.position)).toBe(await store.headPosition());
    });
  });

  test('two runners racing on one schema: the checkpoint lock lets one win each batch, the loser reloads and retries, the tables end exact', async () => {
    await withStore(async (store) => {
      const ledger = createLedger({ store });
      await runScript(ledger, randomScript(7, 60));
      const racers = [0, 1].map(() => new ProjectionRunner({ store, projections: allProjections, projectionStore: createPostgresProjectionStore(store), batchSize: 7 }));
      await Promise.all(
        racers.map(async (runner) => {
          for (;;) {
            try {
              if (await runner.step()) return;
            } catch (error) {
              // The other runner committed this batch first: refused, reloaded, retried.
              if ((error as { code?: string }).code !== 'CHECKPOINT_CONFLICT') throw error;
            }
          }
        }),
      );
      const projectionStore = createPostgresProjectionStore(store);
      for (const projection of allProjections) {
        const stored = await storedTables(projectionStore, projection);
        expect(stored.tables).toEqual(await rebuiltTables(store, projection));
        expect(stored.checkpoint).toBe(await store.headPosition());
      }
    });
  });

  test('a commit that fails half-way writes neither rows nor checkpoint; a stale writer is refused', async () => {
    await withStore(async (store, schema) => {
      const projectionStore = createPostgresProjectionStore(store);
      const description = describeProjection(licenseCountsProjection);
      await projectionStore.load(description);
      const good = { org_id: 'acme', time_zone: 'UTC', seats: 3, in_use: 0, available: 3, onboarded_at: null };
      const bad = { org_id: 'globex', time_zone: null, seats: 3, in_use: 0, available: 3, onboarded_at: null };
      await expect(
        projectionStore.commit({ projection: description, expectedCheckpoint: 0n, checkpoint: 5n, changes: [{ table: 'll_license_counts', upserts: [good], deletes: [] }, { table: 'll_license_counts', upserts: [bad], deletes: [] }] }),
      ).rejects.toThrow(/null value/);
      expect(await projectionStore.checkpoint('license-counts')).toBe(0n);
      expect((await store.pool.query(`SELECT count(*)::int AS n FROM "${schema}".ll_license_counts`)).rows).toEqual([{ n: 0 }]);
      await projectionStore.commit({ projection: description, expectedCheckpoint: 0n, checkpoint: 5n, changes: [{ table: 'll_license_counts', upserts: [good], deletes: [] }] });
      expect(await projectionStore.checkpoint('license-counts')).toBe(5n);
      await expect(projectionStore.commit({ projection: description, expectedCheckpoint: 0n, checkpoint: 6n, changes: [] })).rejects.toThrow(/expected checkpoint 0, found 5/);
    });
  });

  test('a runner resumes from the database after a restart; a changed table definition rebuilds from 0', async () => {
    await withStore(async (store, schema) => {
      const ledger = await sampleHistory(store);
      const first = new ProjectionRunner({ store, projections: [licenseCountsProjection], projectionStore: createPostgresProjectionStore(store) });
      await first.catchUp();
      const head = await store.headPosition();
      await execute(ledger, { type: 'ResizeLicensePool', orgId: 'acme', seats: 20 }, adminContext());
      const second = new ProjectionRunner({ store, projections: [licenseCountsProjection], projectionStore: createPostgresProjectionStore(store) });
      await second.start();
      expect(second.checkpoint('license-counts')).toBe(head);
      await second.catchUp();
      expect(second.stats().projections[0]!.eventsApplied).toBe(1);
      expect((await store.pool.query(`SELECT seats::int, in_use::int FROM "${schema}".ll_license_counts`)).rows).toEqual([{ seats: 20, in_use: 2 }]);

      const changed: Projection<LicenseCountsState> = {
        ...licenseCountsProjection,
        initialState: () => ({
          counts: new Table<LicenseCountRow>({ ...licenseCountsTables.counts, columns: [...licenseCountsTables.counts.columns, { name: 'note', kind: 'text', nullable: true }] }),
          holders: new Table<LicenseHolderRow>(licenseCountsTables.holders),
        }),
      };
      const third = new ProjectionRunner({ store, projections: [changed], projectionStore: createPostgresProjectionStore(store) });
      await third.start();
      expect(third.checkpoint('license-counts')).toBe(0n);
      await third.catchUp();
      expect((await store.pool.query(`SELECT seats::int, in_use::int, note FROM "${schema}".ll_license_counts`)).rows).toEqual([{ seats: 20, in_use: 2, note: null }]);
    });
  });
});
