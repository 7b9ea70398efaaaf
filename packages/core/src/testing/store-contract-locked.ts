import type { EventStore, LockedAppendResult, LockedDecision, StoredEvent } from '../store/port.js';
import { sampleEvent, uniqueStreamId, type StoreFactory } from './store-contract.js';

type Decide<T> = (tail: readonly StoredEvent[]) => LockedDecision<T>;

const lockedOf = (store: EventStore): (<T>(streamId: string, afterVersion: number, decide: Decide<T>) => Promise<LockedAppendResult<T>>) => {
  const locked = store.appendLocked?.bind(store);
  if (locked === undefined) throw new Error(`${store.name} store: appendLocked is not offered, yet its tests run the locked-append contract`);
  return locked;
};

const numbers = (events: readonly StoredEvent[]): number[] => events.map((e) => (e.data as { n: number }).n);

/**
 * The contract of {@link EventStore.appendLocked}, for stores that offer it:
 * the decision sees every event after the version it is given, its events
 * land right after them, a decision that writes nothing or throws leaves the
 * stream as it was, and concurrent locked appends to one stream take turns
 * (every one sees all the others that committed before it: none is refused).
 */
export const describeLockedAppendContract = (name: string, factory: StoreFactory): void => {
  describe(`locked append contract: ${name}`, () => {
    let store: EventStore;
    let teardown: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      const created = await factory();
      store = created.store;
      teardown = created.teardown;
    });
    afterAll(async () => {
      if (teardown) await teardown();
      else await store?.close();
    });

    it('hands the decision the events after the given version and appends its events right after them', async () => {
      const streamId = uniqueStreamId('locked');
      await store.appendToStream(streamId, [sampleEvent(0), sampleEvent(1), sampleEvent(2)]);
      const seen: number[][] = [];
      const outcome = await lockedOf(store)(streamId, 1, (tail) => {
        seen.push(numbers(tail));
        return { events: [sampleEvent(3), sampleEvent(4)], value: 'decided' };
      });
      expect(seen).toEqual([[1, 2]]);
      expect(outcome.value).toBe('decided');
      expect(outcome.append).toMatchObject({ streamId, nextExpectedVersion: 5, createdNewStream: false });
      const read = await store.readStream(streamId);
      expect(numbers(read.events)).toEqual([0, 1, 2, 3, 4]);
      expect([outcome.append!.firstPosition, outcome.append!.lastPosition]).toEqual([read.events[3]!.globalPosition, read.events[4]!.globalPosition]);
      // A new stream: version 0, nothing before.
      const fresh = uniqueStreamId('locked-new');
      const created = await lockedOf(store)(fresh, 0, (tail) => ({ events: tail.length === 0 ? [sampleEvent(7)] : [], value: tail.length }));
      expect(created).toMatchObject({ value: 0, append: { nextExpectedVersion: 1, createdNewStream: true } });
    });

    it("takes any stream id, quotes and spaces included", async () => {
      const streamId = `${uniqueStreamId('locked')} it's "quoted"; --`;
      await store.appendToStream(streamId, [sampleEvent(0)]);
      const outcome = await lockedOf(store)(streamId, 0, (tail) => ({ events: [sampleEvent(tail.length)], value: numbers(tail) }));
      expect(outcome).toMatchObject({ value: [0], append: { streamId, nextExpectedVersion: 2 } });
      expect(numbers((await store.readStream(streamId)).events)).toEqual([0, 1]);
    });

    it('writes nothing when the decision has no events or throws', async () => {
      const streamId = uniqueStreamId('locked-none');
      await store.appendToStream(streamId, [sampleEvent(0)]);
      const head = await store.headPosition();
      const nothing = await lockedOf(store)(streamId, 1, () => ({ events: [], value: 42 }));
      expect(nothing).toEqual({ value: 42 });
      const refusal = new Error('the decision refused');
      await expect(lockedOf(store)(streamId, 0, () => { throw refusal; })).rejects.toBe(refusal);
      expect(await store.headPosition()).toBe(head);
      expect((await store.readStream(streamId)).currentVersion).toBe(1);
    });

    it('lets concurrent locked appends to one stream take turns: each decides on every event before it', async () => {
      const streamId = uniqueStreamId('locked-turns');
      const writers = 12;
      const outcomes = await Promise.all(
        Array.from({ length: writers }, () =>
          // Every writer starts from version 0 and appends the count of events it saw: taking turns makes the counts 0..n-1.
          lockedOf(store)(streamId, 0, (tail) => ({ events: [sampleEvent(tail.length)], value: tail.length })),
        ),
      );
      expect(outcomes.map((o) => o.value).sort((a, b) => a - b)).toEqual(Array.from({ length: writers }, (_, i) => i));
      expect(numbers((await store.readStream(streamId)).events)).toEqual(Array.from({ length: writers }, (_, i) => i));
    });
  });
};
