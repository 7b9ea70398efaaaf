import type { ReadAllOptions } from '@kurrent/kurrentdb-client';
import { readAllBatches, type StoredEvent } from '@learner-ledger/core';
import fc from 'fast-check';
import { link, readAllOf, recorded, storeOver, stubClient, tombstone } from './support/stub-client.js';

/**
 * `readAll` over a client stand-in holding records a real server puts in the
 * store's streams besides its events: tombstones of hard-deleted streams,
 * links written into them, binary events of other tools.
 */
const acme = 'learner-ledger.org-acme';
const gone = 'learner-ledger.org-gone';

const eventsOf = (log: ReturnType<typeof recorded>[]): bigint[] =>
  log.filter((entry) => entry.event!.isJson && !entry.event!.type.startsWith('$')).map((entry) => entry.event!.position.commit);

describe('kurrentdb store: readAll over tombstones, links and binary events', () => {
  const log = [
    recorded(acme, 0n, 100n),
    recorded(gone, 0n, 200n),
    tombstone(gone, 300n),
    link(acme, 1n, 400n, 'learner-ledger.org-other'),
    recorded(acme, 2n, 500n, { type: 'Blob', isJson: false }),
    recorded(acme, 3n, 600n),
  ];

  it('returns the events and moves past the records in between', async () => {
    const store = await storeOver(stubClient(log));
    const first = await store.readAll({ after: 0n, maxCount: 2 });
    expect(first.events.map((e) => e.globalPosition)).toEqual([100n, 200n]);
    expect(first).toMatchObject({ lastPosition: 200n, isEnd: false });
    const second = await store.readAll({ after: first.lastPosition, maxCount: 2 });
    expect(second.events.map((e) => [e.streamId, e.streamVersion, e.globalPosition])).toEqual([[acme, 4, 600n]]);
    expect(second).toMatchObject({ lastPosition: 600n, isEnd: true });
  });

  it('is not stuck when the rest of the log is records it passes over', async () => {
    const store = await storeOver(stubClient(log.slice(0, 5)));
    const batch = await store.readAll({ after: 200n, maxCount: 10 });
    expect(batch).toEqual({ events: [], lastPosition: 500n, isEnd: true });
    expect(await store.readAll({ after: batch.lastPosition })).toEqual({ events: [], lastPosition: 500n, isEnd: true });
    expect(await store.headPosition()).toBe(500n);
  });

  it('reads further pages when a page holds only records it passes over', async () => {
    const calls: ReadAllOptions[] = [];
    const store = await storeOver(stubClient(log, { readAll: readAllOf(log, calls) }));
    calls.length = 0;
    const batch = await store.readAll({ after: 200n, maxCount: 1 });
    expect(batch).toMatchObject({ events: [expect.objectContaining({ globalPosition: 600n })], lastPosition: 600n });
    expect(calls.map((c) => [c.fromPosition, c.maxCount])).toEqual([
      [{ commit: 200n, prepare: 200n }, 2],
      [{ commit: 300n, prepare: 300n }, 2],
      [{ commit: 400n, prepare: 400n }, 2],
      [{ commit: 500n, prepare: 500n }, 2],
    ]);
  });

  it('takes whole counts only: a fraction is rounded down, infinity and NaN do not reach BigInt()', async () => {
    const calls: ReadAllOptions[] = [];
    const store = await storeOver(stubClient(log, { readAll: readAllOf(log, calls) }));
    expect((await store.readAll({ maxCount: 2.7 })).events.map((e) => e.globalPosition)).toEqual([100n, 200n]);
    expect((await store.readAll({ maxCount: Number.POSITIVE_INFINITY })).events).toHaveLength(3);
    expect(await store.readAll({ maxCount: Number.NaN })).toEqual({ events: [], lastPosition: 0n, isEnd: false });
    for (const call of calls) expect(Number.isInteger(call.maxCount)).toBe(true);
  });

  it('reads every event exactly once, in order, whatever the page size and the records in between', async () => {
    const kinds = fc.array(fc.constantFrom('event', 'event', 'tombstone', 'link', 'binary', 'other-stream'), { maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(kinds, fc.integer({ min: 1, max: 7 }), async (sequence, maxCount) => {
        const entries = sequence.map((kind, index) => {
          const position = BigInt(index + 1) * 64n;
          if (kind === 'tombstone') return tombstone(gone, position);
          if (kind === 'link') return link(acme, BigInt(index), position, gone);
          if (kind === 'binary') return recorded(acme, BigInt(index), position, { type: 'Blob', isJson: false });
          if (kind === 'other-stream') return recorded('orders-1', BigInt(index), position);
          return recorded(acme, BigInt(index), position);
        });
        const store = await storeOver(stubClient(entries));
        const read: StoredEvent[] = [];
        for await (const batch of readAllBatches(store, { maxCount })) {
          expect(batch.events.length).toBeLessThanOrEqual(maxCount);
          read.push(...batch.events);
        }
        expect(read.map((e) => e.globalPosition)).toEqual(eventsOf(entries.filter((entry) => entry.event!.streamId !== 'orders-1')));
      }),
      { numRuns: 150 },
    );
  });
});
