import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { createLedger, organizationStreamId, type Command, type EventStore, type Ledger } from '@learner-ledger/core';
import { exportLearners, importLearners } from '@learner-ledger/csv';
import { directoryOf, learnerDirectory, learnerDirectoryProjection, licenseCountAt, ProjectionRunner, type LearnerDirectoryState } from '@learner-ledger/projections';
import { openSqliteEventStore } from '@learner-ledger/sqlite';
import { dropSchema, freshPostgresStore } from './pg-support.js';
import { admin, DATA_SERVICES_HEADER, textInput } from './scenario.js';
import { auditLog, rightOf, scaled, temporaryDirectory, TIMEOUT } from './support.js';

/**
 * Tenant isolation as a property: organizations whose ids are prefixes or
 * near-spellings of each other share one SQLite file (or one PostgreSQL schema) and the same learner
 * ids, e-mails and team names. Whatever sequence of commands, imports,
 * exports and queries runs against one of them, no other organization's log,
 * state, export, query answer or projection changes, and every read of an
 * organization shows only its own learners.
 */
const ORG_IDS = ['acme', 'acme-1', 'acme.1', 'acme_1', 'acme-10', 'ACME', 'acm', 'a'];

type Step =
  | { kind: 'register' | 'deactivate' | 'reactivate' | 'join'; org: number; learner: number }
  | { kind: 'team'; org: number; team: number }
  | { kind: 'resize'; org: number; seats: number }
  | { kind: 'import'; org: number; actives: readonly (boolean | null)[]; fullSync: boolean }
  | { kind: 'export' | 'query'; org: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constantFrom('register' as const, 'deactivate' as const, 'reactivate' as const, 'join' as const), org: fc.nat(7), learner: fc.nat(6) }),
  fc.record({ kind: fc.constant('team' as const), org: fc.nat(7), team: fc.nat(3) }),
  fc.record({ kind: fc.constant('resize' as const), org: fc.nat(7), seats: fc.integer({ min: 2, max: 9 }) }),
  fc.record({ kind: fc.constant('import' as const), org: fc.nat(7), actives: fc.array(fc.option(fc.boolean(), { nil: null }), { minLength: 1, maxLength: 7 }), fullSync: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('export' as const, 'query' as const), org: fc.nat(7) }),
);

const learnerId = (n: number) => `L${n}`;
const email = (n: number) => `l${n}@shared.test`;

const exportText = async (ledger: Ledger, orgId: string): Promise<string> => {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await exportLearners(ledger, { orgId, format: 'data-services', output: out });
  return Buffer.concat(chunks).toString('utf8');
};

const temp = temporaryDirectory();
afterAll(() => temp.remove());

/** Each run gets a fresh store: a new SQLite file, or an emptied PostgreSQL schema (dropped after the run). */
const STORES: [string, number, (run: number) => Promise<{ store: EventStore; dispose: () => Promise<void> }>][] = [
  ['SQLite', scaled(30, 400), async (run) => {
    const store = openSqliteEventStore({ path: temp.file(`tenants-${run}.db`) });
    return { store, dispose: () => store.close() };
  }],
  ['PostgreSQL', scaled(8, 60), async (run) => {
    const store = await freshPostgresStore(`ll_rel_tenants_${run}`, { maxConnections: 2 });
    return { store, dispose: async () => {
      await store.close();
      await dropSchema(`ll_rel_tenants_${run}`);
    } };
  }],
];

