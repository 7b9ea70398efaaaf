import * as E from 'fp-ts/lib/Either.js';
import {
  createLedger,
  decide,
  ERROR_CODES,
  InMemoryEventStore,
  OUTCOME_NOTES,
  organizationStreamId,
  type Command,
  type CommandField,
  type DomainError,
  type DomainEvent,
  type ErrorCode,
  type EventStore,
  type Outcome,
  type OutcomeNote,
} from '../src/index.js';
import { adminContext, at, eventsOf, foldEvents, type TimedCommand } from '../src/testing/index.js';
import { acme, connectorOrg, ctx, learner, onboard, team } from './support.js';

/**
 * One scenario per error code: every code the library declares is produced
 * somewhere, with a message a person can act on. A code added without a
 * scenario fails this test.
 */
const refusal = (given: readonly (Command | DomainEvent)[], command: Command, now = ctx.now): DomainError => {
  const commands = given.filter((item): item is Command => !('data' in item));
  const events = given.filter((item): item is DomainEvent => 'data' in item);
  const state = foldEvents(eventsOf(commands, ctx, events));
  const result = decide(command, state, { now });
  if (E.isRight(result)) throw new Error(`${command.type} was not refused`);
  return result.left;
};
/** The outcomes of a command that was not refused. */
const outcomesOf = (given: readonly (Command | TimedCommand)[], command: Command, now = ctx.now): readonly Outcome[] => {
  const result = decide(command, foldEvents(eventsOf(given, ctx)), { now });
  if (E.isLeft(result)) throw new Error(`${command.type} was refused: ${result.left.message}`);
  return result.right.outcomes;
};
const viaLedger = async (command: Command, store: EventStore = new InMemoryEventStore(), options: { maxRetries?: number } = {}): Promise<DomainError> => {
  const ledger = createLedger({ store, ...options });
  for (const c of acme()) await ledger.execute(c, adminContext());
  const result = await createLedger({ store, ...options }).execute(command, adminContext());
  if (E.isRight(result)) throw new Error(`${command.type} was not refused`);
  return result.left;
};
/** The rejected outcome of the 11th SCIM deactivation within an hour of an organization of 50 learners, as the error it carries. */
const heldByTheGuard = async (): Promise<DomainError> => {
  const ledger = createLedger({ store: new InMemoryEventStore() });
  const scim = adminContext({ actor: { kind: 'connector', id: 'okta' }, channel: 'scim' });
  for (const c of [onboard('acme', 50), ...Array.from({ length: 50 }, (_, i) => learner(`L${i}`))]) await ledger.execute(c, adminContext());
  let last: readonly Outcome[] = [];
  for (let i = 0; i < 11; i++) {
    const result = await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: [`L${i}`] }, scim);
    if (E.isLeft(result)) throw new Error(result.left.message);
    last = result.right.outcomes;
  }
  const rejected = last.find((outcome) => outcome.status === 'rejected');
  if (rejected === undefined || rejected.status !== 'rejected') throw new Error('the 11th SCIM deactivation was not held');
  return rejected;
};
const SHA = 'e'.repeat(64);
const importReceived = (extra: Partial<Extract<Command, { type: 'RecordImportReceived' }>> = {}): Command => ({
  type: 'RecordImportReceived',
  orgId: 'acme',
  importId: 'imp',
  fileName: 'f.csv',
  sha256: SHA,
  format: 'data-services',
  targetTeamId: 'sales',
  rowCount: 1,
  schedule: 'now',
  dueAt: ctx.now,
  options: { partial: false, fullSync: false, allowMassDeactivation: false, move: true },
  ...extra,
});
const counts = { registered: 0, deactivated: 0, reactivated: 0, updated: 0, unchanged: 0, skipped: 0, errors: 0 };
const noInactiveTeam: DomainEvent = {
  type: 'OrganizationOnboarded',
  data: { orgId: 'acme', name: 'Acme', seats: 3, timeZone: 'UTC', connector: 'none', inactiveTeamId: null, dailyImportTime: '02:00' },
};

