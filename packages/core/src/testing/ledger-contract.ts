// Only the package's public API: the ledger is used as a user's code uses it.
import { createLedger, decodeEvent, listOrganizationIds, readAllBatches, type Command, type CommandContext, type StoredEvent } from '../index.js';
import { adminContext, sampleOrganizationCommands } from './fixtures.js';
import { describeChainOnStore } from './ledger-contract-chain.js';
import { describeConcurrentWriters } from './ledger-contract-concurrency.js';
import { describeIdempotency } from './ledger-contract-idempotency.js';
import { describeTenantIsolation } from './ledger-contract-isolation.js';
import {
  commandIdOf,
  left,
  register,
  right,
  runAll,
  streamOf,
  uniqueOrgId,
  versionOf,
  type LedgerContractContext,
  type LedgerContractFactory,
  type LedgerContractOptions,
  type LedgerContractSetup,
  type LedgerStoreHandle,
} from './ledger-contract-support.js';

export type { LedgerContractFactory, LedgerContractOptions, LedgerContractSetup, LedgerStoreHandle } from './ledger-contract-support.js';

/**
 * The ledger contract: what `createLedger` does on a store — commands,
 * idempotency by command id, retries after a concurrent write, refusals as
 * values, the all-or-nothing bulk deactivation, tenant isolation. Every store
 * runs it: `describeLedgerContract('sqlite', factory)`. Tests use organization
 * ids of their own, so one store (or one shared server) serves the whole
 * suite. Uses the Jest globals (`describe`, `it`, `expect`).
 */
