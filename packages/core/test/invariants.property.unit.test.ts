import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { createLedger, InMemoryEventStore, type Command, type MoveOptions } from '../src/index.js';
import { adminContext } from '../src/testing/index.js';
import { LogAuditor } from './log-auditor.js';

/**
 * Random sequences of commands from three organizations (two whose ids are
 * prefixes of each other, one Oracle-synced without an inactive team), with
 * invariants 1-5 and 7 (docs/design.md, Invariants) checked from the raw log
 * after every step, and the teams every move and reactivation leaves. The
 * generator leans toward learners that exist (deactivations pick active ones,
 * reactivations inactive ones) and toward small, full pools, so refusals are
 * mostly domain decisions — a seat missing — rather than unknown ids.
 */
const NUM_RUNS = 150;
const ORGS = ['acme', 'acme-1', 'globex'] as const;
type OrgId = (typeof ORGS)[number];
const LEARNERS = ['L1', 'L2', 'L3', 'L4', 'L5'];
const TEAMS = ['sales', 'support', 'marketing', 'inactive-learners'];

const org = fc.constantFrom(...ORGS);
const learnerId = fc.constantFrom(...LEARNERS);
/** The learners an organization has at run time, by status. */
interface Known {
  readonly all: readonly string[];
  readonly active: readonly string[];
  readonly inactive: readonly string[];
}
/** A learner picked at run time: mostly one of the preferred status, else any known one; 1 in 25 an unknown id. */
type Pick = (known: Known) => string;
const learnerPick = (prefer: 'active' | 'inactive' | 'all'): fc.Arbitrary<Pick> =>
  fc.nat(10_000).map((n) => (known: Known) => {
    if (known.all.length === 0 || n % 25 === 24) return 'ghost';
    const preferred = known[prefer];
    return preferred.length > 0 && n % 5 !== 0 ? preferred[n % preferred.length]! : known.all[n % known.all.length]!;
  });
const anyLearner = learnerPick('all');
const activeLearner = learnerPick('active');
const inactiveLearner = learnerPick('inactive');
const teams = fc.subarray(TEAMS, { maxLength: 2 });
/** Mostly valid team lists, sometimes a team of another organization or the inactive team. */
const registerTeams = fc.oneof({ weight: 4, arbitrary: fc.subarray(['sales', 'support']) }, { weight: 1, arbitrary: teams });
const move: fc.Arbitrary<MoveOptions | null | undefined | 'bad'> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constant<MoveOptions>({ addTo: 'inactive-learners', removeFrom: 'all' }) },
  { weight: 1, arbitrary: fc.constant(null) },
  // Explicit lists: some of the learner's teams, none, or (in two organizations) a team they do not have.
  { weight: 4, arbitrary: fc.subarray(['sales', 'support', 'marketing']).map((removeFrom): MoveOptions => ({ removeFrom })) },
  { weight: 1, arbitrary: fc.constant('bad' as const) },
);

type Step =
  | { readonly kind: 'command'; readonly build: (orgId: OrgId, step: number, known: Known) => Command; readonly org: OrgId }
  | { readonly kind: 'advance'; readonly hours: number }
  | { readonly kind: 'repeat' };

