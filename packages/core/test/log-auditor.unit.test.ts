import * as E from 'fp-ts/lib/Either.js';
import { createLedger, encodeEvent, InMemoryEventStore, organizationStreamId, type Command, type DomainEvent } from '../src/index.js';
import { adminContext } from '../src/testing/index.js';
import { appendChained, LogAuditor } from './log-auditor.js';
import { sampleMetadata } from './sample-events.js';
import { acme } from './support.js';

/** The auditor the property tests rely on must reject logs that break the invariants. */
const stream = organizationStreamId('acme');

const auditAfter = async (extra: { commandId: string; events: DomainEvent[]; orgId?: string }[], issued: Record<string, Command> = {}) => {
  const store = new InMemoryEventStore();
  const ledger = createLedger({ store });
  for (const command of acme(2)) {
    const result = await ledger.execute(command, adminContext());
    if (E.isLeft(result)) throw new Error(result.left.message);
  }
  for (const { commandId, events, orgId = 'acme' } of extra) {
    await appendChained(store, stream, events.map((event) => encodeEvent(event, sampleMetadata({ commandId, orgId }))));
  }
  const audit = new LogAuditor(store);
  for (const [id, command] of Object.entries(issued)) audit.issued.set(id, command);
  await audit.catchUp();
  return audit;
};

const deactivation = (learnerId: string, removed: string[]): DomainEvent[] => [
  { type: 'TeamMembershipChanged', data: { learnerId, added: ['inactive-learners'], removed } },
  { type: 'LearnerDeactivated', data: { learnerId, removedTeams: removed } },
  { type: 'LicenseReleased', data: { learnerId } },
];

describe('log auditor', () => {
  it('accepts a correct log', async () => {
    const audit = await auditAfter([{ commandId: 'd', events: deactivation('0001', ['sales']) }]);
    expect(audit.activeCount('acme')).toBe(1);
    expect(audit.deactivationsSeen).toBe(1);
  });

  it('rejects more licenses than seats', async () => {
    await expect(
      auditAfter([{ commandId: 'r', events: [{ type: 'LearnerRegistered', data: { learnerId: '0003', email: 'x@y.z', firstName: 'a', lastName: 'b', employeeId: null, status: 'active' } }, { type: 'LicenseAssigned', data: { learnerId: '0003', licenseId: 'L-9' } }] }]),
    ).rejects.toThrow(/license 3 assigned with 2 seats/);
  });

  it('rejects a license released twice, and a deactivation without its release', async () => {
    await expect(auditAfter([{ commandId: 'd', events: [...deactivation('0001', ['sales']), { type: 'LicenseReleased', data: { learnerId: '0001' } }] }])).rejects.toThrow(/released twice/);
    await expect(auditAfter([{ commandId: 'd', events: deactivation('0001', ['sales']).slice(0, 2) }])).rejects.toThrow(/not followed by its LicenseReleased/);
  });

  it('rejects a command split in two runs, and a move that is not right before its deactivation', async () => {
    const [move, deactivate, release] = deactivation('0001', ['sales']) as [DomainEvent, DomainEvent, DomainEvent];
    await expect(auditAfter([{ commandId: 'a', events: [move, { type: 'ActivityRecorded', data: { learnerId: '0001', activityId: 'x', kind: 'completion', courseId: 'c' } }, deactivate, release] }])).rejects.toThrow(/not right before/);
    await expect(auditAfter([{ commandId: 'a', events: [move] }, { commandId: 'x', events: [{ type: 'ActivityRecorded', data: { learnerId: '0002', activityId: 'y', kind: 'completion', courseId: 'c' } }] }, { commandId: 'a', events: [deactivate, release] }])).rejects.toThrow(/twice/);
  });

  it('rejects a deactivation with a move to "all" that leaves the learner on another team', async () => {
    const issued: Record<string, Command> = { d: { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0002'] } };
    await expect(auditAfter([{ commandId: 'd', events: deactivation('0002', ['sales']) }], issued)).rejects.toThrow(/is on \["support","inactive-learners"\]/);
  });

  it('rejects an event of another organization or about a learner of another organization', async () => {
    await expect(auditAfter([{ commandId: 'x', orgId: 'acme-1', events: [{ type: 'LicensePoolResized', data: { seats: 9, previousSeats: 2 } }] }])).rejects.toThrow(/invariant broken.*orgId.*acme-1/);
    await expect(auditAfter([{ commandId: 'x', events: [{ type: 'ActivityRecorded', data: { learnerId: 'B-only', activityId: 'x', kind: 'completion', courseId: 'c' } }] }])).rejects.toThrow(/not a learner of acme/);
  });
});
