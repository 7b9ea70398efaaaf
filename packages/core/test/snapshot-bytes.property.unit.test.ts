import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { evolve, serializeOrganizationState, type OrganizationState } from '../src/index.js';
import { CommandIndex } from '../src/ledger/command-index.js';
import { emptyFoldedState } from '../src/organization/state.js';
import { HEADER_BYTES, SNAPSHOT_FORMAT_VERSION, SNAPSHOT_MAGIC, snapshotHeader } from '../src/snapshots/format.js';
import { decodeSnapshot } from '../src/snapshots/snapshot-decode.js';
import { captureSnapshot, encodeSnapshot } from '../src/snapshots/snapshot-encode.js';
import { learnerEventArb } from './reference-learners.js';

/**
 * Snapshot bytes are read exactly or refused: damaged, cut, padded, foreign
 * or old (JSON) bytes never come back as a different organization.
 */
const NUM_RUNS = 150;

const stateOf = (events: Parameters<typeof evolve>[1][]) => {
  const state = emptyFoldedState();
  evolve(state, { type: 'OrganizationOnboarded', data: { orgId: 'acme', name: 'Acme', seats: 5, timeZone: 'UTC', connector: 'none', inactiveTeamId: null, dailyImportTime: '02:00' } });
  for (const event of events) evolve(state, event);
  return state;
};

const contents = (state: OrganizationState) => ({ plain: serializeOrganizationState(state), emails: [...state.learnerIdsByEmail.entries()].sort() });

type Damage = (bytes: Uint8Array) => Uint8Array;
const damageArb: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }).map(({ at, xor }): Damage => (bytes) => {
    const copy = Uint8Array.from(bytes);
    copy[at % copy.length] ^= xor;
    return copy;
  }),
  fc.nat().map((cut): Damage => (bytes) => bytes.subarray(0, cut % bytes.length)),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((extra): Damage => (bytes) => Buffer.concat([bytes, extra])),
  fc.uint8Array({ maxLength: 400 }).map((random): Damage => () => random),
  fc.uint8Array({ maxLength: 400 }).map((random): Damage => () => Buffer.concat([snapshotHeader([{ deflated: random.length, inflated: Math.min(random.length, 1000) }]), random])),
  fc.constant<Damage>(() => Buffer.from(JSON.stringify({ state: { seats: 999 }, commands: [] }))),
);

describe('snapshot bytes', () => {
  it(`are read back exactly, or refused when damaged (${NUM_RUNS} runs)`, async () => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(learnerEventArb, { maxLength: 30 }), fc.array(damageArb, { minLength: 1, maxLength: 3 }), async (events, damages) => {
        const state = stateOf(events);
        const commands = new CommandIndex();
        commands.track('c-1', events.length + 1);
        const bytes = await encodeSnapshot(captureSnapshot(state, commands));
        const good = await decodeSnapshot(bytes);
        expect(E.isRight(good) && contents(good.right.state)).toEqual(contents(state));
        const damaged = damages.reduce((current, damage) => damage(current), bytes);
        const read = await decodeSnapshot(damaged);
        if (E.isLeft(read)) refused++;
        // Bytes added after the deflated payload are not part of it: what decodes is the same organization.
        else expect(contents(read.right.state)).toEqual(contents(state));
      }),
      { numRuns: NUM_RUNS },
    );
    expect(refused).toBeGreaterThan(NUM_RUNS / 2);
  });

  it('are the same bytes however many steps the finished snapshot is copied in, a turn between two', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(learnerEventArb, { maxLength: 30 }), fc.integer({ min: 1, max: 300 }), async (events, copyBytesPerTurn) => {
        const state = stateOf(events);
        const commands = new CommandIndex();
        commands.track('c-1', events.length + 1);
        const whole = await encodeSnapshot(captureSnapshot(state, commands));
        let turns = 0;
        const stepped = await encodeSnapshot(captureSnapshot(state, commands), {
          copyBytesPerTurn,
          turn: async () => {
            turns++;
          },
        });
        expect(Buffer.from(stepped).equals(Buffer.from(whole))).toBe(true);
        // One block (the payload is small): every step but the last copies exactly copyBytesPerTurn of its deflated bytes, the header with the first.
        const blocks = new DataView(whole.buffer, whole.byteOffset).getUint32(16, true);
        expect(blocks).toBe(1);
        expect(turns).toBe(Math.ceil((whole.length - HEADER_BYTES - 8 * blocks) / copyBytesPerTurn) - 1);
        const read = await decodeSnapshot(stepped);
        expect(E.isRight(read) && contents(read.right.state)).toEqual(contents(state));
      }),
      { numRuns: 100 },
    );
  });

  it('start with a magic that is not text, then the format version', async () => {
    const bytes = await encodeSnapshot(captureSnapshot(stateOf([]), new CommandIndex()));
    expect([...bytes.subarray(0, SNAPSHOT_MAGIC.length)]).toEqual([...SNAPSHOT_MAGIC]);
    expect(bytes[0]).toBeGreaterThan(0x7f);
    expect(bytes[8]! + bytes[9]! * 256).toBe(SNAPSHOT_FORMAT_VERSION);
    expect(bytes.length).toBeGreaterThan(HEADER_BYTES);
    const versions = await Promise.all(
      [SNAPSHOT_FORMAT_VERSION - 1, SNAPSHOT_FORMAT_VERSION + 1].map((version) => {
        const copy = Uint8Array.from(bytes);
        copy[8] = version;
        return decodeSnapshot(copy);
      }),
    );
    for (const read of versions) expect(E.isLeft(read) && read.left).toMatch(/format version/);
  });
});
