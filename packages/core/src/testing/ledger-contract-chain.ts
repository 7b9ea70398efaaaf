import * as E from 'fp-ts/lib/Either.js';
import { chainDigest, createLedger, proveEvent, verifyChain, verifyEventProof, type Command } from '../index.js';
import { adminContext, sampleOrganizationCommands } from './fixtures.js';
import { register, runAll, uniqueOrgId, type LedgerContractContext } from './ledger-contract-support.js';

/** The hash chain on a store: whatever the writers, the stream the ledgers write verifies, and its digest proves its events. */
export const describeChainOnStore = (context: LedgerContractContext): void => {
  describe('hash chain', () => {
    it('two ledgers racing on one organization (one on a reopened store) leave a stream whose chain verifies; a digest proves its events', async () => {
      const { store } = context.setup();
      const orgId = uniqueOrgId('chain');
      const first = createLedger({ store });
      await runAll(first, sampleOrganizationCommands(orgId, 100));
      const handle = await context.other();
      try {
        const second = createLedger({ store: handle.store });
        const commands = (from: number): Command[] => Array.from({ length: 12 }, (_, i) => register(orgId, String(from + i).padStart(4, '0')));
        await Promise.all([...commands(100).map((c) => first.execute(c, adminContext())), ...commands(200).map((c) => second.execute(c, adminContext()))]);
        await second.execute({ type: 'DeactivateLearners', orgId, learnerIds: ['0101', '0201'] }, adminContext());
        await first.execute({ type: 'DeactivateLearners', orgId, learnerIds: ['0102', '0202'] }, adminContext());
        const verification = await verifyChain(store, orgId);
        expect(verification.mismatch).toBeUndefined();
        expect(verification.unchainedEvents).toBe(0);
        expect(verification.events).toBe((await store.readStream(`learner-ledger.org-${orgId}`)).currentVersion);
        const digest = await chainDigest(handle.store, orgId);
        if (E.isLeft(digest)) throw new Error(digest.left.message);
        expect(digest.right.hash).toBe(verification.head.hash);
        const proof = await proveEvent(store, orgId, Math.ceil(digest.right.streamVersion / 2), { digest: digest.right });
        if (E.isLeft(proof)) throw new Error(proof.left.message);
        expect(E.isRight(verifyEventProof(proof.right, digest.right))).toBe(true);
      } finally {
        if (handle !== context.setup()) await handle.close?.();
      }
    });
  });
};
