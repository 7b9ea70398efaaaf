import * as E from 'fp-ts/lib/Either.js';
import {
  createLedger,
  ERASED,
  InMemoryEventStore,
  InMemoryPersonalDataKeys,
  InMemorySnapshotStore,
  organizationStreamId,
  readAllBatches,
  SealedEventStore,
  serializeOrganizationState,
  verifyChain,
  type Command,
  type CommandContext,
  type EventStore,
  type Ledger,
  type PersonalDataKeys,
} from '../src/index.js';
import { decodeSnapshot } from '../src/snapshots/snapshot-decode.js';
import { describeErasureContract } from '../src/testing/index.js';
import { acme, learner } from './support.js';

const at = (now: string): CommandContext => ({ actor: { kind: 'admin', id: 'jo' }, channel: 'api', now });
const T0 = '2026-03-02T09:00:00.000Z';
const LATER = '2026-03-03T09:00:00.000Z';
const erase = (learnerId = '0001', reason = 'asked to be forgotten'): Command => ({ type: 'EraseLearnerPersonalData', orgId: 'acme', learnerId, reason });
const deactivate = (learnerId = '0001'): Command => ({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: [learnerId] });

const run = async (ledger: Ledger, commands: readonly Command[], now = T0) => {
  for (const command of commands) {
    const result = await ledger.execute(command, at(now));
    if (E.isLeft(result)) throw new Error(`${command.type}: ${result.left.message}`);
  }
};
const allText = async (store: EventStore): Promise<string> => {
  const parts: string[] = [];
  for await (const batch of readAllBatches(store)) for (const event of batch.events) parts.push(JSON.stringify({ data: event.data, metadata: event.metadata }));
  return parts.join('\n');
};
const state = async (ledger: Ledger) => {
  const result = await ledger.state('acme');
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

describe('sealed personal data', () => {
  it('stores names, e-mails and employee ids sealed, reads them open, and chains the sealed form', async () => {
    const raw = new InMemoryEventStore();
    const ledger = createLedger({ store: raw, personalData: raw.personalDataKeys() });
    await run(ledger, [...acme(), learner('0003', { employeeId: 'E-77', email: 'ann.smith@acme.test', firstName: 'Ann', lastName: 'Smith' })]);
    await run(ledger, [{ type: 'UpdateLearnerProfile', orgId: 'acme', learnerId: '0003', changes: { lastName: 'Smythe' } }]);
    const stored = await allText(raw);
    for (const value of ['ann.smith@acme.test', 'Smith', 'Smythe', 'E-77', '0001@acme.test']) expect(stored).not.toContain(value);
    const opened = await allText(ledger.store);
    for (const value of ['ann.smith@acme.test', 'Smith', 'Smythe', 'E-77']) expect(opened).toContain(value);
    expect((await state(ledger)).learners.get('0003')).toMatchObject({ email: 'ann.smith@acme.test', lastName: 'Smythe', employeeId: 'E-77' });
    expect((await verifyChain(raw, 'acme')).mismatch).toBeUndefined();
    // A new ledger over the same store folds the same state from the sealed events.
    const again = createLedger({ store: raw, personalData: raw.personalDataKeys() });
    expect((await state(again)).learners.get('0003')).toMatchObject({ email: 'ann.smith@acme.test', lastName: 'Smythe' });
  });

  it('anchors sealed events written without the chain on their sealed form', async () => {
    const raw = new InMemoryEventStore();
    await run(createLedger({ store: raw, personalData: raw.personalDataKeys(), chain: false }), acme());
    await run(createLedger({ store: raw, personalData: raw.personalDataKeys() }), [learner('0003', { active: false })]);
    const verification = await verifyChain(raw, 'acme');
    expect(verification.unchainedEvents).toBeGreaterThan(0);
    expect(verification.mismatch).toBeUndefined();
  });

  it('leaves a sealed value that does not open as stored, so decoding names the event', async () => {
    const raw = new InMemoryEventStore();
    const ledger = createLedger({ store: raw, personalData: raw.personalDataKeys() });
    await run(ledger, acme());
    const other = new SealedEventStore(raw, new InMemoryPersonalDataKeys());
    await other.keysForWriting('acme', ['0001']);
    const { events } = await other.readStream(organizationStreamId('acme'));
    const registered = events.find((event) => event.type === 'LearnerRegistered')!;
    expect(registered.data).toHaveProperty('sealed');
    expect(registered.data).not.toHaveProperty('email');
  });
});

describe('erasure', () => {
  const setUp = async (keys?: PersonalDataKeys) => {
    const raw = new InMemoryEventStore();
    const ledger = createLedger({ store: raw, personalData: keys ?? raw.personalDataKeys() });
    await run(ledger, [...acme(), deactivate()]);
    return { raw, ledger };
  };

  it('refuses an active learner, and an inactive one before the retention period is over', async () => {
    const { ledger } = await setUp();
    const active = await ledger.execute(erase('0002'), at(LATER));
    expect(E.isLeft(active) && active.left.code).toBe('LEARNER_STILL_ACTIVE');
    await run(ledger, [{ type: 'SetRetentionPeriod', orgId: 'acme', days: 30 }], LATER);
    const early = await ledger.execute(erase(), at('2026-03-31T09:00:00.000Z'));
    expect(E.isLeft(early) && early.left.code).toBe('RETENTION_PERIOD_NOT_OVER');
    const due = await ledger.execute(erase(), at('2026-04-01T09:00:00.000Z'));
    expect(E.isRight(due) && due.right.status).toBe('applied');
  });

  it('erases the learner everywhere, keeps counts and teams, frees the e-mail, and the chain still verifies', async () => {
    const { raw, ledger } = await setUp();
    const before = await state(ledger);
    const learnerBefore = before.learners.get('0001')!;
    const result = await ledger.execute(erase(), at(LATER));
    expect(E.isRight(result) && result.right.events.map((change) => change.event)).toEqual([{ type: 'LearnerPersonalDataErased', data: { learnerId: '0001', reason: 'asked to be forgotten' } }]);
    const after = await state(ledger);
    expect(after.learners.get('0001')).toEqual({ ...learnerBefore, email: ERASED, firstName: ERASED, lastName: ERASED, employeeId: ERASED });
    expect(after.licensesInUse).toBe(before.licensesInUse);
    expect(after.learners.size).toBe(before.learners.size);
    for (const text of [await allText(raw), await allText(ledger.store)]) expect(text).not.toContain('0001@acme.test');
    // A fresh ledger (no cache, no key) reads the same.
    const fresh = createLedger({ store: raw, personalData: raw.personalDataKeys() });
    expect((await state(fresh)).learners.get('0001')).toMatchObject({ email: ERASED, lastName: ERASED, status: 'inactive' });
    expect((await verifyChain(raw, 'acme')).mismatch).toBeUndefined();
    await run(ledger, [learner('0009', { email: '0001@acme.test', active: false })], LATER);
    for (const command of [learner('0001', { email: 'new@acme.test' }), { type: 'ReactivateLearner', orgId: 'acme', learnerId: '0001' } as Command, { type: 'UpdateLearnerProfile', orgId: 'acme', learnerId: '0001', changes: { firstName: 'X' } } as Command]) {
      const refused = await ledger.execute(command, at(LATER));
      expect(E.isLeft(refused) && refused.left.code).toBe('LEARNER_ERASED');
    }
  });

  it('replaces the snapshot taken before the erasure', async () => {
    const raw = new InMemoryEventStore();
    const snapshots = new InMemorySnapshotStore();
    const ledger = createLedger({ store: raw, personalData: raw.personalDataKeys(), snapshots, snapshotEvery: 1 });
    await run(ledger, [...acme(), deactivate()]);
    await ledger.flushSnapshots();
    const text = async (bytes: Uint8Array): Promise<string> => {
      const decoded = await decodeSnapshot(bytes);
      if (E.isLeft(decoded)) throw new Error(decoded.left);
      return JSON.stringify(serializeOrganizationState(decoded.right.state));
    };
    expect(await text((await snapshots.load('acme'))!.bytes)).toContain('0001@acme.test');
    await run(ledger, [erase()], LATER);
    const snapshot = (await snapshots.load('acme'))!;
    expect(snapshot.streamVersion).toBe((await raw.readStream(organizationStreamId('acme'))).currentVersion);
    const restored = createLedger({ store: raw, personalData: raw.personalDataKeys(), snapshots });
    expect((await state(restored)).learners.get('0001')).toMatchObject({ email: ERASED });
    expect(await text(snapshot.bytes)).not.toContain('0001@acme.test');
  });

  it('reads as erased when the key outlived the erasure event, and erasing again finishes the shredding', async () => {
    const keys = new InMemoryPersonalDataKeys();
    let failShred = true;
    const flaky: PersonalDataKeys = {
      keysOf: (orgId, ids) => keys.keysOf(orgId, ids),
      ensureKeys: (orgId, ids) => keys.ensureKeys(orgId, ids),
      shred: (orgId, ids) => (failShred ? Promise.reject(new Error('key store went away')) : keys.shred(orgId, ids)),
    };
    const { ledger } = await setUp(flaky);
    const first = await ledger.execute(erase(), at(LATER));
    expect(E.isLeft(first) && first.left.code).toBe('STORE_FAILURE');
    expect((await state(ledger)).learners.get('0001')).toMatchObject({ email: ERASED });
    expect((await keys.keysOf('acme', ['0001'])).size).toBe(1);
    failShred = false;
    const second = await ledger.execute(erase(), at(LATER));
    expect(E.isRight(second) && second.right.outcomes).toEqual([expect.objectContaining({ code: 'ALREADY_ERASED' })]);
    expect((await keys.keysOf('acme', ['0001'])).size).toBe(0);
  });

  it('refuses to erase a learner whose personal data was written in plain text', async () => {
    const raw = new InMemoryEventStore();
    await run(createLedger({ store: raw }), [...acme(), deactivate()]);
    const ledger = createLedger({ store: raw, personalData: raw.personalDataKeys() });
    const refused = await ledger.execute(erase(), at(LATER));
    expect(E.isLeft(refused) && refused.left).toMatchObject({ code: 'PERSONAL_DATA_NOT_SEALED', subject: '0001' });
    expect(E.isLeft(refused) && refused.left.message).toContain('plain text');
    // Learners registered after sealing started can be erased.
    await run(ledger, [learner('0005', { active: false })], LATER);
    const later = await ledger.execute(erase('0005'), at(LATER));
    expect(E.isRight(later) && later.right.status).toBe('applied');
    expect((await verifyChain(raw, 'acme')).mismatch).toBeUndefined();
  });

  it('opens another writer’s events read under the store lock', async () => {
    const raw = new InMemoryEventStore({ lockedAppends: true });
    const keys = raw.personalDataKeys();
    const one = createLedger({ store: raw, personalData: keys });
    const two = createLedger({ store: raw, personalData: keys });
    await run(one, acme());
    await run(two, [learner('0003', { active: false })]);
    await run(one, [learner('0004', { active: false })]);
    expect((await state(one)).learners.get('0003')).toMatchObject({ email: '0003@acme.test' });
    expect((await verifyChain(raw, 'acme')).mismatch).toBeUndefined();
  });
});

describeErasureContract('memory', async () => {
  const store = new InMemoryEventStore();
  const snapshots = new InMemorySnapshotStore();
  const withSnapshots = Object.assign(Object.create(store) as InMemoryEventStore, { snapshotStore: () => snapshots });
  return { store: withSnapshots, keys: store.personalDataKeys(), rowsAsText: () => allText(store), close: () => Promise.resolve() };
});
