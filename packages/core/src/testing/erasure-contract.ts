import * as E from 'fp-ts/lib/Either.js';
import { verifyChain } from '../chain/audit.js';
import type { Command } from '../commands.js';
import type { CommandContext } from '../ledger/types.js';
import { createLedger } from '../ledger/ledger.js';
import { ERASED } from '../personal/erased.js';
import type { PersonalDataKeys } from '../personal/keys.js';
import { serializeOrganizationState } from '../snapshots/state-codec.js';
import { decodeSnapshot } from '../snapshots/snapshot-decode.js';
import { readAllBatches, type EventStore } from '../store/port.js';

/** What the erasure contract needs of a store: the store, its keys, and every row it keeps as text. */
export interface ErasureContractSetup {
  readonly store: EventStore;
  readonly keys: PersonalDataKeys;
  /** Every row of every table the store keeps (events, keys, snapshots' headers), as text: what someone with the database could read. */
  readonly rowsAsText: () => Promise<string>;
  readonly close: () => Promise<void>;
}

const at = (now: string): CommandContext => ({ actor: { kind: 'admin', id: 'dpo' }, channel: 'api', now });
const T0 = '2026-03-02T09:00:00.000Z';
const T1 = '2026-04-15T09:00:00.000Z';

/**
 * The contract of a store's personal-data keys, and of erasure on it: keys
 * made once and read in batches, shredded for good, and after an erasure the
 * learner's name and e-mail are nowhere in the store — events, keys or the
 * snapshot — while the chain still verifies.
 */
export const describeErasureContract = (name: string, factory: () => Promise<ErasureContractSetup>): void => {
  describe(`${name}: personal-data keys and erasure`, () => {
    let setup: ErasureContractSetup;
    beforeEach(async () => {
      setup = await factory();
    });
    afterEach(async () => {
      await setup.close();
    });

    it('makes a key once per learner, reads many in one call, and never makes a shredded key again', async () => {
      const { keys } = setup;
      const ids = Array.from({ length: 1200 }, (_, i) => `L${i}`);
      const made = await keys.ensureKeys('acme', ids);
      expect(made.size).toBe(ids.length);
      expect(made.get('L1')).toHaveLength(32);
      const again = await keys.ensureKeys('acme', ['L1', 'L2']);
      expect(Buffer.from(again.get('L1')!).equals(Buffer.from(made.get('L1')!))).toBe(true);
      expect((await keys.keysOf('acme', [...ids, 'unknown'])).size).toBe(ids.length);
      expect((await keys.keysOf('globex', ['L1'])).size).toBe(0);
      await keys.shred('acme', ['L1', 'never-had-one']);
      await keys.shred('acme', ['L1']);
      expect((await keys.keysOf('acme', ['L1', 'L2'])).has('L1')).toBe(false);
      expect((await keys.ensureKeys('acme', ['L1', 'never-had-one', 'L3'])).size).toBe(1);
    });

    it('writers making keys for the same learners at once, in opposite orders, all get the one key each learner keeps', async () => {
      const { keys } = setup;
      const ids = Array.from({ length: 300 }, (_, i) => `R${String(i).padStart(3, '0')}`);
      await keys.ensureKeys('acme', ['R010']);
      await keys.shred('acme', ['R020']);
      const calls = await Promise.all([keys.ensureKeys('acme', ids), keys.ensureKeys('acme', [...ids].reverse()), keys.ensureKeys('acme', ids.slice(100, 200))]);
      const stored = await keys.keysOf('acme', ids);
      expect(stored.size).toBe(ids.length - 1);
      expect(stored.has('R020')).toBe(false);
      for (const made of calls) {
        expect(made.has('R020')).toBe(false);
        for (const [learnerId, key] of made) expect(Buffer.from(key).equals(Buffer.from(stored.get(learnerId)!))).toBe(true);
      }
      expect(calls[0]!.size).toBe(ids.length - 1);
      expect(calls[1]!.size).toBe(ids.length - 1);
      expect(calls[2]!.size).toBe(100);
    });

    it('after an erasure, the learner is erased in every read and in no row of the store, and the chain verifies', async () => {
      const { store, keys } = setup;
      const ledger = createLedger({ store, personalData: keys, snapshotEvery: 1 });
      const commands: Command[] = [
        { type: 'OnboardOrganization', orgId: 'acme', name: 'Acme', seats: 5, timeZone: 'UTC' },
        { type: 'RegisterLearner', orgId: 'acme', learnerId: '0001', email: 'zelda.quist@acme.test', firstName: 'Zelda', lastName: 'Quistorff', employeeId: 'EMP-9931' },
        { type: 'RegisterLearner', orgId: 'acme', learnerId: '0002', email: 'kept.person@acme.test', firstName: 'Kept', lastName: 'Person' },
        { type: 'UpdateLearnerProfile', orgId: 'acme', learnerId: '0001', changes: { lastName: 'Quistorffson' } },
        { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001'] },
        { type: 'SetRetentionPeriod', orgId: 'acme', days: 30 },
      ];
      for (const command of commands) expect(E.isRight(await ledger.execute(command, at(T0)))).toBe(true);
      await ledger.flushSnapshots();
      const erased = await ledger.execute({ type: 'EraseLearnerPersonalData', orgId: 'acme', learnerId: '0001', reason: 'retention over' }, at(T1));
      expect(E.isRight(erased) && erased.right.status).toBe('applied');
      await ledger.flushSnapshots();
      const rows = await setup.rowsAsText();
      for (const value of ['zelda.quist@acme.test', 'Zelda', 'Quistorff', 'EMP-9931']) expect(rows).not.toContain(value);
      const opened: string[] = [];
      for await (const batch of readAllBatches(ledger.store)) for (const event of batch.events) opened.push(JSON.stringify(event.data));
      for (const value of ['zelda.quist@acme.test', 'Zelda', 'Quistorff', 'EMP-9931']) expect(opened.join('\n')).not.toContain(value);
      expect(opened.join('\n')).toContain('kept.person@acme.test');
      const snapshot = await store.snapshotStore?.()?.load('acme');
      if (snapshot) {
        const decoded = await decodeSnapshot(snapshot.bytes);
        const text = E.isRight(decoded) ? JSON.stringify(serializeOrganizationState(decoded.right.state)) : '';
        expect(text).toContain('kept.person@acme.test');
        expect(text).not.toContain('Zelda');
      }
      const fresh = createLedger({ store, personalData: keys });
      const state = await fresh.state('acme');
      expect(E.isRight(state) && state.right.learners.get('0001')).toMatchObject({ email: ERASED, firstName: ERASED, lastName: ERASED, employeeId: ERASED, status: 'inactive' });
      expect(E.isRight(state) && state.right.licensesInUse).toBe(1);
      expect((await verifyChain(store, 'acme')).mismatch).toBeUndefined();
    });
  });
};
