import * as E from 'fp-ts/lib/Either.js';
import { createLedger, encodeEvent, InMemoryEventStore, organizationStreamId, type Command, type DomainEvent } from '../src/index.js';
import { adminContext } from '../src/testing/index.js';
import { appendChained, LogAuditor } from './log-auditor.js';
import { sampleMetadata } from './sample-events.js';
import { acme } from './support.js';

/** The auditor's checks of the teams a move leaves and a reactivation restores must reject logs that get them wrong. */
const auditAfter = async (extra: { commandId: string; events: DomainEvent[] }[], issued: Record<string, Command>) => {
  const store = new InMemoryEventStore();
  const ledger = createLedger({ store });
  for (const command of acme(3)) {
    const result = await ledger.execute(command, adminContext());
    if (E.isLeft(result)) throw new Error(result.left.message);
  }
  for (const { commandId, events } of extra) await appendChained(store, organizationStreamId('acme'), events.map((event) => encodeEvent(event, sampleMetadata({ commandId }))));
  const audit = new LogAuditor(store);
  for (const [id, command] of Object.entries(issued)) audit.issued.set(id, command);
  await audit.catchUp();
  return audit;
};

// 0002 is on sales and support.
const deactivate = (removed: string[]): DomainEvent[] => [
  { type: 'TeamMembershipChanged', data: { learnerId: '0002', added: ['inactive-learners'], removed } },
  { type: 'LearnerDeactivated', data: { learnerId: '0002', removedTeams: removed } },
  { type: 'LicenseReleased', data: { learnerId: '0002' } },
];
const fromSales: Command = { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0002'], move: { removeFrom: ['sales'] } };
const reactivate = (restored: string[], added = restored): DomainEvent[] => [
  { type: 'LearnerReactivated', data: { learnerId: '0002', restoredTeams: restored } },
  { type: 'LicenseAssigned', data: { learnerId: '0002', licenseId: 'L-9' } },
  { type: 'TeamMembershipChanged', data: { learnerId: '0002', added, removed: ['inactive-learners'] } },
];

describe('log auditor: teams of moves and reactivations', () => {
  it('accepts a move from listed teams that leaves the others, and a reactivation restoring exactly what it removed', async () => {
    const audit = await auditAfter([{ commandId: 'd', events: deactivate(['sales']) }, { commandId: 'r', events: reactivate(['sales']) }], { d: fromSales, r: { type: 'ReactivateLearner', orgId: 'acme', learnerId: '0002' } });
    expect([...audit.orgs.get('acme')!.learners.get('0002')!.teams].sort()).toEqual(['sales', 'support']);
  });

  it('rejects a move that ignores its removeFrom list, or removes a team the list does not name', async () => {
    await expect(auditAfter([{ commandId: 'd', events: deactivate([]) }], { d: fromSales })).rejects.toThrow(/removeFrom \["sales"\] .* expected \["support","inactive-learners"\]/);
    await expect(auditAfter([{ commandId: 'd', events: deactivate(['sales', 'support']) }], { d: fromSales })).rejects.toThrow(/removeFrom \["sales"\]/);
  });

  it('rejects a deactivation whose removedTeams differ from what its move removed, and a move where none was asked', async () => {
    await expect(
      auditAfter([{ commandId: 'd', events: [deactivate(['sales'])[0]!, { type: 'LearnerDeactivated', data: { learnerId: '0002', removedTeams: [] } }, deactivate([])[2]!] }], { d: fromSales }),
    ).rejects.toThrow(/removedTeams \[\], but the move removed \["sales"\]/);
    await expect(auditAfter([{ commandId: 'd', events: deactivate(['sales']) }], { d: { ...fromSales, move: null } })).rejects.toThrow(/removeFrom null/);
  });

  it('rejects a reactivation that restores other teams than the deactivation removed, or than the command named', async () => {
    const d = { d: fromSales };
    await expect(auditAfter([{ commandId: 'd', events: deactivate(['sales']) }, { commandId: 'r', events: reactivate([]) }], { ...d, r: { type: 'ReactivateLearner', orgId: 'acme', learnerId: '0002' } })).rejects.toThrow(
      /reactivated restoring \[\], expected \["sales"\]/,
    );
    await expect(
      auditAfter([{ commandId: 'd', events: deactivate(['sales']) }, { commandId: 'r', events: reactivate(['sales']) }], { ...d, r: { type: 'ReactivateLearner', orgId: 'acme', learnerId: '0002', teams: ['support'] } }),
    ).rejects.toThrow(/reactivated restoring \["sales"\], expected \["support"\]/);
    // The event names the right teams, but the membership change adds another.
    await expect(auditAfter([{ commandId: 'd', events: deactivate(['sales']) }, { commandId: 'r', events: reactivate(['sales'], []) }], { ...d, r: { type: 'ReactivateLearner', orgId: 'acme', learnerId: '0002' } })).rejects.toThrow(
      /reactivated is on \["support"\], expected/,
    );
  });
});
