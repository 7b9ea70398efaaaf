import { createLedger, organizationStreamId, readAllBatches, type CommandResult } from '../index.js';
import { adminContext, sampleOrganizationCommands } from './fixtures.js';
import { commandIdOf, interleaved, left, register, right, runAll, streamOf, uniqueOrgId, versionOf, type LedgerContractContext } from './ledger-contract-support.js';

/** Concurrent writers: retries after a write landed between load and append, giving up after maxRetries, two processes on one organization. */
export const describeConcurrentWriters = (context: LedgerContractContext): void => {
  describe('concurrent writers', () => {
    it('retries after another ledger wrote between its load and its append, and decides on what that ledger wrote', async () => {
      const orgId = uniqueOrgId('race');
      const { store } = context.setup();
      const { store: racing, control } = interleaved(store);
      const a = createLedger({ store });
      const b = createLedger({ store: racing });
      await runAll(a, sampleOrganizationCommands(orgId, 5)); // four learners, one seat free
      right(await b.state(orgId)); // b holds the organization as it is now
      control.before = async () => {
        control.before = undefined;
        right(await a.execute(register(orgId, '0005'), adminContext())); // takes the last seat
      };
      expect(left(await b.execute(register(orgId, '0006'), adminContext())).code).toBe('LICENSE_POOL_EXHAUSTED');
      control.before = async () => {
        control.before = undefined;
        right(await a.execute({ type: 'CreateTeam', orgId, name: 'Marketing' }, adminContext()));
      };
      const retried: CommandResult = right(await b.execute({ type: 'ChangeTeamMembership', orgId, learnerId: '0001', add: ['support'] }, adminContext()));
      expect(retried.retries).toBe(1);
      expect(retried.status).toBe('applied');
      const after = right(await createLedger({ store }).state(orgId));
      expect(after.learners.get('0001')!.teams).toEqual(['sales', 'support']);
      expect(after.teams.has('marketing')).toBe(true);
      expect(after.learners.has('0006')).toBe(false);
      expect(after.licensesInUse).toBe(5);
      expect(retried.events[0]!.streamVersion).toBe(await versionOf(store, orgId));
    });

    it('returns a duplicate when the same command id lands from another ledger during its attempt', async () => {
      const orgId = uniqueOrgId('same');
      const { store } = context.setup();
      const { store: racing, control } = interleaved(store);
      const a = createLedger({ store });
      const b = createLedger({ store: racing });
      await runAll(a, sampleOrganizationCommands(orgId));
      right(await b.state(orgId));
      control.before = async () => {
        control.before = undefined;
        right(await a.execute(register(orgId, '0005'), adminContext({ commandId: 'same' })));
      };
      const result = right(await b.execute(register(orgId, '0005'), adminContext({ commandId: 'same' })));
      expect(result.status).toBe('duplicate');
      expect(result.retries).toBe(1);
      const registered = (await streamOf(store, orgId)).events.filter((e) => e.type === 'LearnerRegistered' && (e.data as { learnerId: string }).learnerId === '0005');
      expect(registered).toHaveLength(1);
    });

    it('gives up with CONCURRENCY_CONFLICT after maxRetries, writing nothing of its own', async () => {
      const orgId = uniqueOrgId('conflict');
      const { store } = context.setup();
      const { store: racing, control } = interleaved(store);
      const noise = createLedger({ store });
      await runAll(noise, sampleOrganizationCommands(orgId));
      const ledger = createLedger({ store: racing, maxRetries: 3 });
      let n = 0;
      control.before = async () => {
        right(await noise.execute({ type: 'RecordActivity', orgId, learnerId: '0001', activityId: `noise-${n++}`, kind: 'assignment', courseId: 'c' }, adminContext()));
      };
      control.appends = 0;
      const error = left(await ledger.execute({ type: 'DeactivateLearners', orgId, learnerIds: ['0001'] }, adminContext({ commandId: 'loser' })));
      control.before = undefined;
      expect(error.code).toBe('CONCURRENCY_CONFLICT');
      expect(error.message).toMatch(/3 retries/);
      expect(control.appends).toBe(4);
      const events = (await streamOf(store, orgId)).events;
      expect(events.filter((e) => commandIdOf(e) === 'loser')).toEqual([]);
      expect(events.filter((e) => e.type === 'ActivityRecorded')).toHaveLength(4);
    });

    it('keeps two ledgers in two processes writing to one organization consistent', async () => {
      const { store } = context.setup();
      const orgId = uniqueOrgId('twoproc');
      const handle = await context.other();
      try {
        const [first, second] = [createLedger({ store }), createLedger({ store: handle.store })];
        right(await first.execute({ type: 'OnboardOrganization', orgId, name: 'Globex', seats: 40, timeZone: 'UTC' }, adminContext()));
        right(await second.execute({ type: 'CreateTeam', orgId, name: 'Sales' }, adminContext()));
        const registrations = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? first : second).execute(register(orgId, String(i + 1).padStart(4, '0'), ['sales']), adminContext()));
        const results = (await Promise.all(registrations)).map(right);
        expect(results.every((r) => r.status === 'applied')).toBe(true);
        const state = right(await createLedger({ store }).state(orgId));
        expect(state.learners.size).toBe(30);
        expect(state.licensesInUse).toBe(30);
        // The log holds each registration once, in increasing positions.
        const positions: bigint[] = [];
        for await (const batch of readAllBatches(store, { streamIds: [organizationStreamId(orgId)], maxCount: 16 })) positions.push(...batch.events.map((e) => e.globalPosition));
        expect(positions).toHaveLength(await versionOf(store, orgId));
        expect(positions).toEqual([...positions].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
        expect(new Set(positions).size).toBe(positions.length);
      } finally {
        await handle.close?.();
      }
    });
  });
};