type Build = (orgId: OrgId, step: number, known: Known) => Command;
const command = (arb: fc.Arbitrary<Build>): fc.Arbitrary<Step> =>
  fc.record({ kind: fc.constant('command' as const), build: arb, org });

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: command(fc.record({ id: learnerId, active: fc.integer({ min: 0, max: 4 }).map((n) => n > 0), teams: registerTeams }).map(({ id, active, teams }): Build => (orgId) => ({ type: 'RegisterLearner', orgId, learnerId: id, email: `${id.toLowerCase()}@${orgId}.test`, firstName: 'F', lastName: id, teams, active }) as Command)) },
  {
    weight: 6,
    arbitrary: command(
      fc.record({ ids: fc.array(activeLearner, { minLength: 1, maxLength: 3 }), move, partial: fc.boolean() }).map(({ ids, move, partial }): Build => (orgId, _step, known) =>
        ({ type: 'DeactivateLearners', orgId, learnerIds: ids.map((pick) => pick(known)), partial, ...(move === 'bad' ? { move: { addTo: 'sales', removeFrom: 'all' } } : move === undefined ? {} : { move }) }) as Command,
      ),
    ),
  },
  {
    weight: 5,
    arbitrary: command(
      fc.record({ id: inactiveLearner, teams: fc.option(fc.subarray(['sales', 'support', 'marketing']), { nil: undefined, freq: 2 }) }).map(({ id, teams }): Build => (orgId, _step, known) => ({ type: 'ReactivateLearner', orgId, learnerId: id(known), ...(teams ? { teams } : {}) }) as Command),
    ),
  },
  { weight: 1, arbitrary: command(fc.integer({ min: 0, max: 4 }).map((seats): Build => (orgId) => ({ type: 'ResizeLicensePool', orgId, seats }) as Command)) },
  { weight: 2, arbitrary: command(fc.record({ id: anyLearner, add: teams, remove: teams }).map(({ id, add, remove }): Build => (orgId, _step, known) => ({ type: 'ChangeTeamMembership', orgId, learnerId: id(known), add, remove }) as Command)) },
  { weight: 2, arbitrary: command(anyLearner.map((id): Build => (orgId, step, known) => ({ type: 'RecordActivity', orgId, learnerId: id(known), activityId: `a-${step}`, kind: 'completion', courseId: 'c-1' }) as Command)) },
  {
    weight: 2,
    arbitrary: command(
      fc.record({ ids: fc.array(activeLearner, { minLength: 1, maxLength: 2 }), hours: fc.integer({ min: 1, max: 60 }), policy: fc.boolean() }).map(({ ids, hours, policy }): Build => (orgId, step, known) =>
        ({ type: 'ScheduleDeactivation', orgId, scheduleId: `s-${step}`, learnerIds: [...new Set(ids.map((pick) => pick(known)))], effectiveAt: `+${hours}h`, ...(policy ? {} : { move: null }) }) as Command,
      ),
    ),
  },
  { weight: 2, arbitrary: command(fc.constant<Build>((orgId) => ({ type: 'ProcessDueDeactivations', orgId }))) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), hours: fc.integer({ min: 1, max: 48 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'repeat' as const }) },
);

const prelude = (seats: Record<OrgId, number>): Command[] => [
  { type: 'OnboardOrganization', orgId: 'acme', name: 'Acme', seats: seats.acme, timeZone: 'America/Chicago' },
  { type: 'OnboardOrganization', orgId: 'acme-1', name: 'Acme One', seats: seats['acme-1'], timeZone: 'Europe/Berlin' },
  { type: 'OnboardOrganization', orgId: 'globex', name: 'Globex', seats: seats.globex, timeZone: 'UTC', connector: 'oracle', inactiveTeam: null },
  ...ORGS.flatMap((orgId): Command[] => [
    { type: 'CreateTeam', orgId, name: 'Sales' },
    { type: 'CreateTeam', orgId, name: 'Support' },
  ]),
  { type: 'CreateTeam', orgId: 'acme-1', name: 'Marketing' },
  // Live learners from the start: up to two active ones (as far as the pool allows) and one inactive.
  ...ORGS.flatMap((orgId): Command[] => [
    ...[['sales'], ['sales', 'support']].slice(0, seats[orgId]).map((teams, i): Command => ({ type: 'RegisterLearner', orgId, learnerId: `L${i + 1}`, email: `l${i + 1}@${orgId}.test`, firstName: 'F', lastName: `L${i + 1}`, teams })),
    { type: 'RegisterLearner', orgId, learnerId: 'L5', email: `l5@${orgId}.test`, firstName: 'F', lastName: 'L5', active: false },
  ]),
];

