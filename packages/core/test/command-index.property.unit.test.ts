import fc from 'fast-check';
import { InMemoryEventStore, type NewStoredEvent } from '../src/index.js';
import { CommandIndex, commandFingerprint, type CommandRange } from '../src/ledger/command-index.js';
import { findCommand } from '../src/ledger/command-lookup.js';

/**
 * The command index answers "has this stream applied this command id, and at
 * which versions" exactly like a map of every command id to its range, also
 * when fingerprints are shared (forced here by tiny fingerprint functions),
 * when the exact window of recent ids is small, and after being frozen and
 * restored as a snapshot would.
 */
const NUM_RUNS = 150;
const STREAM = 'learner-ledger.org-acme';
const commandId = fc.oneof(fc.constantFrom('a', 'b', 'c', 'cmd-1', 'cmd-2', 'é', '\u{1F600}', '\uD800', ''), fc.string({ maxLength: 6 }));
/** Commands in stream order, each with how many events it wrote. */
const historyArb = fc.array(fc.tuple(commandId, fc.integer({ min: 1, max: 4 })), { maxLength: 40 });
const fingerprintArb = fc.constantFrom<[string, (id: string) => number]>(
  ['the real one', commandFingerprint],
  ['one bit', (id) => id.length % 2],
  ['always 7', () => 7],
  ['four values', (id) => commandFingerprint(id) & 3],
);

const eventsOf = (commandId: string, count: number, first: number): NewStoredEvent[] =>
  Array.from({ length: count }, (_, i) => ({ eventId: `e-${first + i}`, type: 'Noted', schemaVersion: 1, data: {}, metadata: { commandId } }));

describe('command index', () => {
  it(`gives every older command of the same fingerprint as a candidate, also while its table grows a few slots a command (${NUM_RUNS / 10} runs)`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 700, max: 1800 }),
        fingerprintArb,
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom(0, 1, 2, 8),
        fc.array(fc.nat(), { minLength: 1, maxLength: 50 }),
        (commands, [, fingerprint], recent, moveSlots, picks) => {
          const index = new CommandIndex(undefined, fingerprint, recent, moveSlots);
          const ids: string[] = [];
          const starts: number[] = [];
          for (let number = 0; number < commands; number++) {
            const id = `c-${number}`;
            ids.push(id);
            // One or two events a command: command `number` starts at its own version.
            starts.push(number === 0 ? 1 : starts[number - 1]! + 1 + (number % 2));
            index.track(id, starts[number]!);
            if (number % 2 === 1) index.track(id, starts[number]! + 1);
            // Every few commands (and around each growth), ask for an earlier id, as the ledger does for a redelivery.
            if (number % 29 !== 0 && (number & (number - 1)) !== 0) continue;
            const probe = ids[picks[number % picks.length]! % ids.length]!;
            const recentFrom = index.size - Math.min(recent, index.size);
            const expected: CommandRange[] = [];
            for (let j = 0; j < recentFrom; j++) {
              if (fingerprint(ids[j]!) >>> 0 === fingerprint(probe) >>> 0) expected.push({ from: starts[j]!, to: j + 1 < index.size ? starts[j + 1]! - 1 : starts[j]! + (j % 2) });
            }
            expect(index.candidates(probe)).toEqual(expected);
          }
          expect(index.size).toBe(commands);
        },
      ),
      { numRuns: NUM_RUNS / 10 },
    );
  });

  it(`finds exactly the commands a stream holds, whatever the fingerprints (${NUM_RUNS} runs)`, async () => {
    let olderMatches = 0;
    await fc.assert(
      fc.asyncProperty(historyArb, fingerprintArb, fc.integer({ min: 0, max: 5 }), fc.array(commandId, { maxLength: 12 }), async (history, [, fingerprint], recent, probes) => {
        const store = new InMemoryEventStore();
        const index = new CommandIndex(undefined, fingerprint, recent);
        const model = new Map<string, CommandRange>();
        let version = 0;
        let previous: string | undefined;
        for (const [id, count] of history) {
          // A command id comes back only as a run of its own (the ledger never writes it twice).
          const redelivered = model.has(id) && id !== previous;
          const written = redelivered ? `${id}\u0000${version}` : id;
          await store.appendToStream(STREAM, eventsOf(written, count, version + 1));
          for (let i = 0; i < count; i++) index.track(written, ++version);
          const known = model.get(written);
          model.set(written, { from: known && written === previous ? known.from : version - count + 1, to: version });
          previous = written;
        }
        const restored = new CommandIndex(index.freeze(), fingerprint, recent);
        for (const id of [...probes, ...model.keys()]) {
          const expected = model.get(id);
          expect(await findCommand(store, STREAM, index, id)).toEqual(expected);
          expect(await findCommand(store, STREAM, restored, id)).toEqual(expected);
          if (expected && index.recentRange(id) === undefined) olderMatches++;
        }
        expect(index.size).toBe(model.size);
        expect(restored.lastVersion).toBe(version);
      }),
      { numRuns: NUM_RUNS },
    );
    // The runs confirmed matches from the stream, not only from the window of recent ids.
    expect(olderMatches).toBeGreaterThan(NUM_RUNS);
  });

  it('grows its table and keeps every command findable', async () => {
    const store = new InMemoryEventStore();
    const index = new CommandIndex(undefined, commandFingerprint, 16);
    const events: NewStoredEvent[] = [];
    for (let i = 1; i <= 5000; i++) {
      events.push(...eventsOf(`c-${i}`, 1, i));
      index.track(`c-${i}`, i);
    }
    await store.appendToStream(STREAM, events);
    for (const i of [1, 2, 1000, 4099, 4999, 5000]) expect(await findCommand(store, STREAM, index, `c-${i}`)).toEqual({ from: i, to: i });
    expect(await findCommand(store, STREAM, index, 'c-5001')).toBeUndefined();
    expect(index.byteSize).toBeLessThan(5000 * 32);
  });
});
