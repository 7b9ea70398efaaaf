import * as E from 'fp-ts/lib/Either.js';
import { createLedger, type Command, type CommandContext, type EventStore, type Ledger } from '@learner-ledger/core';
import { adminContext, sampleOrganizationCommands } from '@learner-ledger/core/testing';
import { allProjections } from '../all.js';
import { dumpTables, type Projection } from '../projection.js';
import { describeProjection, type ProjectionStore } from '../projection-store.js';
import { inactiveLearnersOf, inactiveRosterProjection } from '../projections/inactive-roster.js';
import { licenseCountsProjection, licenseCountsTables, type LicenseCountRow, type LicenseCountsState, type LicenseHolderRow } from '../projections/license-counts.js';
import { teamRostersOf, teamRostersProjection } from '../projections/team-rosters.js';
import { ProjectionRunner } from '../runner.js';
import { Table } from '../table.js';
import { licenseCountAt } from '../queries.js';
import { asOfProjections } from '../history/as-of-projections.js';
import { describeAsOfContract, type AsOfContractOptions } from './as-of-contract.js';
import { rebuiltTables, runIncrementally, storedTables } from './replay.js';
import { randomScript, runScript } from './scripts.js';

/**
 * The projection-store contract: one suite for every projection store that
 * keeps read models as SQL tables. A store is done when
 * `describeProjectionStoreContract('sqlite', factory, options)` passes in its
 * test file. Uses the Jest globals (`describe`, `test`, `expect`) and
 * fast-check, which the calling test project provides.
 */
export interface ProjectionStoreContractSetup {
  /** A fresh, empty event store the projections read. */
  readonly store: EventStore;
  /** A projection-store handle over the store's own storage and connection. */
  readonly projectionStore: () => ProjectionStore;
  /** A handle on a new connection to the same storage, as a restarted process opens it. */
  readonly reopen: () => Promise<ProjectionStore> | ProjectionStore;
  /** Closes a handle made by {@link ProjectionStoreContractSetup.reopen}. */
  readonly close: (projectionStore: ProjectionStore) => Promise<void> | void;
  /** Runs SQL on the read-model tables (written with unqualified `ll_` names) and returns the rows as the driver gives them. */
  readonly query: (sql: string) => Promise<readonly Record<string, unknown>[]>;
  /** How the driver hands back a value of each column kind. */
  readonly values: { readonly integer: (n: number) => unknown; readonly boolean: (b: boolean) => unknown; readonly json: (value: unknown) => unknown };
  /** The table of checkpoints. */
  readonly checkpointTable: string;
  /** What the driver throws for a NULL in a NOT NULL column of `ll_license_counts.time_zone` (a `toMatchObject` pattern). */
  readonly notNullViolation: Record<string, unknown>;
  /** Makes the database refuse every checkpoint write with `message` until the returned function is called. */
  readonly refuseCheckpointWrites: (message: string) => Promise<() => Promise<void>>;
  /** Closes and removes everything the factory made. */
  readonly teardown: () => Promise<void>;
}
export type ProjectionStoreContractFactory = () => Promise<ProjectionStoreContractSetup>;

export interface ProjectionStoreContractOptions {
  /** Runs of the replay-determinism property (each on a fresh store). */
  readonly replayRuns: number;
  /** The longest scripted history of a run (at least 10). */
  readonly maxScriptLength: number;
  /** The most restarts (new connections) a run simulates. */
  readonly maxRestarts: number;
  /** The as-of read-model suite ({@link describeAsOfContract}); default: half the replay runs (at least 4), 25 questions per organization. */
  readonly asOf?: AsOfContractOptions;
}

const execute = async (ledger: Ledger, command: Command, context: CommandContext) => {
  const result = await ledger.execute(command, context);
  if (E.isLeft(result)) throw new Error(`${result.left.code}: ${result.left.message}`);
  return result.right;
};