/** A store that fails every append, like a database that went away. */
const unavailable = (): EventStore => {
  const inner = new InMemoryEventStore();
  let armed = false;
  return Object.assign(Object.create(inner) as EventStore, {
    appendToStream: (...args: Parameters<EventStore['appendToStream']>) => {
      if (armed) return Promise.reject(new Error('connection reset'));
      if (args[1].some((e) => e.type === 'TeamMembershipChanged' && (e.data as { learnerId: string }).learnerId === '0002')) armed = true;
      return inner.appendToStream(...args);
    },
  });
};
/** A store where another writer always gets in first. */
const contended = (): EventStore => {
  const inner = new InMemoryEventStore();
  return Object.assign(Object.create(inner) as EventStore, {
    appendToStream: async (...args: Parameters<EventStore['appendToStream']>) => {
      if (args[2]?.expectedVersion !== 'no_stream' && typeof args[2]?.expectedVersion === 'number' && args[2].expectedVersion >= 10) {
        const current = (await inner.readStream(args[0])).currentVersion;
        const noise = (await inner.readStream(args[0], { fromVersion: current, maxCount: 1 })).events[0]!;
        await inner.appendToStream(args[0], [{ ...noise, eventId: `${noise.eventId}-${current}`, type: 'ActivityRecorded', data: { learnerId: '0001', activityId: `n${current}`, kind: 'assignment', courseId: 'c' }, metadata: { ...(noise.metadata as object), commandId: `noise-${current}` } }]);
      }
      return inner.appendToStream(...args);
    },
  });
};

