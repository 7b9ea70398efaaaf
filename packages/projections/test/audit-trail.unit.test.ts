import { EVENT_TYPES, type DomainEvent } from '@learner-ledger/core';
import { auditEntriesForImport, auditEntriesForLearner, auditTrailProjection, describeEvent, dumpTables, learnersOfEvent } from '../src/index.js';
import { assigned, deactivated, envelope, given, membership, onboarded, reactivated, registered, released, teamCreated } from './support.js';

const p = auditTrailProjection;
const counts = { registered: 0, deactivated: 1, reactivated: 0, updated: 0, unchanged: 0, skipped: 0, errors: 0 };
const sha = 'a'.repeat(64);

/** One event of every type this library knows. */
const everyEvent: DomainEvent[] = [
  onboarded(),
  { type: 'LicensePoolResized', data: { seats: 9, previousSeats: 5 } },
  teamCreated('sales'),
  registered('a'),
  assigned('a'),
  released('a'),
  membership('a', ['x'], ['y']),
  deactivated('a', ['sales'], 'left'),
  reactivated('a', ['sales']),
  { type: 'LearnerProfileUpdated', data: { learnerId: 'a', changes: { email: 'n@acme.test' } } },
  { type: 'ActivityRecorded', data: { learnerId: 'a', activityId: 'act', kind: 'completion', courseId: 'c-1' } },
  { type: 'DeactivationScheduled', data: { scheduleId: 's1', learnerIds: ['a', 'b'], effectiveAt: '2026-04-01T05:00:00.000Z', move: null } },
  { type: 'ScheduledDeactivationCancelled', data: { scheduleId: 's1' } },
  { type: 'ScheduledDeactivationCompleted', data: { scheduleId: 's1', deactivated: ['a'], skipped: ['c'] } },
  {
    type: 'ImportReceived',
    data: {
      importId: 'imp-1',
      fileName: 'f.csv',
      sha256: sha,
      format: 'data-services',
      targetTeamId: 'sales',
      rowCount: 2,
      schedule: 'now',
      dueAt: '2026-03-02T09:00:00.000Z',
      options: { partial: false, fullSync: false, allowMassDeactivation: false, move: true },
    },
  },
  { type: 'ImportLinesRecorded', data: { importId: 'imp-1', lines: [{ line: 2, learnerId: 'a', action: 'deactivate' }, { line: 3, learnerId: 'd', action: 'unchanged' }, { line: 4, learnerId: '', action: 'error' }] } },
  { type: 'ImportApplied', data: { importId: 'imp-1', sha256: sha, counts } },
  { type: 'ImportRejected', data: { importId: 'imp-2', sha256: sha, code: 'MISSING_COLUMN', message: 'no Active column' } },
  { type: 'ScimTokenIssued', data: { tokenId: 'tok-1', client: 'okta', sha256: sha } },
  { type: 'ScimTokenRevoked', data: { tokenId: 'tok-1' } },
  { type: 'RetentionPeriodSet', data: { days: 30, previousDays: 0 } },
  { type: 'LearnerPersonalDataErased', data: { learnerId: 'z', reason: 'retention over' } },
  { type: 'ScimDeactivationsHeld', data: { learnerIds: ['a'], deactivations: 10, activeLearners: 50, limit: { share: 0.2, minimum: 10 } } },
  { type: 'ScimDeactivationsAllowed', data: { count: 5 } },
];

