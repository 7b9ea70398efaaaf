import { randomUUID } from 'node:crypto';
import { type NewStoredEvent, WrongExpectedVersionError } from '@learner-ledger/core';
import fc from 'fast-check';
import type { PostgresEventStore } from '../src/index.js';
import { freshStore } from './support.js';

const awkward = 'tab\there, new\nline, cr\r, back\\slash, \\N, quote" and \'';

const bulkEvent = (n: number): NewStoredEvent => ({
  eventId: randomUUID(),
  type: n % 2 === 0 ? 'LearnerRegistered' : 'Type\twith\\awkward\ncharacters',
  schemaVersion: 1 + (n % 3),
  data: { n, text: awkward, nested: { list: [n, `${n}`, null], unicode: 'Zoë 学习者 🎓' } },
  metadata: { line: n + 2, fileName: 'learners\t2026.csv' },
});

describe('postgres bulk appends', () => {
  let store: PostgresEventStore;
  beforeAll(async () => {
    store = await freshStore('ll_test_bulk');
  });
  afterAll(() => store.close());

  it('writes a large multi-stream append through COPY, every byte verbatim, positions dense and in request order', async () => {
    const streams = ['org-bulk-a', 'org-bulk\twith\ttabs', 'org-bulk\\back\\slashes', 'org-bulk\nnewline'];
    await store.appendToStream(streams[0]!, [bulkEvent(-1)]);
    const head = await store.headPosition();
    const requests = streams.map((streamId, s) => ({
      streamId,
      events: Array.from({ length: 2500 }, (_, i) => bulkEvent(s * 10_000 + i)),
      expectedVersion: s === 0 ? 1 : ('no_stream' as const),
    }));
    const results = await store.appendMany(requests);
    expect(results.map((r) => r.nextExpectedVersion)).toEqual([2501, 2500, 2500, 2500]);
    expect(results.map((r) => r.createdNewStream)).toEqual([false, true, true, true]);
    expect(results.map((r) => r.firstPosition)).toEqual([head + 1n, head + 2501n, head + 5001n, head + 7501n]);
    expect(results[3]!.lastPosition).toBe(head + 10_000n);

    const read: NewStoredEvent[] = [];
    let after = head;
    for (;;) {
      const batch = await store.readAll({ after, maxCount: 3000 });
      read.push(...batch.events);
      batch.events.forEach((event, i) => expect(event.globalPosition).toBe(after + BigInt(i) + 1n));
      after = batch.lastPosition;
      if (batch.isEnd) break;
    }
    const expected = requests.flatMap((request) => request.events);
    expect(read).toHaveLength(expected.length);
    expect(read.map(({ eventId, type, schemaVersion, data, metadata }) => ({ eventId, type, schemaVersion, data, metadata }))).toEqual(expected);
    const tabs = await store.readStream(streams[1]!, { fromVersion: 2500 });
    expect(tabs.events.map((e) => [e.streamId, e.streamVersion])).toEqual([[streams[1], 2500]]);
  });

  it('writes nothing of a large multi-stream append when one expected version is wrong', async () => {
    const head = await store.headPosition();
    const append = store.appendMany([
      { streamId: 'org-bulk-fresh', events: Array.from({ length: 1500 }, (_, i) => bulkEvent(i)), expectedVersion: 'no_stream' },
      { streamId: 'org-bulk-a', events: Array.from({ length: 1500 }, (_, i) => bulkEvent(i)), expectedVersion: 7 },
    ]);
    await expect(append).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await expect(append).rejects.toThrow('Stream org-bulk-a: expected version 7, found 2501; nothing was written');
    expect(await store.headPosition()).toBe(head);
    expect((await store.readStream('org-bulk-fresh')).currentVersion).toBe(0);
  });

  it('round-trips any JSON payload through both the one-statement and the COPY path', async () => {
    const payload = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }); // any code unit, NUL and lone surrogates included
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(payload, payload), { minLength: 1, maxLength: 12 }), fc.boolean(), async (pairs, bulk) => {
        const streamId = `org-prop-${randomUUID()}`;
        const events = pairs.map(([data, metadata]) => ({ eventId: randomUUID(), type: 'Prop', schemaVersion: 1, data, metadata }));
        // Past the COPY threshold when `bulk`: pad with small events.
        const padded = bulk ? [...events, ...Array.from({ length: 500 }, (_, i) => bulkEvent(i))] : events;
        await store.appendToStream(streamId, padded, { expectedVersion: 'no_stream' });
        const read = await store.readStream(streamId, { maxCount: events.length });
        expect(read.events.map((e) => JSON.stringify([e.data, e.metadata]))).toEqual(events.map((e) => JSON.stringify([e.data, e.metadata])));
      }),
      { numRuns: 40 },
    );
  });

  it('writes any stream id through the one-message COPY append, plain or locked, and finds conflicts on it', async () => {
    // The COPY message writes the stream ids into its SQL as literals: quotes, backslashes, dollars and semicolons must stay text.
    const awkwardId = fc.array(fc.constantFrom('a', 'z', "'", '"', '\\', '$', ';', '\t', '\n', '\r', ' ', 'E', '(', ')', 'é', '学', '🎓', '-'), { minLength: 1, maxLength: 24 }).map((chars) => chars.join(''));
    const everyAppend = await freshStore('ll_test_bulk_ids', { copyThreshold: 1 });
    try {
      await fc.assert(
        fc.asyncProperty(awkwardId, fc.integer({ min: 1, max: 4 }), fc.boolean(), async (suffix, count, locked) => {
          const streamId = `org-${randomUUID()}-${suffix}`;
          const events = Array.from({ length: count }, (_, i) => bulkEvent(i));
          const head = await everyAppend.headPosition();
          const appended = locked
            ? (await everyAppend.appendLocked(streamId, 0, (tail) => ({ events: tail.length === 0 ? events : [], value: tail.length }))).append!
            : await everyAppend.appendToStream(streamId, events, { expectedVersion: 'no_stream' });
          expect(appended.firstPosition).toBe(head + 1n);
          expect(appended.nextExpectedVersion).toBe(count);
          const read = await everyAppend.readStream(streamId);
          expect(read.events.map((e) => [e.streamId, e.streamVersion, e.globalPosition])).toEqual(events.map((_, i) => [streamId, i + 1, head + 1n + BigInt(i)]));
          // The same expected version again conflicts, and writes nothing.
          await expect(everyAppend.appendToStream(streamId, events, { expectedVersion: 'no_stream' })).rejects.toBeInstanceOf(WrongExpectedVersionError);
          expect(await everyAppend.headPosition()).toBe(head + BigInt(count));
        }),
        { numRuns: 30 },
      );
    } finally {
      await everyAppend.close();
    }
  });

  it('writes nothing of a COPY append whose payload JSON cannot hold, and the store goes on', async () => {
    const head = await store.headPosition();
    const streamId = `org-bad-${randomUUID()}`;
    const events = Array.from({ length: 300 }, (_, i) => bulkEvent(i));
    events[250] = { ...events[250]!, data: { big: 10n } };
    await expect(store.appendToStream(streamId, events, { expectedVersion: 'no_stream' })).rejects.toThrow(/the data of event 251 of the append to stream org-bad-.* cannot be stored as JSON/);
    expect(await store.headPosition()).toBe(head);
    expect((await store.readStream(streamId)).currentVersion).toBe(0);
    const good = await store.appendToStream(streamId, events.slice(0, 200), { expectedVersion: 'no_stream' });
    expect(good.firstPosition).toBe(head + 1n);
    expect(good.nextExpectedVersion).toBe(200);
  });
});