const erase: Command = { type: 'EraseLearnerPersonalData', orgId: 'acme', learnerId: '0001', reason: 'asked to be forgotten' };
const erased = (): Command[] => [...acme(), { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001'] }, erase];

const SCENARIOS: Partial<Record<ErrorCode, () => DomainError | Promise<DomainError>>> = {
  ORGANIZATION_NOT_FOUND: () => refusal([], learner('0001')),
  ORGANIZATION_ALREADY_EXISTS: () => refusal([onboard()], onboard()),
  INVALID_ORGANIZATION_ID: () => viaLedger({ type: 'ResizeLicensePool', orgId: '../acme', seats: 1 }),
  INVALID_SEATS: () => refusal([], onboard('acme', -1)),
  INVALID_TIME_ZONE: () => refusal([], onboard('acme', 1, { timeZone: 'Europe/Atlantis' })),
  INVALID_TIME_OF_DAY: () => refusal([], onboard('acme', 1, { dailyImportTime: '7am' })),
  INVALID_ID: () => refusal(acme(), learner('bad\u0001id')),
  INVALID_TEXT: () => refusal([onboard()], team('\u0000')),
  INVALID_EMAIL: () => refusal(acme(), learner('0009', { email: 'no-at-sign' })),
  INVALID_INSTANT: () => refusal(acme(), { type: 'ScheduleDeactivation', orgId: 'acme', scheduleId: 's', learnerIds: ['0001'], effectiveAt: 'next friday' }),
  INACTIVE_TEAM_REQUIRED: () => refusal([], onboard('acme', 1, { inactiveTeam: null })),
  SEATS_BELOW_IN_USE: () => refusal(acme(), { type: 'ResizeLicensePool', orgId: 'acme', seats: 1 }),
  DUPLICATE_TEAM_NAME: () => refusal(acme(), team('SALES')),
  DUPLICATE_TEAM_ID: () => refusal(acme(), { type: 'CreateTeam', orgId: 'acme', name: 'Other', teamId: 'sales' }),
  UNKNOWN_TEAM: () => refusal(acme(), { type: 'ChangeTeamMembership', orgId: 'acme', learnerId: '0001', add: ['globex-team'] }),
  LEARNER_NOT_FOUND: () => refusal(acme(), { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['9999'] }),
  DUPLICATE_LEARNER_ID: () => refusal(acme(), learner('0002', { email: 'other@acme.test' })),
  DUPLICATE_EMAIL: () => refusal(acme(), learner('0009', { email: '0002@Acme.Test' })),
  LICENSE_POOL_EXHAUSTED: () => refusal(acme(2), learner('0003')),
  INACTIVE_TEAM_MISSING: () =>
    refusal([noInactiveTeam, { type: 'LearnerRegistered', data: { learnerId: '0001', email: 'a@b.c', firstName: 'a', lastName: 'b', employeeId: null, status: 'active' } }, { type: 'LicenseAssigned', data: { learnerId: '0001', licenseId: 'L-1' } }], {
      type: 'DeactivateLearners',
      orgId: 'acme',
      learnerIds: ['0001'],
      move: { removeFrom: 'all' },
    }),
  MOVE_TARGET_NOT_INACTIVE_TEAM: () => refusal(acme(), { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001'], move: { addTo: 'sales', removeFrom: 'all' } }),
  INACTIVE_LEARNER_ON_STANDARD_TEAM: () => refusal([...acme(), { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001'] }], { type: 'ChangeTeamMembership', orgId: 'acme', learnerId: '0001', add: ['support'] }),
  ACTIVE_LEARNER_ON_INACTIVE_TEAM: () => refusal(acme(), { type: 'ChangeTeamMembership', orgId: 'acme', learnerId: '0001', add: ['inactive-learners'] }),
  EMPTY_COMMAND: () => refusal(acme(), { type: 'DeactivateLearners', orgId: 'acme', learnerIds: [] }),
  SCHEDULE_NOT_FOUND: () => refusal(acme(), { type: 'CancelScheduledDeactivation', orgId: 'acme', scheduleId: 'nope' }),
  SCHEDULE_IN_PAST: () => refusal(acme(), { type: 'ScheduleDeactivation', orgId: 'acme', scheduleId: 's', learnerIds: ['0001'], effectiveAt: '2026-01-01' }),
  DUPLICATE_SCHEDULE: () =>
    refusal([...acme(), { type: 'ScheduleDeactivation', orgId: 'acme', scheduleId: 's', learnerIds: ['0001'], effectiveAt: '2026-06-01' }], {
      type: 'ScheduleDeactivation',
      orgId: 'acme',
      scheduleId: 's',
      learnerIds: ['0002'],
      effectiveAt: '2026-07-01',
    }),
  SCIM_TOKEN_NOT_FOUND: () => refusal(acme(), { type: 'RevokeScimToken', orgId: 'acme', token: 'okta' }),
  DUPLICATE_SCIM_TOKEN: () =>
    refusal([...acme(), { type: 'IssueScimToken', orgId: 'acme', tokenId: 't1', client: 'okta', sha256: SHA }], { type: 'IssueScimToken', orgId: 'acme', tokenId: 't2', client: 'entra', sha256: SHA }),
  MASS_DEACTIVATION_GUARD: heldByTheGuard,
  INVALID_ALLOWANCE: () => refusal(acme(), { type: 'AllowScimDeactivations', orgId: 'acme', forMinutes: 0 }),
  IMPORT_NOT_FOUND: () => refusal(acme(), { type: 'FinishImport', orgId: 'acme', importId: 'nope', sha256: SHA, outcome: { applied: true, counts } }),
  IMPORT_ALREADY_EXISTS: () => refusal([...acme(), importReceived()], importReceived()),
  IMPORT_ALREADY_FINISHED: () =>
    refusal([...acme(), importReceived(), { type: 'FinishImport', orgId: 'acme', importId: 'imp', sha256: SHA, outcome: { applied: true, counts } }], {
      type: 'ApplyImportBatch',
      orgId: 'acme',
      importId: 'imp',
      operations: [],
      lines: [],
    }),
  BATCH_REJECTED: () => refusal(acme(), { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001', 'x', 'y'] }),
  INVALID_EVENT: () => viaLedger(importReceived({ dueAt: 'tomorrow' })),
  CONCURRENCY_CONFLICT: () => viaLedger({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001'] }, contended(), { maxRetries: 2 }),
  EVENT_DECODE_FAILED: async () => {
    const store = new InMemoryEventStore();
    await store.appendToStream(organizationStreamId('acme'), [{ eventId: 'e', type: 'OrganizationOnboarded', schemaVersion: 1, data: { orgId: 'acme' }, metadata: {} }]);
    const result = await createLedger({ store }).execute({ type: 'ResizeLicensePool', orgId: 'acme', seats: 1 }, adminContext());
    if (E.isRight(result)) throw new Error('not refused');
    return result.left;
  },
  STORE_FAILURE: () => viaLedger({ type: 'ResizeLicensePool', orgId: 'acme', seats: 9 }, unavailable()),
  LEARNER_ERASED: () => refusal(erased(), { type: 'ReactivateLearner', orgId: 'acme', learnerId: '0001' }),
  LEARNER_STILL_ACTIVE: () => refusal(acme(), erase),
  RETENTION_PERIOD_NOT_OVER: () => refusal([...acme(), { type: 'SetRetentionPeriod', orgId: 'acme', days: 30 }, deactivateAll], erase),
  INVALID_RETENTION_PERIOD: () => refusal(acme(), { type: 'SetRetentionPeriod', orgId: 'acme', days: -1 }),
  PERSONAL_DATA_NOT_SEALED: () => viaLedger(erase),
};

/** Codes declared but not produced by the core (none: every declared code has a scenario). */
const NOT_PRODUCED: readonly ErrorCode[] = [];

/** One scenario per outcome note: a note added without one does not compile, and fails below. */
const deactivateAll: Command = { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001'] };
const scheduled: Command[] = [...acme(), { type: 'ScheduleDeactivation', orgId: 'acme', scheduleId: 's', learnerIds: ['0001'], effectiveAt: '2026-06-01' }];
const NOTES: Record<OutcomeNote, () => readonly Outcome[]> = {
  ALREADY_ERASED: () => outcomesOf(erased(), erase),
  ALREADY_INACTIVE: () => outcomesOf([...acme(), deactivateAll], deactivateAll),
  ALREADY_ACTIVE: () => outcomesOf(acme(), { type: 'ReactivateLearner', orgId: 'acme', learnerId: '0001' }),
  UNCHANGED: () => outcomesOf(acme(), { type: 'ResizeLicensePool', orgId: 'acme', seats: 3 }),
  MOVE_SKIPPED: () => outcomesOf(connectorOrg(), { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001'], move: { removeFrom: 'all' } }),
  CANCELLED: () =>
    outcomesOf([...scheduled, { type: 'CancelScheduledDeactivation', orgId: 'acme', scheduleId: 's' }], { type: 'CancelScheduledDeactivation', orgId: 'acme', scheduleId: 's' }),
  COMPLETED: () =>
    outcomesOf([...scheduled, at('2026-06-02T00:00:00.000Z', { type: 'ProcessDueDeactivations', orgId: 'acme' })], { type: 'CancelScheduledDeactivation', orgId: 'acme', scheduleId: 's' }, '2026-07-01T00:00:00.000Z'),
};

/** Validation failures name the command field and the value at fault, so an adapter can name its own column. */
const FIELDS: readonly (readonly [ErrorCode, CommandField, string, () => DomainError])[] = [
  ['INVALID_ORGANIZATION_ID', 'orgId', '../acme', () => refusal([], onboard('../acme'))],
  ['INVALID_ORGANIZATION_ID', 'orgId', 'a b', () => refusal(acme(), { type: 'ResizeLicensePool', orgId: 'a b', seats: 1 })],
  ['INVALID_SEATS', 'seats', '-1', () => refusal([], onboard('acme', -1))],
  ['INVALID_SEATS', 'seats', '2.5', () => refusal(acme(), { type: 'ResizeLicensePool', orgId: 'acme', seats: 2.5 })],
  ['INVALID_TIME_ZONE', 'timeZone', 'Europe/Atlantis', () => refusal([], onboard('acme', 1, { timeZone: 'Europe/Atlantis' }))],
  ['INVALID_TIME_OF_DAY', 'dailyImportTime', '7am', () => refusal([], onboard('acme', 1, { dailyImportTime: '7am' }))],
  ['INVALID_ID', 'learnerId', 'bad\u0001id', () => refusal(acme(), learner('bad\u0001id'))],
  ['INVALID_ID', 'teamId', ' sales', () => refusal(acme(), { type: 'CreateTeam', orgId: 'acme', name: 'Other', teamId: ' sales' })],
  ['INVALID_TEXT', 'name', '\u0000', () => refusal([onboard()], team('\u0000'))],
  ['INVALID_TEXT', 'firstName', 'x'.repeat(513), () => refusal(acme(), learner('0009', { firstName: 'x'.repeat(513) }))],
  ['INVALID_TEXT', 'reason', 'a\u0007b', () => refusal(acme(), { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001'], reason: 'a\u0007b' })],
  ['INVALID_EMAIL', 'email', 'no-at-sign', () => refusal(acme(), learner('0009', { email: 'no-at-sign' }))],
  ['INVALID_EMAIL', 'email', 'not@mail', () => refusal(acme(), { type: 'UpdateLearnerProfile', orgId: 'acme', learnerId: '0001', changes: { email: 'not@mail' } })],
  ['INVALID_INSTANT', 'effectiveAt', 'next friday', () => refusal(acme(), { type: 'ScheduleDeactivation', orgId: 'acme', scheduleId: 's', learnerIds: ['0001'], effectiveAt: 'next friday' })],
  ['SCHEDULE_IN_PAST', 'effectiveAt', '2026-01-01', () => refusal(acme(), { type: 'ScheduleDeactivation', orgId: 'acme', scheduleId: 's', learnerIds: ['0001'], effectiveAt: '2026-01-01' })],
  ['UNKNOWN_TEAM', 'teams', 'marketing', () => refusal(acme(), learner('0009', { teams: ['marketing'] }))],
  ['UNKNOWN_TEAM', 'add', 'globex-team', () => refusal(acme(), { type: 'ChangeTeamMembership', orgId: 'acme', learnerId: '0001', add: ['globex-team'] })],
  ['UNKNOWN_TEAM', 'targetTeamId', 'nowhere', () => refusal(acme(), importReceived({ targetTeamId: 'nowhere' }))],
  ['DUPLICATE_EMAIL', 'email', '0002@Acme.Test', () => refusal(acme(), learner('0009', { email: '0002@Acme.Test' }))],
  ['DUPLICATE_LEARNER_ID', 'learnerId', '0002', () => refusal(acme(), learner('0002', { email: 'other@acme.test' }))],
  ['LEARNER_NOT_FOUND', 'learnerIds', '9999', () => refusal(acme(), { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['9999'] })],
];

describe('outcome notes', () => {
  it.each(OUTCOME_NOTES)('%s is produced', (note) => {
    expect(NOTES[note]().map((outcome) => outcome.code)).toContain(note);
  });
});

describe('refusals name their field and value', () => {
  it.each(FIELDS.map(([code, field, value, scenario], index) => [index, code, field, value, scenario] as const))('#%i %s names %s', (_index, code, field, value, scenario) => {
    expect(scenario()).toMatchObject({ code, field, value });
  });
});

describe('error codes', () => {
  it('has a scenario for every declared code', () => {
    const missing = ERROR_CODES.filter((code) => !(code in SCENARIOS) && !NOT_PRODUCED.includes(code));
    expect(missing).toEqual([]);
  });

  it.each(Object.keys(SCENARIOS) as ErrorCode[])('%s is produced with a message a person can act on', async (code) => {
    const error = await SCENARIOS[code]!();
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(15);
    expect(error.message).not.toMatch(/undefined|\[object Object\]|NaN/);
  });
});