describe('audit-trail projection', () => {
  test('every event type is read, described in one sentence, and kept in log order', () => {
    expect(everyEvent.map((e) => e.type).sort()).toEqual([...EVENT_TYPES].sort());
    const state = given(p, everyEvent.map((e) => envelope(e)));
    const rows = [...dumpTables(p, state).ll_audit_trail!].sort((a, b) => (a.global_position as number) - (b.global_position as number));
    expect(rows.map((r) => r.event_type)).toEqual(everyEvent.map((e) => e.type));
    for (const event of everyEvent) expect(describeEvent(event)).toMatch(/\w/);
    expect(describeEvent(released('a', 'L-7'))).toBe('License L-7 of a released to the pool');
  });

  test('per learner: every event naming the learner, including scheduled deactivations and import line records', () => {
    const state = given(p, everyEvent.map((e) => envelope(e)));
    expect(auditEntriesForLearner(state, 'acme', 'a').map((e) => e.type)).toEqual([
      'LearnerRegistered',
      'LicenseAssigned',
      'LicenseReleased',
      'TeamMembershipChanged',
      'LearnerDeactivated',
      'LearnerReactivated',
      'LearnerProfileUpdated',
      'ActivityRecorded',
      'DeactivationScheduled',
      'ScheduledDeactivationCompleted',
      'ImportLinesRecorded',
      'ScimDeactivationsHeld',
    ]);
    expect(auditEntriesForLearner(state, 'acme', 'b').map((e) => e.type)).toEqual(['DeactivationScheduled']);
    expect(learnersOfEvent(everyEvent[15]!)).toEqual(['a', 'd']);
  });

  test('"why did this learner lose their license": who, which channel, which import, file and line', () => {
    const meta = { actor: { kind: 'import' as const, id: 'imp-9' }, channel: 'learner-page' as const, importId: 'imp-9', fileName: 'june.csv', line: 42, occurredAt: '2026-06-30T14:00:00.000Z' };
    const state = given(p, [envelope(registered('0042')), envelope(assigned('0042', 'L-3')), envelope(deactivated('0042', [], 'Active=FALSE'), meta), envelope(released('0042', 'L-3'), meta)]);
    const lost = auditEntriesForLearner(state, 'acme', '0042').find((e) => e.type === 'LicenseReleased');
    expect(lost).toEqual(
      expect.objectContaining({
        learnerId: '0042',
        occurredAt: '2026-06-30T14:00:00.000Z',
        actor: { kind: 'import', id: 'imp-9' },
        channel: 'learner-page',
        importId: 'imp-9',
        fileName: 'june.csv',
        line: 42,
        summary: 'License L-3 of 0042 released to the pool',
        data: { learnerId: '0042', licenseId: 'L-3' },
      }),
    );
  });

  test('per import: its own events and every change its lines caused, in order', () => {
    const state = given(p, [
      ...everyEvent.slice(14, 15).map((e) => envelope(e)),
      envelope(deactivated('a'), { importId: 'imp-1', line: 2, channel: 'data-services' }),
      envelope(released('a'), { importId: 'imp-1', line: 2, channel: 'data-services' }),
      envelope(released('zz')),
      ...everyEvent.slice(15, 17).map((e) => envelope(e)),
    ]);
    expect(auditEntriesForImport(state, 'acme', 'imp-1').map((e) => [e.type, e.line ?? null])).toEqual([
      ['ImportReceived', null],
      ['LearnerDeactivated', 2],
      ['LicenseReleased', 2],
      ['ImportLinesRecorded', null],
      ['ImportApplied', null],
    ]);
    expect(auditEntriesForImport(state, 'globex', 'imp-1')).toEqual([]);
  });

  test('restoring from stored rows rebuilds the per-learner and per-import indexes', () => {
    const original = given(p, everyEvent.map((e) => envelope(e)));
    const copy = p.initialState();
    copy.trail.load([...original.trail.allRows()].reverse());
    copy.learners.load([...original.learners.allRows()].reverse());
    p.restored!(copy);
    expect(auditEntriesForLearner(copy, 'acme', 'a')).toEqual(auditEntriesForLearner(original, 'acme', 'a'));
    expect(auditEntriesForImport(copy, 'acme', 'imp-1')).toEqual(auditEntriesForImport(original, 'acme', 'imp-1'));
  });

  test('an erasure rewrites the learner\'s rows with their personal fields erased, and keeps who, when, channel, file and line', () => {
    const lines: DomainEvent = { type: 'ImportLinesRecorded', data: { importId: 'imp-9', lines: [{ line: 2, learnerId: 'q', action: 'error', code: 'INVALID_EMAIL', message: 'q.secret@acme.test is taken' }, { line: 3, learnerId: 'r', action: 'error', code: 'X', message: 'r stays' }] } };
    const history = [
      envelope(registered('q')),
      envelope({ type: 'LearnerProfileUpdated', data: { learnerId: 'q', changes: { lastName: 'Secretname' } } }),
      envelope(lines, { importId: 'imp-9', fileName: 'f.csv', line: 2 }),
      envelope(registered('r')),
      envelope({ type: 'LearnerPersonalDataErased', data: { learnerId: 'q', reason: 'asked' } }),
    ];
    const before = given(p, history.slice(0, -1));
    const state = given(p, history);
    const rows = JSON.stringify(dumpTables(p, state).ll_audit_trail);
    for (const value of ['q@acme.test', 'Secretname', 'q.secret@acme.test']) expect(rows).not.toContain(value);
    expect(rows).toContain('r@acme.test');
    expect(rows).toContain('r stays');
    const after = auditEntriesForLearner(state, 'acme', 'q');
    expect(after.slice(0, -1).map(({ summary: _s, data: _d, ...rest }) => rest)).toEqual(auditEntriesForLearner(before, 'acme', 'q').map(({ summary: _s, data: _d, ...rest }) => rest));
    expect(after[0]!.summary).toBe('Learner q <[erased]> registered active');
    expect(after.at(-1)!.summary).toBe('Personal data of learner q erased (asked)');
  });
});