describe.each(STORES)('reliability: tenant isolation between organizations with look-alike ids on %s', (storeName, numRuns, open) => {
  let runs = 0;
  let steps = 0;
  let comparisons = 0;
  let writingSteps = 0;

  test('nothing of one organization is read or changed through another', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.constantFrom(...ORG_IDS), { minLength: 2, maxLength: 4 }), fc.array(step, { minLength: 3, maxLength: 14 }), async (orgIds, plan) => {
        runs++;
        const { store, dispose } = await open(runs);
        try {
          const ledger = createLedger({ store });
          const runner = new ProjectionRunner({ store, projections: [learnerDirectoryProjection] });
          for (const orgId of orgIds) {
            rightOf(await ledger.execute({ type: 'OnboardOrganization', orgId, name: `${orgId} Inc`, seats: 5, timeZone: 'Europe/Paris' }, admin()));
            rightOf(await ledger.execute({ type: 'CreateTeam', orgId, name: 'Sales' }, admin()));
            for (let n = 0; n < 3; n++) rightOf(await ledger.execute({ type: 'RegisterLearner', orgId, learnerId: learnerId(n), email: email(n), firstName: orgId, lastName: `#${n}`, teams: ['sales'] }, admin()));
          }
          const fingerprint = async (orgId: string) => {
            const state = rightOf(await createLedger({ store }).state(orgId));
            const stream = await store.readStream(organizationStreamId(orgId));
            const directory = rightOf(await learnerDirectory(store, orgId, { clock: () => '2030-01-01T00:00:00.000Z' }));
            const count = rightOf(await licenseCountAt(store, orgId, undefined, { clock: () => '2030-01-01T00:00:00.000Z' }));
            await runner.catchUp();
            const projected = directoryOf(runner.state<LearnerDirectoryState>(learnerDirectoryProjection), orgId);
            const exported = await exportText(ledger, orgId);
            // Reads of this organization show only its own learners (every seeded one carries its org id as first name).
            for (const learner of state.learners.values()) if (learner.firstName !== 'New') expect(learner.firstName).toBe(orgId);
            expect(directory.learners.map((l) => l.learnerId).sort()).toEqual([...state.learners.keys()].sort());
            expect(projected.map((l) => l.learnerId).sort()).toEqual([...state.learners.keys()].sort());
            expect(exported.trimEnd().split('\n').length - 1).toBe(state.learners.size);
            expect(stream.events.every((e) => (e.metadata as { orgId: string }).orgId === orgId)).toBe(true);
            return JSON.stringify({
              version: stream.currentVersion,
              ids: stream.events.map((e) => e.eventId),
              learners: [...state.learners.values()],
              teams: [...state.teams.values()],
              inUse: state.licensesInUse,
              directory,
              count,
              projected,
              exported,
            });
          };
          const prints = new Map<string, string>();
          for (const orgId of orgIds) prints.set(orgId, await fingerprint(orgId));

          for (const s of plan) {
            steps++;
            const orgId = orgIds[s.org % orgIds.length]!;
            const head = await store.headPosition();
            let command: Command | undefined;
            switch (s.kind) {
              case 'register':
                command = { type: 'RegisterLearner', orgId, learnerId: learnerId(s.learner), email: email(s.learner), firstName: 'New', lastName: `#${s.learner}`, teams: ['sales'] };
                break;
              case 'deactivate':
                command = { type: 'DeactivateLearners', orgId, learnerIds: [learnerId(s.learner)] };
                break;
              case 'reactivate':
                command = { type: 'ReactivateLearner', orgId, learnerId: learnerId(s.learner) };
                break;
              case 'join':
                command = { type: 'ChangeTeamMembership', orgId, learnerId: learnerId(s.learner), add: ['team-1'] };
                break;
              case 'team':
                command = { type: 'CreateTeam', orgId, name: `Team ${s.team}`, teamId: `team-${s.team}` };
                break;
              case 'resize':
                command = { type: 'ResizeLicensePool', orgId, seats: s.seats };
                break;
              case 'import': {
                const rows = s.actives.map((active, n) => `${learnerId(n)},New,#${n},${email(n)},,Sales,${active === null ? '' : active ? 'TRUE' : 'FALSE'}`);
                const report = await importLearners(ledger, { orgId, input: textInput([DATA_SERVICES_HEADER, ...rows].join('\n') + '\n'), fileName: `${orgId}.csv`, targetTeam: 'Sales', partial: true, fullSync: s.fullSync, allowMassDeactivation: true });
                expect(report.status).not.toBe('interrupted');
                break;
              }
              case 'export':
                await exportText(ledger, orgId);
                break;
              case 'query':
                expect(E.isRight(await learnerDirectory(store, orgId))).toBe(true);
                break;
            }
            if (command) {
              const result = await ledger.execute(command, admin());
              if (E.isLeft(result)) expect(result.left.code).not.toBe('STORE_FAILURE');
            }
            // Everything written went to this organization's stream.
            const written = await store.readAll({ after: head, maxCount: 100_000 });
            if (written.events.length > 0) writingSteps++;
            expect(written.events.every((e) => e.streamId === organizationStreamId(orgId))).toBe(true);
            for (const other of orgIds) {
              const now = await fingerprint(other);
              if (other !== orgId) {
                comparisons++;
                if (now !== prints.get(other)) expect({ other, ...JSON.parse(now) }).toEqual({ other, ...JSON.parse(prints.get(other)!) });
              }
              prints.set(other, now);
            }
          }
          await auditLog(store);
        } finally {
          await dispose();
        }
      }),
      { numRuns, seed: Number(process.env.LEARNER_LEDGER_SEED ?? 20260301) },
    );
    console.log(`[reliability] tenant isolation on ${storeName}: ${runs} runs, ${steps} steps (${writingSteps} of them wrote events), ${comparisons} cross-organization comparisons (state, stream, directory query, license count, projection, export)`);
  }, TIMEOUT);
});
