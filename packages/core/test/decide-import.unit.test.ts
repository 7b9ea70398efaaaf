import type { ApplyImportBatch, Command, ImportCounts, RecordImportReceived } from '../src/index.js';
import { givenCommands } from '../src/testing/index.js';
import { acme, ctx } from './support.js';

const SHA = 'ab'.repeat(32);
const received = (importId = 'imp-1', extra: Partial<RecordImportReceived> = {}): RecordImportReceived => ({
  type: 'RecordImportReceived',
  orgId: 'acme',
  importId,
  fileName: 'learners.csv',
  sha256: SHA,
  format: 'data-services',
  targetTeamId: 'sales',
  rowCount: 3,
  schedule: 'now',
  dueAt: '2026-03-02T09:00:00.000Z',
  options: { partial: false, fullSync: false, allowMassDeactivation: false, move: true },
  ...extra,
});
const counts: ImportCounts = { registered: 1, deactivated: 1, reactivated: 0, updated: 0, unchanged: 1, skipped: 0, errors: 0 };
const batch = (operations: ApplyImportBatch['operations'], extra: Partial<ApplyImportBatch> = {}): ApplyImportBatch => ({
  type: 'ApplyImportBatch',
  orgId: 'acme',
  importId: 'imp-1',
  operations,
  lines: operations.map((op) => ({ line: op.line, learnerId: 'learnerId' in op ? op.learnerId : '', action: op.op === 'schedule' ? 'deactivate' : op.op })),
  ...extra,
});
const finish = (outcome: Extract<Command, { type: 'FinishImport' }>['outcome'], importId = 'imp-1'): Command => ({ type: 'FinishImport', orgId: 'acme', importId, sha256: SHA, outcome });

describe('record import received', () => {
  it('records the file, its hash, format, target team and due time', () => {
    const { type: _t, orgId: _o, ...data } = received();
    givenCommands(acme()).when(received(), ctx).thenEvents([{ type: 'ImportReceived', data }]);
  });

  it('refuses a second import with the same id, an unknown target team, an invalid id', () => {
    givenCommands([...acme(), received()]).when(received(), ctx).thenError('IMPORT_ALREADY_EXISTS');
    givenCommands(acme()).when(received('imp-2', { targetTeamId: 'nowhere' }), ctx).thenError('UNKNOWN_TEAM');
    givenCommands(acme()).when(received(''), ctx).thenError('INVALID_ID');
  });
});

