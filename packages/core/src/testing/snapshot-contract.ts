import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { Command } from '../commands.js';
import type { DomainError } from '../errors.js';
import { createLedger, type Ledger } from '../ledger/index.js';
import type { OrganizationState } from '../organization/state.js';
import { SNAPSHOT_CODE_VERSION, SNAPSHOT_SCHEMA_VERSION, type OrganizationSnapshot, type SnapshotStore } from '../snapshots/port.js';
import { decodeSnapshot, type DecodedSnapshot } from '../snapshots/snapshot-decode.js';
import { captureSnapshot, encodeSnapshot } from '../snapshots/snapshot-encode.js';
import { serializeOrganizationState } from '../snapshots/state-codec.js';
import type { EventStore } from '../store/port.js';
import { adminContext } from './fixtures.js';
import { uniqueStreamId } from './store-contract.js';

/**
 * The snapshot-store contract: what every snapshot store keeps and hands back,
 * and what a ledger over it does with good, stale and foreign snapshots.
 * `describeSnapshotStoreContract('sqlite', factory)`; uses the Jest globals.
 */
export interface SnapshotStoreFactoryResult {
  readonly store: EventStore;
  readonly snapshots: SnapshotStore;
  /** A second, independent handle on the same event store and snapshots (another process). Default: the same objects. */
  readonly reopen?: () => Promise<{ readonly store: EventStore; readonly snapshots: SnapshotStore; readonly close?: () => Promise<void> }>;
  readonly teardown?: () => Promise<void>;
}
export type SnapshotStoreFactory = () => Promise<SnapshotStoreFactoryResult>;

const right = <T>(result: E.Either<DomainError, T>): T => {
  if (E.isLeft(result)) throw new Error(`${result.left.code}: ${result.left.message}`);
  return result.right;
};

/** A fresh organization id per test, so suites may share one database. */
const uniqueOrgId = (): string => uniqueStreamId('snap').replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 60);

const organization = (orgId: string, learners: number, seats = learners): Command[] => [
  { type: 'OnboardOrganization', orgId, name: 'Snapshot Corp', seats, timeZone: 'Europe/Paris' },
  { type: 'CreateTeam', orgId, name: 'Sales' },
  ...Array.from({ length: learners }, (_, i): Command => ({
    type: 'RegisterLearner',
    orgId,
    learnerId: `L${String(i).padStart(4, '0')}`,
    email: `l${i}@snapshot.test`,
    firstName: 'Ada',
    lastName: `Number ${i}`,
    teams: i % 2 === 0 ? ['sales'] : [],
  })),
];

const run = async (ledger: Ledger, commands: readonly Command[], idPrefix: string): Promise<void> => {
  let n = 0;
  for (const command of commands) right(await ledger.execute(command, adminContext({ commandId: `${idPrefix}-${n++}` })));
};

/** Bytes that are hard to keep whole: every byte value, zeros, and `length` in all. */
const awkwardBytes = (length: number, seed = 1): Uint8Array => {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    bytes[i] = i % 7 === 0 ? 0 : x >>> 24;
  }
  return bytes;
};

const sample = (orgId: string, overrides: Partial<OrganizationSnapshot> = {}): OrganizationSnapshot => ({
  orgId,
  streamVersion: 5,
  lastEventId: 'event-5',
  schemaVersion: SNAPSHOT_SCHEMA_VERSION,
  codeVersion: SNAPSHOT_CODE_VERSION,
  bytes: awkwardBytes(64),
  ...overrides,
});

/** The snapshot as plain values (the bytes as their length and SHA-256), to compare what a store hands back with what it was given. */
const plain = (snapshot: OrganizationSnapshot | undefined) =>
  snapshot === undefined ? undefined : { ...snapshot, bytes: { length: snapshot.bytes.length, sha256: createHash('sha256').update(snapshot.bytes).digest('hex') } };

const decoded = async (snapshot: OrganizationSnapshot): Promise<DecodedSnapshot> => {
  const result = await decodeSnapshot(snapshot.bytes);
  if (E.isLeft(result)) throw new Error(`the snapshot does not decode: ${result.left}`);
  return result.right;
};

/**
 * A snapshot whose organization `edit` changed, re-encoded whole (a false
 * record that a ledger trusting the snapshot would show, for tests).
 */
export const editSnapshotState = async (snapshot: OrganizationSnapshot, edit: (state: OrganizationState) => void): Promise<OrganizationSnapshot> => {
  const { state, commands } = await decoded(snapshot);
  edit(state);
  return { ...snapshot, bytes: await encodeSnapshot(captureSnapshot(state, commands)) };
};

const withSeats = async (snapshot: OrganizationSnapshot, seats: number): Promise<Uint8Array> =>
  (
    await editSnapshotState(snapshot, (state) => {
      state.seats = seats;
    })
  ).bytes;

/** A copy of `bytes` with one byte changed. */
const withByte = (bytes: Uint8Array, at: number, value: (byte: number) => number): Uint8Array => {
  const copy = Uint8Array.from(bytes);
  copy[at] = value(copy[at]!) & 0xff;
  return copy;
};

