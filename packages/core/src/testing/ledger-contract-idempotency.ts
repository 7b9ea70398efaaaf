import { createLedger, type Command, type LedgerOptions } from '../index.js';
import { adminContext, sampleOrganizationCommands } from './fixtures.js';
import { left, register, right, runAll, snapshotsOf, uniqueOrgId, versionOf, type LedgerContractContext, type LedgerStoreHandle } from './ledger-contract-support.js';

/** Idempotency by command id: on one ledger, across ledgers and processes, and with snapshots when the store keeps them. */
export const describeIdempotency = (context: LedgerContractContext): void => {
  const variants: { readonly label: string; readonly ledgerOptions: (handle: LedgerStoreHandle) => Omit<LedgerOptions, 'store'> }[] = [
    { label: 'idempotency by command id', ledgerOptions: () => ({}) },
    ...(context.options.snapshots
      ? [{ label: 'idempotency by command id, with snapshots every 2 events', ledgerOptions: (handle: LedgerStoreHandle) => ({ snapshots: snapshotsOf(context, handle), snapshotEvery: 2 }) }]
      : []),
  ];

  for (const variant of variants) {
    describe(variant.label, () => {
      const ledgerOn = (handle: LedgerStoreHandle, extra: Omit<LedgerOptions, 'store'> = {}) => createLedger({ store: handle.store, ...variant.ledgerOptions(handle), ...extra });

      it('applies a command once; the second delivery returns the first events and writes nothing', async () => {
        const { store } = context.setup();
        const orgId = uniqueOrgId('once');
        const ledger = ledgerOn(context.setup());
        await runAll(ledger, sampleOrganizationCommands(orgId));
        const command: Command = { type: 'DeactivateLearners', orgId, learnerIds: ['0001', '0002'] };
        const first = right(await ledger.execute(command, adminContext({ commandId: 'cmd-42' })));
        expect(first.status).toBe('applied');
        const version = await versionOf(store, orgId);
        const second = right(await ledger.execute(command, adminContext({ commandId: 'cmd-42' })));
        expect(second.status).toBe('duplicate');
        expect(second.events).toEqual(first.events);
        expect([second.firstPosition, second.lastPosition]).toEqual([first.firstPosition, first.lastPosition]);
        expect(await versionOf(store, orgId)).toBe(version);
      });

      it('recognises the duplicate from another ledger on the store and from another process, after other commands', async () => {
        const { store } = context.setup();
        const orgId = uniqueOrgId('shared');
        const a = ledgerOn(context.setup());
        const b = ledgerOn(context.setup());
        await runAll(a, sampleOrganizationCommands(orgId));
        const registration = register(orgId, '0005', ['sales']);
        const first = right(await a.execute(registration, adminContext({ commandId: 'reg-5' })));
        await runAll(a, [{ type: 'DeactivateLearners', orgId, learnerIds: ['0005'] }, { type: 'CreateTeam', orgId, name: 'Marketing' }]);
        const version = await versionOf(store, orgId);
        const handle = await context.other();
        try {
          for (const ledger of [b, ledgerOn(handle)]) {
            const again = right(await ledger.execute(registration, adminContext({ commandId: 'reg-5' })));
            expect(again.status).toBe('duplicate');
            expect(again.events.map((e) => e.event)).toEqual(first.events.map((e) => e.event));
            expect(again.events.map((e) => e.metadata.eventId)).toEqual(first.events.map((e) => e.metadata.eventId));
            // The learner stays deactivated: the repeated registration did not bring them back.
            expect(right(await ledger.state(orgId)).learners.get('0005')!.status).toBe('inactive');
          }
        } finally {
          await handle.close?.();
        }
        expect(await versionOf(store, orgId)).toBe(version);
      });

      it('scopes command ids to their organization', async () => {
        const orgId = uniqueOrgId('scope');
        const ledger = ledgerOn(context.setup());
        right(await ledger.execute(sampleOrganizationCommands(orgId)[0]!, adminContext({ commandId: 'c-1' })));
        const other = right(await ledger.execute(sampleOrganizationCommands(`${orgId}-1`)[0]!, adminContext({ commandId: 'c-1' })));
        expect(other.status).toBe('applied');
      });

      it('decides again a command that was refused or changed nothing', async () => {
        const orgId = uniqueOrgId('again');
        const ledger = ledgerOn(context.setup());
        await runAll(ledger, sampleOrganizationCommands(orgId, 4));
        expect(left(await ledger.execute(register(orgId, '0005'), adminContext({ commandId: 'r5' }))).code).toBe('LICENSE_POOL_EXHAUSTED');
        await runAll(ledger, [{ type: 'ResizeLicensePool', orgId, seats: 5 }]);
        expect(right(await ledger.execute(register(orgId, '0005'), adminContext({ commandId: 'r5' }))).status).toBe('applied');
        const unchanged = right(await ledger.execute({ type: 'ReactivateLearner', orgId, learnerId: '0005' }, adminContext({ commandId: 'u' })));
        expect(unchanged.status).toBe('unchanged');
        expect(unchanged.outcomes).toEqual([expect.objectContaining({ status: 'skipped', code: 'ALREADY_ACTIVE' })]);
      });
    });
  }

  if (context.options.snapshots) {
    it('keeps recognising a command id once the snapshot has moved past it', async () => {
      const setup = context.setup();
      const { store } = setup;
      const orgId = uniqueOrgId('snapped');
      const ledger = createLedger({ store, snapshots: snapshotsOf(context, setup), snapshotEvery: 2 });
      await runAll(ledger, sampleOrganizationCommands(orgId));
      const command: Command = { type: 'DeactivateLearners', orgId, learnerIds: ['0004'] };
      const first = right(await ledger.execute(command, adminContext({ commandId: 'before-the-snapshot' })));
      await runAll(ledger, [register(orgId, '0005'), register(orgId, '0006')]);
      await ledger.flushSnapshots();
      expect((await snapshotsOf(context, setup).load(orgId))!.streamVersion).toBeGreaterThan(first.streamVersion);
      const version = await versionOf(store, orgId);
      const again = right(await createLedger({ store, snapshots: snapshotsOf(context, setup) }).execute(command, adminContext({ commandId: 'before-the-snapshot' })));
      expect(again.status).toBe('duplicate');
      expect(again.events.map((e) => e.metadata.eventId)).toEqual(first.events.map((e) => e.metadata.eventId));
      expect(await versionOf(store, orgId)).toBe(version);
    });
  }
};