const START = Date.parse('2026-03-02T09:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('the invariants over random command sequences (in-memory store)', () => {
  it(`hold after every step (${NUM_RUNS} runs)`, async () => {
    const totals = { steps: 0, applied: 0, refused: 0, duplicates: 0, deactivations: 0 };
    /** What the runs exercised, by kind: refusal codes (the learners of a refused batch counted one by one), moves and reactivations. */
    const mix = {
      refusals: new Map<string, number>(),
      reactivationsWithoutSeat: 0,
      deactivatedFromListedTeams: 0,
      listedMovesKeepingTeams: 0,
      deactivatedFromAll: 0,
      reactivatedToOwnTeams: 0,
      reactivatedToGivenTeams: 0,
      restoredSomeTeams: 0,
    };
    const bump = (code: string) => mix.refusals.set(code, (mix.refusals.get(code) ?? 0) + 1);
    await fc.assert(
      fc.asyncProperty(
        // Small pools: with five learner ids per organization they fill up, and reactivations must wait for a seat.
        fc.record({ acme: fc.integer({ min: 0, max: 3 }), 'acme-1': fc.integer({ min: 1, max: 3 }), globex: fc.integer({ min: 1, max: 3 }) }),
        fc.array(stepArb, { minLength: 10, maxLength: 60, size: 'max' }),
        async (seats, steps) => {
          const store = new InMemoryEventStore();
          // Two ledgers share the store, each with its own cache; steps alternate between them.
          const ledgers = [createLedger({ store }), createLedger({ store })] as const;
          let turn = 0;
          const audit = new LogAuditor(store);
          let now = START;
          let commandNo = 0;
          let last: { command: Command; commandId: string } | undefined;
          const activities = new Map<string, number>();
          const run = async (command: Command, commandId: string) => {
            audit.issued.set(commandId, command);
            const head = await store.headPosition();
            const result = await ledgers[turn++ % 2]!.execute(command, adminContext({ commandId, now: iso(now) }));
            const added = await audit.catchUp();
            if (E.isLeft(result) || result.right.status !== 'applied') {
              // A refused, unchanged or repeated command writes nothing (invariant 5: never half-applied).
              expect(await store.headPosition()).toBe(head);
              expect(added).toBe(0);
              if (E.isLeft(result)) expect(['CONCURRENCY_CONFLICT', 'STORE_FAILURE', 'EVENT_DECODE_FAILED', 'INVALID_EVENT']).not.toContain(result.left.code);
            } else {
              expect(added).toBe(result.right.events.length);
            }
            if (E.isRight(result) && result.right.status === 'applied' && command.type === 'RecordActivity') {
              const key = `${command.orgId}/${command.learnerId}`;
              activities.set(key, (activities.get(key) ?? 0) + 1);
            }
            totals.steps++;
            if (E.isLeft(result)) totals.refused++;
            else if (result.right.status === 'duplicate') totals.duplicates++;
            else if (result.right.status === 'applied') totals.applied++;
            if (E.isLeft(result)) {
              for (const error of result.left.code === 'BATCH_REJECTED' && result.left.errors ? result.left.errors : [result.left]) bump(error.code);
              if (command.type === 'ReactivateLearner' && result.left.code === 'LICENSE_POOL_EXHAUSTED') mix.reactivationsWithoutSeat++;
            } else if (result.right.status === 'applied') {
              for (const { event } of result.right.events) {
                if (event.type === 'LearnerDeactivated' && command.type === 'DeactivateLearners' && command.move && command.orgId !== 'globex') {
                  if (command.move.removeFrom === 'all') mix.deactivatedFromAll++;
                  else {
                    mix.deactivatedFromListedTeams++;
                    // A listed move that left the learner on a standard team: where a list differs from "all".
                    if ([...audit.orgs.get(command.orgId)!.learners.get(event.data.learnerId)!.teams].some((teamId) => teamId !== 'inactive-learners')) mix.listedMovesKeepingTeams++;
                  }
                }
                if (event.type === 'LearnerReactivated' && command.type === 'ReactivateLearner') {
                  if (command.teams === undefined) mix.reactivatedToOwnTeams++;
                  else mix.reactivatedToGivenTeams++;
                  if (event.data.restoredTeams.length > 0) mix.restoredSomeTeams++;
                }
              }
            }
            return result;
          };
          for (const command of prelude(seats)) expect(E.isRight(await run(command, `prelude-${commandNo++}`))).toBe(true);

          for (const [index, step] of steps.entries()) {
            if (step.kind === 'advance') {
              now += step.hours * 3_600_000;
              continue;
            }
            if (step.kind === 'repeat') {
              if (!last) continue;
              const again = await run(last.command, last.commandId);
              if (E.isRight(again) && again.right.status !== 'unchanged') expect(again.right.status).toBe('duplicate');
              continue;
            }
            const learners = [...(audit.orgs.get(step.org)?.learners ?? [])];
            const known: Known = {
              all: learners.map(([id]) => id),
              active: learners.filter(([, learner]) => learner.active).map(([id]) => id),
              inactive: learners.filter(([, learner]) => !learner.active).map(([id]) => id),
            };
            let command = step.build(step.org, index, known);
            if (command.type === 'ScheduleDeactivation') {
              command = { ...command, effectiveAt: iso(now + Number(command.effectiveAt.slice(1, -1)) * 3_600_000) };
            }
            const commandId = `c-${commandNo++}`;
            const result = await run(command, commandId);
            if (E.isRight(result) && result.right.status === 'applied') last = { command, commandId };

            // Invariant 4: every recorded activity is still there, whatever happened since.
            for (const [key, count] of activities) {
              const [orgId, learnerId] = key.split('/') as [string, string];
              expect(audit.orgs.get(orgId)!.learners.get(learnerId)!.activities).toBe(count);
            }
            // The decider's folded state agrees with the independent model, for every organization.
            for (const orgId of ORGS) {
              const state = await ledgers[index % 2]!.state(orgId);
              if (E.isLeft(state)) throw new Error(state.left.message);
              const model = audit.orgs.get(orgId)!;
              expect(state.right.licensesInUse).toBe(audit.activeCount(orgId));
              expect(state.right.seats).toBe(model.seats);
              for (const [learnerId, learner] of model.learners) {
                const folded = state.right.learners.get(learnerId)!;
                expect([learnerId, folded.status, [...folded.teams].sort(), folded.activityCount]).toEqual([learnerId, learner.active ? 'active' : 'inactive', [...learner.teams].sort(), learner.activities]);
              }
              expect(state.right.learners.size).toBe(model.learners.size);
            }
          }
          totals.deactivations += audit.deactivationsSeen;
          // Invariant 7 on reads: each organization's stream holds only its own events, and the whole log was audited.
          expect(audit.eventsSeen).toBe(Number(await store.headPosition()));
        },
      ),
      { numRuns: NUM_RUNS },
    );
    const refusals = [...mix.refusals.values()].reduce((sum, n) => sum + n, 0);
    const notFound = mix.refusals.get('LEARNER_NOT_FOUND') ?? 0;
    // eslint-disable-next-line no-console
    console.log(
      `invariants property: ${NUM_RUNS} runs, ${totals.steps} commands (${totals.applied} applied, ${totals.refused} refused, ${totals.duplicates} duplicates), ${totals.deactivations} deactivations audited; ` +
        `refusals by code ${JSON.stringify(Object.fromEntries([...mix.refusals].sort((a, b) => b[1] - a[1])))}; ${JSON.stringify({ ...mix, refusals: undefined })}`,
    );
    // The sequences must actually exercise what they claim to. Over 30 seeds (mean, sd): deactivations 678-803 (733, 32),
    // duplicates 141-204 (169, 15), not-found share 0.066-0.087, exhausted 427-546 (482, 31), reactivations without a seat
    // 269-357 (309, 24), from listed teams 101-165 (137, 14), listed moves keeping teams 58-102 (77, 9.4), from all 106-156
    // (131, 11), to own teams 181-234 (204, 13), to given teams 118-179 (138, 15), restored some 107-156 (131, 12): every
    // bound below sits 4.2 standard deviations or more from the mean, so a random seed does not fail them.
    expect(totals.deactivations).toBeGreaterThan(NUM_RUNS);
    expect(totals.duplicates).toBeGreaterThan(0);
    // Refusals are mostly domain decisions, not unknown ids; reactivations wait for seats; listed moves and restorations happen often.
    expect(notFound / refusals).toBeLessThan(0.2);
    expect(mix.refusals.get('LICENSE_POOL_EXHAUSTED') ?? 0).toBeGreaterThan(NUM_RUNS);
    expect(mix.reactivationsWithoutSeat).toBeGreaterThan(NUM_RUNS);
    expect(mix.deactivatedFromListedTeams).toBeGreaterThan(NUM_RUNS / 2);
    expect(mix.listedMovesKeepingTeams).toBeGreaterThan(NUM_RUNS / 5);
    expect(mix.deactivatedFromAll).toBeGreaterThan(NUM_RUNS / 2);
    expect(mix.reactivatedToOwnTeams).toBeGreaterThan(NUM_RUNS / 2);
    expect(mix.reactivatedToGivenTeams).toBeGreaterThan(NUM_RUNS / 2);
    expect(mix.restoredSomeTeams).toBeGreaterThan(NUM_RUNS / 2);
    // About 35-45 s on two cores running the suite, 150 s measured on a heavily loaded machine: a time limit of its own.
  }, 300_000);
});
