import type { DomainEvent, EventMetadata, EventType } from '../src/index.js';

const SHA = '0f'.repeat(32);
const counts = { registered: 1, deactivated: 2, reactivated: 0, updated: 3, unchanged: 4, skipped: 0, errors: 1 };

/** One event of every type at its current schema version, with optional fields filled in. */
export const SAMPLE_EVENTS: { readonly [K in EventType]: Extract<DomainEvent, { type: K }> } = {
  OrganizationOnboarded: {
    type: 'OrganizationOnboarded',
    data: { orgId: 'acme', name: 'Acme Corp', seats: 10, timeZone: 'America/Chicago', connector: 'none', inactiveTeamId: 'inactive-learners', dailyImportTime: '02:00' },
  },
  LicensePoolResized: { type: 'LicensePoolResized', data: { seats: 12, previousSeats: 10 } },
  TeamCreated: { type: 'TeamCreated', data: { teamId: 'sales', name: 'Sales', kind: 'standard' } },
  LearnerRegistered: {
    type: 'LearnerRegistered',
    data: { learnerId: '0001', email: 'zoë@acme.test', firstName: 'Zoë', lastName: "O'Brien, Jr.", employeeId: '000042', status: 'active' },
  },
  LicenseAssigned: { type: 'LicenseAssigned', data: { learnerId: '0001', licenseId: 'L-1' } },
  LicenseReleased: { type: 'LicenseReleased', data: { learnerId: '0001', licenseId: 'L-1' } },
  TeamMembershipChanged: { type: 'TeamMembershipChanged', data: { learnerId: '0001', added: ['inactive-learners'], removed: ['sales', 'support'] } },
  LearnerDeactivated: { type: 'LearnerDeactivated', data: { learnerId: '0001', removedTeams: ['sales', 'support'], reason: 'left "the" company', scheduleId: 's-1' } },
  LearnerReactivated: { type: 'LearnerReactivated', data: { learnerId: '0001', restoredTeams: ['sales'] } },
  LearnerProfileUpdated: { type: 'LearnerProfileUpdated', data: { learnerId: '0001', changes: { email: 'z@acme.test', employeeId: null } } },
  ActivityRecorded: { type: 'ActivityRecorded', data: { learnerId: '0001', activityId: 'act-1', kind: 'completion', courseId: 'course-9', at: '2026-02-01T10:00:00.000Z' } },
  LearnerPersonalDataErased: { type: 'LearnerPersonalDataErased', data: { learnerId: '0001', reason: 'left the company' } },
  RetentionPeriodSet: { type: 'RetentionPeriodSet', data: { days: 30, previousDays: 0 } },
  DeactivationScheduled: {
    type: 'DeactivationScheduled',
    data: { scheduleId: 's-1', learnerIds: ['0001', '0002'], effectiveAt: '2026-06-30T05:00:00.000Z', move: { addTo: 'inactive-learners', removeFrom: ['sales'] }, reason: 'last day' },
  },
  ScheduledDeactivationCancelled: { type: 'ScheduledDeactivationCancelled', data: { scheduleId: 's-1', reason: 'stays' } },
  ScheduledDeactivationCompleted: { type: 'ScheduledDeactivationCompleted', data: { scheduleId: 's-1', deactivated: ['0001'], skipped: ['0002'] } },
  ImportReceived: {
    type: 'ImportReceived',
    data: {
      importId: 'imp-1',
      fileName: 'Learners (Sales).csv',
      sha256: SHA,
      format: 'learner-page',
      targetTeamId: 'sales',
      rowCount: 7,
      schedule: 'daily',
      dueAt: '2026-03-03T08:00:00.000Z',
      options: { partial: true, fullSync: false, allowMassDeactivation: false, move: true },
      location: 'imports/learners.csv',
    },
  },
  ImportLinesRecorded: {
    type: 'ImportLinesRecorded',
    data: { importId: 'imp-1', lines: [{ line: 2, learnerId: '0001', action: 'deactivate' }, { line: 3, learnerId: '', action: 'error', code: 'INVALID_ACTIVE', column: 'Active', message: 'Active "maybe"' }] },
  },
  ImportApplied: { type: 'ImportApplied', data: { importId: 'imp-1', sha256: SHA, counts } },
  ImportRejected: { type: 'ImportRejected', data: { importId: 'imp-1', sha256: SHA, code: 'MISSING_COLUMN', message: 'Active is missing', counts } },
  ScimTokenIssued: { type: 'ScimTokenIssued', data: { tokenId: 'tok-1', client: 'okta', sha256: SHA } },
  ScimTokenRevoked: { type: 'ScimTokenRevoked', data: { tokenId: 'tok-1' } },
  ScimDeactivationsHeld: { type: 'ScimDeactivationsHeld', data: { learnerIds: ['0011'], deactivations: 10, activeLearners: 50, limit: { share: 0.2, minimum: 10 } } },
  ScimDeactivationsAllowed: { type: 'ScimDeactivationsAllowed', data: { count: 5 } },
};

let n = 0;
export const sampleMetadata = (extra: Partial<EventMetadata> = {}): EventMetadata => ({
  eventId: `00000000-0000-4000-8000-${(n++).toString().padStart(12, '0')}`,
  occurredAt: '2026-03-02T09:00:00.000Z',
  orgId: 'acme',
  commandId: 'cmd-1',
  correlationId: 'corr-1',
  causationId: 'cause-1',
  actor: { kind: 'import', id: 'imp-1' },
  channel: 'data-services',
  importId: 'imp-1',
  fileName: 'learners.csv',
  line: 2,
  ...extra,
});
