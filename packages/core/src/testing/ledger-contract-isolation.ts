import { createLedger, listOrganizationIds, organizationStreamId, readAllBatches, type StoredEvent } from '../index.js';
import { adminContext, sampleOrganizationCommands } from './fixtures.js';
import { left, register, right, runAll, streamOf, uniqueOrgId, versionOf, type LedgerContractContext } from './ledger-contract-support.js';

/** Tenant isolation: nothing of organization A is readable or writable through organization B. */
export const describeTenantIsolation = (context: LedgerContractContext): void => {
  describe('tenant isolation', () => {
    const both = async () => {
      const base = uniqueOrgId('tenant');
      const ledger = createLedger({ store: context.setup().store });
      await runAll(ledger, sampleOrganizationCommands(base));
      await runAll(ledger, [...sampleOrganizationCommands(`${base}-1`), { type: 'CreateTeam', orgId: `${base}-1`, name: 'Marketing' }, register(`${base}-1`, '0005')]);
      return { a: base, b: `${base}-1`, ledger };
    };

    it('keeps organizations whose ids are prefixes of each other apart', async () => {
      const { store } = context.setup();
      const { a, b, ledger } = await both();
      right(await ledger.execute({ type: 'DeactivateLearners', orgId: b, learnerIds: ['0001', '0002'] }, adminContext()));
      for (const reader of [ledger, createLedger({ store })]) {
        const stateA = right(await reader.state(a));
        const stateB = right(await reader.state(b));
        expect([stateA.licensesInUse, stateB.licensesInUse]).toEqual([4, 3]);
        expect(stateA.learners.get('0001')!.status).toBe('active');
        expect(stateA.learners.has('0005')).toBe(false);
        expect(stateA.teams.has('marketing')).toBe(false);
        expect(stateA.learners.size).toBe(4);
      }
      for (const orgId of [a, b]) {
        const events = (await streamOf(store, orgId)).events;
        expect(events.every((e) => (e.metadata as { orgId: string }).orgId === orgId)).toBe(true);
      }
      expect((await listOrganizationIds(store)).filter((id) => id.startsWith(a)).sort()).toEqual([a, b]);
    });

    it('refuses to change organization A through organization B', async () => {
      const { store } = context.setup();
      const { a, b, ledger } = await both();
      const versions = [await versionOf(store, a), await versionOf(store, b)];
      expect(left(await ledger.execute({ type: 'DeactivateLearners', orgId: a, learnerIds: ['0005'] }, adminContext())).code).toBe('LEARNER_NOT_FOUND');
      expect(left(await ledger.execute({ type: 'ChangeTeamMembership', orgId: a, learnerId: '0001', add: ['marketing'] }, adminContext())).code).toBe('UNKNOWN_TEAM');
      expect(left(await ledger.execute({ type: 'RecordActivity', orgId: a, learnerId: '0005', activityId: 'x', kind: 'completion', courseId: 'c' }, adminContext())).code).toBe('LEARNER_NOT_FOUND');
      for (const orgId of [`${a}/../${b}`, `${a}*`, '', ` ${a}`, `${a}\n`]) {
        expect(left(await ledger.execute({ type: 'ResizeLicensePool', orgId, seats: 5 }, adminContext())).code).toBe('INVALID_ORGANIZATION_ID');
        expect(left(await ledger.state(orgId)).code).toBe('INVALID_ORGANIZATION_ID');
      }
      expect([await versionOf(store, a), await versionOf(store, b)]).toEqual(versions);
    });

    it('reads one organization through its exact stream id, never a prefix', async () => {
      const { store } = context.setup();
      const { a } = await both();
      const events: StoredEvent[] = [];
      for await (const batch of readAllBatches(store, { streamIds: [organizationStreamId(a)], maxCount: 10 })) events.push(...batch.events);
      expect(events.length).toBeGreaterThan(0);
      expect(new Set(events.map((e) => e.streamId))).toEqual(new Set([organizationStreamId(a)]));
    });
  });
};