describe('apply import batch', () => {
  const given = [...acme(5), received()];

  it('applies each line with its line number and records the per-line audit', () => {
    const decision = givenCommands(given)
      .when(
        batch([
          { op: 'register', line: 2, learnerId: '0003', email: 'c@acme.test', firstName: 'C', lastName: 'D', teams: ['sales'] },
          { op: 'deactivate', line: 3, learnerId: '0001', reason: 'left' },
          { op: 'update', line: 4, learnerId: '0002', changes: { lastName: 'Turing' } },
          { op: 'schedule', line: 5, learnerId: '0002', scheduleId: 'imp-1:5', effectiveAt: '2026-06-30' },
        ]),
        ctx,
      )
      .thenEventTypes([
        'LearnerRegistered', 'LicenseAssigned', 'TeamMembershipChanged',
        'TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased',
        'LearnerProfileUpdated',
        'DeactivationScheduled',
        'ImportLinesRecorded',
      ]);
    expect(decision.events.map((e) => e.line)).toEqual([2, 2, 2, 3, 3, 3, 4, 5, undefined]);
    expect(decision.events[4]!.event.data).toEqual({ learnerId: '0001', removedTeams: ['sales'], reason: 'left' });
    expect(decision.events[8]!.event).toEqual({
      type: 'ImportLinesRecorded',
      data: {
        importId: 'imp-1',
        lines: [
          { line: 2, learnerId: '0003', action: 'register' },
          { line: 3, learnerId: '0001', action: 'deactivate' },
          { line: 4, learnerId: '0002', action: 'update' },
          { line: 5, learnerId: '0002', action: 'deactivate' },
        ],
      },
    });
  });

  it('reactivates a line with its removed teams', () => {
    givenCommands([...given, { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0002'] }])
      .when(batch([{ op: 'reactivate', line: 7, learnerId: '0002' }]), ctx)
      .thenEventTypes(['LearnerReactivated', 'LicenseAssigned', 'TeamMembershipChanged', 'ImportLinesRecorded']);
  });

  it('refuses the whole batch when a line fails, without partial', () => {
    const error = givenCommands(given)
      .when(batch([{ op: 'deactivate', line: 2, learnerId: '0001' }, { op: 'deactivate', line: 3, learnerId: 'ghost' }, { op: 'reactivate', line: 4, learnerId: 'phantom' }]), ctx)
      .thenError('BATCH_REJECTED');
    expect(error.errors?.map((e) => [e.code, e.line])).toEqual([['LEARNER_NOT_FOUND', 3], ['LEARNER_NOT_FOUND', 4]]);
  });

  it('applies the valid lines with partial and records refused lines as errors', () => {
    const decision = givenCommands(given)
      .when(batch([{ op: 'deactivate', line: 2, learnerId: '0001' }, { op: 'deactivate', line: 3, learnerId: 'ghost' }], { partial: true }), ctx)
      .thenEventTypes(['TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased', 'ImportLinesRecorded']);
    expect((decision.events[3]!.event.data as { lines: unknown[] }).lines).toEqual([
      { line: 2, learnerId: '0001', action: 'deactivate' },
      expect.objectContaining({ line: 3, learnerId: 'ghost', action: 'error', code: 'LEARNER_NOT_FOUND' }),
    ]);
  });

  it('sees earlier lines of the same batch (register then deactivate; seats counted across lines)', () => {
    givenCommands(given)
      .when(batch([
        { op: 'register', line: 2, learnerId: '0009', email: 'n@acme.test', firstName: 'N', lastName: 'N' },
        { op: 'deactivate', line: 3, learnerId: '0009' },
      ]), ctx)
      .thenEventTypes(['LearnerRegistered', 'LicenseAssigned', 'TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased', 'ImportLinesRecorded']);
    const error = givenCommands([...acme(3), received()])
      .when(batch([
        { op: 'register', line: 2, learnerId: '0008', email: 'm@acme.test', firstName: 'M', lastName: 'M' },
        { op: 'register', line: 3, learnerId: '0009', email: 'n@acme.test', firstName: 'N', lastName: 'N' },
      ]), ctx)
      .thenError('BATCH_REJECTED');
    expect(error.errors?.map((e) => [e.code, e.line])).toEqual([['LICENSE_POOL_EXHAUSTED', 3]]);
  });

  it('refuses a batch for an unknown or finished import', () => {
    givenCommands(acme()).when(batch([{ op: 'deactivate', line: 2, learnerId: '0001' }]), ctx).thenError('IMPORT_NOT_FOUND');
    givenCommands([...given, finish({ applied: true, counts })]).when(batch([{ op: 'deactivate', line: 2, learnerId: '0001' }]), ctx).thenError('IMPORT_ALREADY_FINISHED');
  });
});

describe('finish import', () => {
  const given = [...acme(), received()];

  it('records an applied import with its counts', () => {
    givenCommands(given).when(finish({ applied: true, counts }), ctx).thenEvents([{ type: 'ImportApplied', data: { importId: 'imp-1', sha256: SHA, counts } }]);
    const state = givenCommands(given).when(finish({ applied: true, counts }), ctx).thenState();
    expect(state.imports.get('imp-1')!.status).toBe('applied');
  });

  it('records a rejected import with the lines that explain it', () => {
    givenCommands(given)
      .when({ ...finish({ applied: false, code: 'MASS_DEACTIVATION', message: 'would deactivate 60% of Sales' }), lines: [{ line: 2, learnerId: '0001', action: 'error', code: 'X', message: 'bad' }] } as Command, ctx)
      .thenEvents([
        { type: 'ImportLinesRecorded', data: { importId: 'imp-1', lines: [{ line: 2, learnerId: '0001', action: 'error', code: 'X', message: 'bad' }] } },
        { type: 'ImportRejected', data: { importId: 'imp-1', sha256: SHA, code: 'MASS_DEACTIVATION', message: 'would deactivate 60% of Sales' } },
      ]);
  });

  it('refuses to finish an unknown import or one already finished', () => {
    givenCommands(given).when(finish({ applied: true, counts }, 'nope'), ctx).thenError('IMPORT_NOT_FOUND');
    givenCommands([...given, finish({ applied: false, code: 'X', message: 'y' })]).when(finish({ applied: true, counts }), ctx).thenError('IMPORT_ALREADY_FINISHED');
  });
});