/** Declares the snapshot-store contract suite for one store. Call it at the top level of a Jest test file: it uses the Jest globals. */
export const describeSnapshotStoreContract = (name: string, factory: SnapshotStoreFactory): void => {
  describe(`snapshot store contract: ${name}`, () => {
    let setup: SnapshotStoreFactoryResult;
    beforeEach(async () => {
      setup = await factory();
    });
    afterEach(async () => {
      await setup.teardown?.();
    });
    const other = async (): Promise<{ readonly store: EventStore; readonly snapshots: SnapshotStore; readonly close?: () => Promise<void> }> =>
      setup.reopen ? setup.reopen() : { store: setup.store, snapshots: setup.snapshots };

    it('hands back nothing for an organization without a snapshot, and what was saved, whole', async () => {
      const orgId = uniqueOrgId();
      expect(await setup.snapshots.load(orgId)).toBeUndefined();
      // Several megabytes: stores write a large snapshot in steps, and must still hand it back whole.
      const saved = sample(orgId, { bytes: awkwardBytes(5_000_003) });
      await setup.snapshots.save(saved);
      expect(plain(await setup.snapshots.load(orgId))).toEqual(plain(saved));
      expect(await setup.snapshots.load(`${orgId}x`)).toBeUndefined();
      const empty = sample(orgId, { bytes: new Uint8Array(0), streamVersion: 6 });
      await setup.snapshots.save(empty);
      expect(plain(await setup.snapshots.load(orgId))).toEqual(plain(empty));
    });

    it('keeps one snapshot per organization: the one saved last', async () => {
      const orgId = uniqueOrgId();
      const otherOrgId = uniqueOrgId();
      await setup.snapshots.save(sample(orgId, { streamVersion: 10, lastEventId: 'e10' }));
      await setup.snapshots.save(sample(otherOrgId, { streamVersion: 2, lastEventId: 'o2' }));
      await setup.snapshots.save(sample(orgId, { streamVersion: 12, lastEventId: 'e12' }));
      expect(await setup.snapshots.load(orgId)).toMatchObject({ streamVersion: 12, lastEventId: 'e12' });
      await setup.snapshots.save(sample(orgId, { streamVersion: 3, lastEventId: 'e3', codeVersion: 'another', bytes: awkwardBytes(100, 2) }));
      expect(plain(await setup.snapshots.load(orgId))).toEqual(plain(sample(orgId, { streamVersion: 3, lastEventId: 'e3', codeVersion: 'another', bytes: awkwardBytes(100, 2) })));
      expect(await setup.snapshots.load(otherOrgId)).toMatchObject({ streamVersion: 2, lastEventId: 'o2' });
    });

    it('lets a new ledger start from the snapshot and catch up, deciding as one that folded everything', async () => {
      const orgId = uniqueOrgId();
      const writer = createLedger({ store: setup.store, snapshots: setup.snapshots, snapshotEvery: 10 });
      await run(writer, organization(orgId, 12), 'setup');
      await writer.flushSnapshots();
      expect(writer.snapshotCounters()).toMatchObject({ failedSaves: 0 });
      expect(writer.snapshotCounters().saved).toBeGreaterThanOrEqual(1);
      const snapshot = await setup.snapshots.load(orgId);
      expect(snapshot).toMatchObject({ orgId, schemaVersion: SNAPSHOT_SCHEMA_VERSION, codeVersion: SNAPSHOT_CODE_VERSION });
      expect(snapshot!.streamVersion).toBeGreaterThanOrEqual(10);
      // Events after the snapshot, written without snapshots.
      await run(createLedger({ store: setup.store, snapshots: false }), [{ type: 'DeactivateLearners', orgId, learnerIds: ['L0003'] }], 'late');

      const handle = await other();
      try {
        const fromSnapshot = createLedger({ store: handle.store, snapshots: handle.snapshots });
        const folded = createLedger({ store: handle.store, snapshots: false });
        const a = right(await fromSnapshot.state(orgId));
        expect(fromSnapshot.snapshotCounters()).toMatchObject({ loaded: 1, ignored: 0 });
        expect(serializeOrganizationState(a)).toEqual(serializeOrganizationState(right(await folded.state(orgId))));
        expect(a.learners.get('L0003')?.status).toBe('inactive');
        // Decisions on the restored state: e-mails taken, one seat free (12 seats, one learner deactivated).
        const register = (learnerId: string, email: string): Command => ({ type: 'RegisterLearner', orgId, learnerId, email, firstName: 'A', lastName: 'B' });
        const code = (result: E.Either<DomainError, unknown>) => (E.isLeft(result) ? result.left.code : 'applied');
        expect(code(await fromSnapshot.execute(register('L9999', 'L0@snapshot.test'), adminContext()))).toBe('DUPLICATE_EMAIL');
        expect(code(await fromSnapshot.execute(register('L9998', 'new@snapshot.test'), adminContext()))).toBe('applied');
        expect(code(await fromSnapshot.execute(register('L9997', 'newer@snapshot.test'), adminContext()))).toBe('LICENSE_POOL_EXHAUSTED');
      } finally {
        await handle.close?.();
      }
    });

    it('recognises a duplicate command delivered after a snapshot, in another process', async () => {
      const orgId = uniqueOrgId();
      const writer = createLedger({ store: setup.store, snapshots: setup.snapshots, snapshotEvery: 5 });
      await run(writer, organization(orgId, 3, 10), 'setup');
      const deactivate: Command = { type: 'DeactivateLearners', orgId, learnerIds: ['L0001'] };
      const first = right(await writer.execute(deactivate, adminContext({ commandId: 'deactivate-once' })));
      await run(writer, organization(orgId, 8, 10).slice(5), 'more'); // more learners: the snapshot moves past the command
      await writer.flushSnapshots();
      const snapshot = await setup.snapshots.load(orgId);
      expect(snapshot!.streamVersion).toBeGreaterThan(first.streamVersion);

      const handle = await other();
      try {
        const ledger = createLedger({ store: handle.store, snapshots: handle.snapshots });
        const before = (await handle.store.readStream(`learner-ledger.org-${orgId}`)).currentVersion;
        const again = right(await ledger.execute(deactivate, adminContext({ commandId: 'deactivate-once' })));
        expect(ledger.snapshotCounters()).toMatchObject({ loaded: 1, ignored: 0 });
        expect(again.status).toBe('duplicate');
        expect(again.events.map((e) => e.metadata.eventId)).toEqual(first.events.map((e) => e.metadata.eventId));
        expect((await handle.store.readStream(`learner-ledger.org-${orgId}`)).currentVersion).toBe(before);
        // So is a command applied after the duplicate's but before the snapshot.
        expect(right(await ledger.execute(organization(orgId, 8, 10)[5]!, adminContext({ commandId: 'more-0' }))).status).toBe('duplicate');
      } finally {
        await handle.close?.();
      }
    });

    type Spoil = (s: OrganizationSnapshot, good: OrganizationSnapshot) => Promise<OrganizationSnapshot> | OrganizationSnapshot;
    const ignoredCases: [string, Spoil, RegExp][] = [
      ['of a newer schema version', (s) => ({ ...s, schemaVersion: SNAPSHOT_SCHEMA_VERSION + 1 }), /schema version/],
      ['written by another code version', (s) => ({ ...s, codeVersion: `${s.codeVersion}-other` }), /written by/],
      ['ahead of the stream', (s) => ({ ...s, streamVersion: s.streamVersion + 1000 }), /ahead of the stream/],
      ['of another history of the stream', (s) => ({ ...s, lastEventId: 'not-this-event' }), /not the one/],
      ['whose state does not decode', async (s, good) => ({ ...s, bytes: await withSeats(good, -1) }), /does not decode/],
      ['of another format version', (s) => ({ ...s, bytes: withByte(s.bytes, 8, (version) => version + 1) }), /format version/],
      ['whose bytes are damaged', (s) => ({ ...s, bytes: withByte(s.bytes, Math.floor(s.bytes.length / 2), (byte) => byte ^ 0x10) }), /does not inflate|do not decode/],
      ['that is cut short', (s) => ({ ...s, bytes: s.bytes.subarray(0, s.bytes.length - 5) }), /does not inflate|do not decode/],
      ['in the old JSON form', (s, good) => ({ ...s, bytes: Buffer.from(JSON.stringify({ state: '{"seats":999}', from: good.codeVersion })) }), /snapshot magic/],
    ];
    it.each(ignoredCases)('ignores a snapshot %s and folds the stream instead', async (_label, spoil, reason) => {
      const orgId = uniqueOrgId();
      const writer = createLedger({ store: setup.store, snapshots: setup.snapshots, snapshotEvery: 3 });
      await run(writer, organization(orgId, 4), 'setup');
      await writer.flushSnapshots();
      const good = (await setup.snapshots.load(orgId))!;
      // A false record that would show if it were trusted.
      const lie = { ...good, bytes: await withSeats(good, 999) };
      const bad = await spoil(lie, good);
      await setup.snapshots.save(bad);
      expect(plain(await setup.snapshots.load(orgId))).toEqual(plain(bad));

      const handle = await other();
      try {
        const ledger = createLedger({ store: handle.store, snapshots: handle.snapshots, snapshotEvery: 3 });
        const state = right(await ledger.state(orgId));
        expect(ledger.snapshotCounters()).toMatchObject({ loaded: 0, ignored: 1 });
        expect(ledger.snapshotCounters().lastProblem).toMatch(reason);
        expect(state.seats).toBe(4);
        expect(serializeOrganizationState(state)).toEqual(serializeOrganizationState(right(await createLedger({ store: handle.store, snapshots: false }).state(orgId))));
        // The fold replaced the bad snapshot with a good one.
        await ledger.flushSnapshots();
        expect(ledger.snapshotCounters().saved).toBe(1);
        const replaced = await handle.snapshots.load(orgId);
        expect(replaced).toMatchObject({ schemaVersion: SNAPSHOT_SCHEMA_VERSION, codeVersion: SNAPSHOT_CODE_VERSION });
        expect((await decoded(replaced!)).state.seats).toBe(4);
      } finally {
        await handle.close?.();
      }
    });
  });
};