export const describeLedgerContract = (name: string, factory: LedgerContractFactory, options: LedgerContractOptions = {}): void => {
  describe(`ledger contract: ${name}`, () => {
    let setup: LedgerContractSetup | undefined;
    beforeAll(async () => {
      setup = await factory();
    });
    afterAll(async () => {
      if (setup?.teardown) await setup.teardown();
      else await setup?.store.close();
    });
    const context: LedgerContractContext = {
      name,
      options,
      setup: () => {
        if (!setup) throw new Error(`${name}: the factory of the ledger contract did not finish`);
        return setup;
      },
      other: async (): Promise<LedgerStoreHandle> => {
        const current = context.setup();
        return current.reopen ? current.reopen() : current;
      },
    };

    it('runs an organization and a deactivation with the move; the same command again is recognised; a fresh ledger folds the same state', async () => {
      const { store } = context.setup();
      const orgId = uniqueOrgId('profile');
      const ledger = createLedger({ store });
      await runAll(ledger, sampleOrganizationCommands(orgId));
      const command: Command = { type: 'DeactivateLearners', orgId, learnerIds: ['0002'] };
      const deactivation = right(await ledger.execute(command, adminContext({ channel: 'learner-profile', commandId: 'deactivate-0002' })));
      expect(deactivation.status).toBe('applied');
      expect(deactivation.events.map((e) => e.event.type)).toEqual(['TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased']);
      const again = right(await ledger.execute(command, adminContext({ commandId: 'deactivate-0002' })));
      expect(again.status).toBe('duplicate');
      expect(again.firstPosition).toBe(deactivation.firstPosition);

      const state = right(await createLedger({ store }).state(orgId));
      expect(state.licensesInUse).toBe(3);
      expect(state.learners.get('0002')?.status).toBe('inactive');
      expect(state.learners.get('0002')?.teams).toEqual(['inactive-learners']);
      expect(state.learners.get('0002')?.teamsBeforeDeactivation).toEqual(['sales', 'support']);
      expect(await listOrganizationIds(store)).toContain(orgId);
      // Every stored event decodes, in stream order.
      const stream = await streamOf(store, orgId);
      expect(stream.events.map((e) => e.streamVersion)).toEqual(stream.events.map((_, i) => i + 1));
      for (const stored of stream.events) expect(decodeEvent(stored)._tag).toBe('Right');
    });

    it('deactivates several learners in one command with the move, and a ledger on a reopened store reads it all back and knows the command id', async () => {
      const { store } = context.setup();
      const orgId = uniqueOrgId('draft');
      const start = await store.headPosition();
      const ledger = createLedger({ store });
      await runAll(ledger, sampleOrganizationCommands(orgId));
      const deactivation: Command = { type: 'DeactivateLearners', orgId, learnerIds: ['0002', '0003'], reason: 'left the company' };
      const draft = adminContext({ channel: 'learner-draft', commandId: 'deactivate-0002-0003' });
      const applied = right(await ledger.execute(deactivation, draft));
      expect(applied.status).toBe('applied');
      expect(applied.events.map((e) => e.event.type)).toEqual(['TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased', 'TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased']);
      expect(right(await ledger.execute(deactivation, draft)).status).toBe('duplicate');

      const handle = await context.other();
      try {
        const fresh = createLedger({ store: handle.store });
        const state = right(await fresh.state(orgId));
        expect(state.inactiveTeamId).toBe('inactive-learners');
        expect(state.learners.get('0002')).toMatchObject({ status: 'inactive', teams: ['inactive-learners'], licenseId: null });
        expect(state.learners.get('0003')).toMatchObject({ status: 'inactive', teams: ['inactive-learners'], licenseId: null });
        expect(state.learners.get('0001')).toMatchObject({ status: 'active' });
        expect(state.licensesInUse).toBe(2);
        expect(right(await fresh.execute(deactivation, draft)).status).toBe('duplicate');
        expect((await listOrganizationIds(handle.store)).filter((id) => id.startsWith(orgId))).toEqual([orgId]);
        // The global log holds the organization's events in stream order, each once.
        const stream = await streamOf(handle.store, orgId);
        const logged: StoredEvent[] = [];
        for await (const batch of readAllBatches(handle.store, { after: start, maxCount: 7 })) logged.push(...batch.events.filter((e) => e.streamId === stream.streamId));
        expect(logged.map((e) => e.eventId)).toEqual(stream.events.map((e) => e.eventId));
      } finally {
        await handle.close?.();
      }
    });

    it('refuses as values with stable codes and messages, writing nothing', async () => {
      const { store } = context.setup();
      const orgId = uniqueOrgId('refusals');
      const ledger = createLedger({ store });
      await runAll(ledger, sampleOrganizationCommands(orgId, 4));
      const version = await versionOf(store, orgId);
      const refusals: [Command, string, Partial<CommandContext>?][] = [
        [register(orgId, '0005'), 'LICENSE_POOL_EXHAUSTED'],
        [{ ...register(orgId, '0001'), email: 'someone.else@acme.test' }, 'DUPLICATE_LEARNER_ID'],
        [{ ...register(orgId, '0005'), email: 'ADA@acme.test' }, 'DUPLICATE_EMAIL'],
        [{ type: 'ResizeLicensePool', orgId, seats: 3 }, 'SEATS_BELOW_IN_USE'],
        [{ type: 'DeactivateLearners', orgId, learnerIds: ['ghost'] }, 'LEARNER_NOT_FOUND'],
        [{ type: 'ResizeLicensePool', orgId: `${orgId}-missing`, seats: 5 }, 'ORGANIZATION_NOT_FOUND'],
        [{ type: 'ResizeLicensePool', orgId: `${orgId}/..`, seats: 5 }, 'INVALID_ORGANIZATION_ID'],
        [{ type: 'ResizeLicensePool', orgId, seats: 5 }, 'INVALID_INSTANT', { now: 'yesterday' }],
      ];
      for (const [command, code, given] of refusals) {
        const refused = left(await ledger.execute(command, adminContext(given ?? {})));
        expect(refused.code).toBe(code);
        expect(refused.message.length).toBeGreaterThan(10);
      }
      expect(await versionOf(store, orgId)).toBe(version);
      // A learner already inactive is skipped and reported: nothing to write is not a refusal.
      const deactivated = right(await ledger.execute({ type: 'DeactivateLearners', orgId, learnerIds: ['0001'] }, adminContext()));
      const skipped = right(await ledger.execute({ type: 'DeactivateLearners', orgId, learnerIds: ['0001'] }, adminContext()));
      expect(skipped.status).toBe('unchanged');
      expect(skipped.outcomes).toEqual([expect.objectContaining({ subject: '0001', status: 'skipped', code: 'ALREADY_INACTIVE' })]);
      expect(await versionOf(store, orgId)).toBe(deactivated.streamVersion);
    });

    describe('bulk deactivation, one decision', () => {
      it('writes nothing when any learner fails, without partial', async () => {
        const { store } = context.setup();
        const orgId = uniqueOrgId('bulk');
        const ledger = createLedger({ store });
        await runAll(ledger, sampleOrganizationCommands(orgId));
        const version = await versionOf(store, orgId);
        const error = left(await ledger.execute({ type: 'DeactivateLearners', orgId, learnerIds: ['0001', 'ghost', '0003', 'phantom'] }, adminContext()));
        expect(error.code).toBe('BATCH_REJECTED');
        expect(error.errors?.map((e) => [e.code, e.subject])).toEqual([['LEARNER_NOT_FOUND', 'ghost'], ['LEARNER_NOT_FOUND', 'phantom']]);
        expect(await versionOf(store, orgId)).toBe(version);
        const state = right(await createLedger({ store }).state(orgId));
        expect(['0001', '0002', '0003', '0004'].map((id) => state.learners.get(id)!.status)).toEqual(['active', 'active', 'active', 'active']);
        expect(state.licensesInUse).toBe(4);
      });

      it('applies the valid part with partial, each learner moved, switched off and released together', async () => {
        const { store } = context.setup();
        const orgId = uniqueOrgId('partial');
        const ledger = createLedger({ store });
        await runAll(ledger, sampleOrganizationCommands(orgId));
        const result = right(await ledger.execute({ type: 'DeactivateLearners', orgId, learnerIds: ['0001', 'ghost', '0003'], partial: true }, adminContext({ commandId: 'partly' })));
        expect(result.outcomes.map((o) => [o.subject, o.status, o.code])).toEqual([
          ['0001', 'applied', undefined],
          ['ghost', 'rejected', 'LEARNER_NOT_FOUND'],
          ['0003', 'applied', undefined],
        ]);
        const written = (await streamOf(store, orgId)).events.filter((e) => commandIdOf(e) === 'partly');
        expect(written.map((e) => [e.type, (e.data as { learnerId: string }).learnerId])).toEqual([
          ['TeamMembershipChanged', '0001'], ['LearnerDeactivated', '0001'], ['LicenseReleased', '0001'],
          ['TeamMembershipChanged', '0003'], ['LearnerDeactivated', '0003'], ['LicenseReleased', '0003'],
        ]);
        expect(written.map((e) => e.streamVersion)).toEqual(written.map((_, i) => written[0]!.streamVersion + i));
        expect(right(await createLedger({ store }).state(orgId)).licensesInUse).toBe(2);
      });
    });


    describeIdempotency(context);
    describeConcurrentWriters(context);
    describeTenantIsolation(context);
    describeChainOnStore(context);
  });
};