/** acme with four learners; 0002 deactivated with the move through the Learner Draft, 0003 by an import line without it. */
const sampleHistory = async (store: EventStore): Promise<Ledger> => {
  const ledger = createLedger({ store });
  for (const command of sampleOrganizationCommands('acme')) await execute(ledger, command, adminContext());
  await execute(ledger, { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0002'] }, adminContext({ channel: 'learner-draft' }));
  await execute(ledger, { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0003'], move: null }, adminContext({ channel: 'data-services', importId: 'imp-1', fileName: 'learners.csv', line: 4 }));
  return ledger;
};

const licenseCounts = describeProjection(licenseCountsProjection);
const countsRow = (orgId: string, timeZone: string | null, seats = 3) => ({ org_id: orgId, time_zone: timeZone, seats, in_use: 0, available: seats, onboarded_at: null });

export const describeProjectionStoreContract = (name: string, factory: ProjectionStoreContractFactory, options: ProjectionStoreContractOptions): void => {
  const withSetup = async (work: (setup: ProjectionStoreContractSetup) => Promise<void>): Promise<void> => {
    const setup = await factory();
    try {
      await work(setup);
    } finally {
      await setup.teardown();
    }
  };

  describe(`projection store contract: ${name}`, () => {
    test('replay determinism: incremental with random batches and restarts (new connections) = rebuilt from 0, in memory and in the tables', async () => {
      const { default: fc } = await import('fast-check');
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          fc.integer({ min: 10, max: options.maxScriptLength }),
          fc.integer({ min: 0, max: options.maxRestarts }),
          async (seed, length, restarts) => {
            await withSetup(async ({ store, reopen, close }) => {
              const ledger = createLedger({ store });
              const script = randomScript(seed, length);
              const half = Math.floor(script.length / 2);
              await runScript(ledger, script.slice(0, half));
              const first = await runIncrementally({ store, projections: allProjections, openProjectionStore: reopen, closeProjectionStore: close, seed, restarts });
              await close(first.projectionStore);
              await runScript(ledger, script.slice(half));
              const { runner, projectionStore } = await runIncrementally({ store, projections: allProjections, openProjectionStore: reopen, closeProjectionStore: close, seed: seed + 1, restarts });
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
          },
        ),
        { numRuns: options.replayRuns },
      );
    });

    test('the tables answer reporting queries in SQL exactly as the in-memory read model does', async () => {
      await withSetup(async ({ store, projectionStore, query, values, checkpointTable }) => {
        await sampleHistory(store);
        const runner = new ProjectionRunner({ store, projections: allProjections, projectionStore: projectionStore(), batchSize: 4 });
        await runner.catchUp();
        expect(await query('SELECT org_id, seats, in_use, available, time_zone FROM ll_license_counts')).toEqual([
          { org_id: 'acme', seats: values.integer(10), in_use: values.integer(2), available: values.integer(8), time_zone: 'America/Chicago' },
        ]);
        const roster = inactiveLearnersOf(runner.state(inactiveRosterProjection), 'acme');
        expect(await query('SELECT learner_id, since, actor_kind, actor_id, channel FROM ll_inactive_roster ORDER BY since, learner_id')).toEqual(
          roster.map((l) => ({ learner_id: l.learnerId, since: l.since, actor_kind: l.actor.kind, actor_id: l.actor.id, channel: l.channel })),
        );
        const fromView = (await query("SELECT team_id, learner_id FROM ll_team_rosters WHERE org_id = 'acme' ORDER BY team_id, learner_id")) as { team_id: string; learner_id: string }[];
        const expected = teamRostersOf(runner.state(teamRostersProjection), 'acme')
          .flatMap((team) => team.members.map((learnerId) => ({ team_id: team.teamId, learner_id: learnerId })))
          .sort((a, b) => (a.team_id + a.learner_id < b.team_id + b.learner_id ? -1 : 1));
        expect(fromView).toEqual(expected);
        expect(fromView.map((r) => r.learner_id)).not.toContain('0002');
        expect(await query("SELECT kind, learner_id, team_id FROM ll_anomalies WHERE org_id = 'acme'")).toEqual([{ kind: 'deactivated-on-standard-team', learner_id: '0003', team_id: 'support' }]);
        expect(
          await query(
            "SELECT event_type, channel, import_id, file_name, line, data->>'licenseId' AS license FROM ll_audit_trail a JOIN ll_audit_learners l USING (org_id, global_position) WHERE l.learner_id = '0003' AND event_type = 'LicenseReleased'",
          ),
        ).toEqual([{ event_type: 'LicenseReleased', channel: 'data-services', import_id: 'imp-1', file_name: 'learners.csv', line: values.integer(4), license: 'L-3' }]);
        expect(await query("SELECT status, teams, holds_license FROM ll_learner_directory WHERE learner_id = '0002'")).toEqual([
          { status: 'inactive', teams: values.json(['inactive-learners']), holds_license: values.boolean(false) },
        ]);
        const checkpoints = (await query(`SELECT projection, position FROM ${checkpointTable} ORDER BY projection`)) as { projection: string; position: number | bigint | string }[];
        expect(checkpoints.map((c) => c.projection)).toEqual(allProjections.map((p) => p.name).sort());
        for (const c of checkpoints) expect(BigInt(c.position)).toBe(await store.headPosition());
      });
    });

    test('loads the rows of some organizations only, and of some learners: current rows, or every row, of those and no other', async () => {
      await withSetup(async ({ store, projectionStore: open }) => {
        const ledger = await sampleHistory(store);
        for (const command of sampleOrganizationCommands('globex')) await execute(ledger, command, adminContext());
        await execute(ledger, { type: 'DeactivateLearners', orgId: 'globex', learnerIds: ['0001'] }, adminContext());
        const projectionStore = open();
        await new ProjectionRunner({ store, projections: asOfProjections, projectionStore }).catchUp();
        const of = (tables: Readonly<Record<string, readonly Record<string, unknown>[]>>, orgs: readonly string[]) =>
          Object.fromEntries(Object.entries(tables).map(([name, rows]) => [name, rows.filter((row) => orgs.includes(row.org_id as string)).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))]));
        for (const projection of asOfProjections) {
          const description = describeProjection(projection);
          for (const everyRow of [false, true]) {
            const all = (await projectionStore.load(description, { everyRow }))!;
            expect(Object.values(of(all.tables, ['globex'])).some((rows) => rows.length > 0)).toBe(true);
            for (const orgs of [['globex'], ['acme', 'globex'], ['nobody'], []]) {
              const some = (await projectionStore.load(description, { everyRow, organizations: orgs }))!;
              expect([projection.name, everyRow, orgs, some.checkpoint, of(some.tables, orgs)]).toEqual([projection.name, everyRow, orgs, all.checkpoint, of(all.tables, orgs)]);
              // No row of another organization.
              for (const rows of Object.values(some.tables)) for (const row of rows) expect(orgs).toContain(row.org_id);
            }
            // Of the tables with a learner column, only the learners named (with their organization).
            const learners: [string, string][] = [['globex', '0001'], ['globex', '0003'], ['acme', '0003']];
            const named = (tables: Readonly<Record<string, readonly Record<string, unknown>[]>>) =>
              Object.fromEntries(
                Object.entries(of(tables, ['globex'])).map(([name, rows]) => [
                  name,
                  description.tables.find((spec) => spec.name === name)!.columns.some((column) => column.name === 'learner_id')
                    ? rows.filter((row) => learners.some(([orgId, learnerId]) => row.org_id === orgId && row.learner_id === learnerId))
                    : rows,
                ]),
              );
            const some = (await projectionStore.load(description, { everyRow, organizations: ['globex'], learners }))!;
            for (const rows of Object.values(some.tables)) for (const row of rows) expect(row.org_id).toBe('globex');
            expect([projection.name, everyRow, of(some.tables, ['globex'])]).toEqual([projection.name, everyRow, named(all.tables)]);
          }
        }
      });
    });

    test('a commit that fails half-way writes neither rows nor checkpoint; a stale writer is refused', async () => {
      await withSetup(async ({ projectionStore: open, query, values, notNullViolation }) => {
        const projectionStore = open();
        await projectionStore.load(licenseCounts);
        const before = await projectionStore.checkpoint('license-counts');
        expect(before ?? 0n).toBe(0n);
        const good = countsRow('acme', 'UTC');
        const bad = countsRow('globex', null);
        // Checked by shape, not with toThrow: better-sqlite3 keeps the error class of the first test file that loaded it in a
        // worker, so in later files its errors are not `instanceof Error` of this realm and toThrow would call them "no throw".
        for (const changes of [
          [{ table: 'll_license_counts', upserts: [good, bad], deletes: [] }],
          [
            { table: 'll_license_counts', upserts: [good], deletes: [] },
            { table: 'll_license_counts', upserts: [bad], deletes: [] },
          ],
        ]) {
          await expect(projectionStore.commit({ projection: licenseCounts, expectedCheckpoint: 0n, checkpoint: 5n, changes })).rejects.toMatchObject(notNullViolation);
          expect(await projectionStore.checkpoint('license-counts')).toBe(before);
          expect(await query('SELECT count(*) AS n FROM ll_license_counts')).toEqual([{ n: values.integer(0) }]);
        }
        await projectionStore.commit({ projection: licenseCounts, expectedCheckpoint: 0n, checkpoint: 5n, changes: [{ table: 'll_license_counts', upserts: [good], deletes: [] }] });
        expect(await projectionStore.checkpoint('license-counts')).toBe(5n);
        await expect(projectionStore.commit({ projection: licenseCounts, expectedCheckpoint: 0n, checkpoint: 6n, changes: [] })).rejects.toThrow(/expected checkpoint 0, found 5/);
      });
    });

    test('writes the checkpoint in the same transaction as its rows: a failure between the two leaves neither', async () => {
      await withSetup(async ({ projectionStore: open, reopen, close, query, values, refuseCheckpointWrites }) => {
        const projectionStore = open();
        await projectionStore.load(licenseCounts);
        const acme = countsRow('acme', 'UTC');
        const globex = countsRow('globex', 'Europe/Berlin', 7);
        await projectionStore.commit({ projection: licenseCounts, expectedCheckpoint: 0n, checkpoint: 5n, changes: [{ table: 'll_license_counts', upserts: [acme], deletes: [] }] });
        const allow = await refuseCheckpointWrites('checkpoint write refused by the test');
        const batch = { projection: licenseCounts, expectedCheckpoint: 5n, checkpoint: 9n, changes: [{ table: 'll_license_counts', upserts: [globex], deletes: [acme] }] };
        await expect(projectionStore.commit(batch)).rejects.toMatchObject({ message: expect.stringContaining('checkpoint write refused by the test') });
        const rows = 'SELECT org_id, seats FROM ll_license_counts ORDER BY org_id';
        expect(await query(rows)).toEqual([{ org_id: 'acme', seats: values.integer(3) }]);
        expect(await projectionStore.checkpoint('license-counts')).toBe(5n);
        const other = await reopen();
        try {
          expect((await storedTables(other, licenseCountsProjection)).checkpoint).toBe(5n);
        } finally {
          await close(other);
        }
        await allow();
        await projectionStore.commit(batch);
        expect(await query(rows)).toEqual([{ org_id: 'globex', seats: values.integer(7) }]);
        expect(await projectionStore.checkpoint('license-counts')).toBe(9n);
      });
    });

    test('two runners racing on one store: one wins each batch, the loser reloads and retries, the tables end exact', async () => {
      await withSetup(async ({ store, projectionStore }) => {
        const ledger = createLedger({ store });
        await runScript(ledger, randomScript(7, 60));
        const racers = [0, 1].map(() => new ProjectionRunner({ store, projections: allProjections, projectionStore: projectionStore(), batchSize: 7 }));
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
        const reader = projectionStore();
        for (const projection of allProjections) {
          const stored = await storedTables(reader, projection);
          expect(stored.tables).toEqual(await rebuiltTables(store, projection));
          expect(stored.checkpoint).toBe(await store.headPosition());
        }
      });
    });

    test('the time-indexed tables answer as-of questions in plain SQL, as licenseCountAt does', async () => {
      await withSetup(async ({ store, projectionStore, query, values }) => {
        const ledger = createLedger({ store });
        const at = (now: string) => adminContext({ now });
        await execute(ledger, { type: 'OnboardOrganization', orgId: 'acme', name: 'Acme', seats: 3, timeZone: 'America/Chicago' }, at('2026-03-02T15:00:00.000Z'));
        for (const [i, learnerId] of ['a', 'b', 'c'].entries()) {
          await execute(ledger, { type: 'RegisterLearner', orgId: 'acme', learnerId, email: `${learnerId}@acme.test`, firstName: 'F', lastName: 'L' }, at(`2026-03-02T1${6 + i}:00:00.000Z`));
        }
        await execute(ledger, { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['a'] }, at('2026-03-03T15:00:00.000Z'));
        await new ProjectionRunner({ store, projections: asOfProjections, projectionStore: projectionStore(), batchSize: 3 }).catchUp();
        const instants = (await query('SELECT DISTINCT valid_from FROM ll_license_counts_history ORDER BY valid_from')).map((row) => Number(row['valid_from']));
        expect(instants.length).toBeGreaterThan(2);
        for (const at of [...instants, ...instants.map((t) => t - 1)]) {
          const rows = await query(`SELECT seats, in_use FROM ll_license_counts_history WHERE org_id = 'acme' AND valid_from <= ${at} AND (valid_to IS NULL OR valid_to > ${at})`);
          const answer = await licenseCountAt(store, 'acme', new Date(at).toISOString());
          if (E.isLeft(answer)) throw new Error(answer.left.message);
          expect(rows).toEqual(answer.right.seats === 0 && answer.right.inUse === 0 ? [] : [{ seats: values.integer(answer.right.seats), in_use: values.integer(answer.right.inUse) }]);
        }
        expect(await query("SELECT learner_id FROM ll_inactive_roster_history WHERE org_id = 'acme' AND valid_to IS NULL ORDER BY learner_id")).toEqual([{ learner_id: 'a' }]);
        expect(await query("SELECT day, in_use, peak_in_use FROM ll_license_days WHERE org_id = 'acme' ORDER BY day")).toEqual([
          { day: '2026-03-02', in_use: values.integer(3), peak_in_use: values.integer(3) },
          { day: '2026-03-03', in_use: values.integer(2), peak_in_use: values.integer(3) },
        ]);
        const clocks = await query("SELECT at FROM ll_license_history_clock WHERE org_id = 'acme'");
        expect(clocks).toHaveLength(1);
      });
    });

    test('a runner resumes from the stored checkpoint after a restart; a changed table definition rebuilds from 0', async () => {
      await withSetup(async ({ store, projectionStore, query, values }) => {
        const ledger = await sampleHistory(store);
        const first = new ProjectionRunner({ store, projections: [licenseCountsProjection], projectionStore: projectionStore() });
        await first.catchUp();
        const head = await store.headPosition();
        await execute(ledger, { type: 'ResizeLicensePool', orgId: 'acme', seats: 20 }, adminContext());
        const second = new ProjectionRunner({ store, projections: [licenseCountsProjection], projectionStore: projectionStore() });
        await second.start();
        expect(second.checkpoint('license-counts')).toBe(head);
        await second.catchUp();
        expect(second.stats().projections[0]!.eventsApplied).toBe(1);
        expect(await query('SELECT seats, in_use FROM ll_license_counts')).toEqual([{ seats: values.integer(20), in_use: values.integer(2) }]);

        // The next version of the projection adds a column: its tables are recreated and it replays from 0.
        const changed: Projection<LicenseCountsState> = {
          ...licenseCountsProjection,
          initialState: () => ({
            counts: new Table<LicenseCountRow>({ ...licenseCountsTables.counts, columns: [...licenseCountsTables.counts.columns, { name: 'note', kind: 'text', nullable: true }] }),
            holders: new Table<LicenseHolderRow>(licenseCountsTables.holders),
          }),
        };
        const third = new ProjectionRunner({ store, projections: [changed], projectionStore: projectionStore() });
        await third.start();
        expect(third.checkpoint('license-counts')).toBe(0n);
        await third.catchUp();
        expect(await query('SELECT seats, in_use, note FROM ll_license_counts')).toEqual([{ seats: values.integer(20), in_use: values.integer(2), note: null }]);
      });
    });
  });

  describeAsOfContract(name, factory, options.asOf ?? { runs: Math.max(4, Math.round(options.replayRuns / 2)), maxScriptLength: options.maxScriptLength, questions: 25 });
};
