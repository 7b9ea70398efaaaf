import fc from 'fast-check';
import { type AppendRequest, type EventStore, type ExpectedVersion, InMemoryEventStore, type StoredEvent, WrongExpectedVersionError } from '@learner-ledger/core';
import { openSqliteEventStore } from '../src/index.js';

/**
 * The in-memory store is the model: any sequence of appends (right or wrong
 * expected versions, one or several streams) and reads must give the same
 * results, positions included, on the SQLite store.
 */
const STREAMS = ['org-a', 'org-b', 'org-a-1'] as const;

type Expectation = { kind: 'omit' } | { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'exact'; offset: -1 | 0 | 1 };

type Operation =
  | { op: 'append'; parts: { streamId: string; count: number; expectation: Expectation }[] }
  | { op: 'readAll'; after: number; maxCount: number }
  | { op: 'drain'; streamIds: string[]; maxCount: number }
  | { op: 'readStream'; streamId: string; fromVersion: number; maxCount?: number };

const expectation: fc.Arbitrary<Expectation> = fc.oneof(
  fc.constant({ kind: 'omit' as const }),
  fc.constant({ kind: 'any' as const }),
  fc.constant({ kind: 'no_stream' as const }),
  fc.constant({ kind: 'stream_exists' as const }),
  fc.constantFrom(-1 as const, 0 as const, 1 as const).map((offset) => ({ kind: 'exact' as const, offset })),
);

const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 5, arbitrary: fc.uniqueArray(fc.record({ streamId: fc.constantFrom(...STREAMS), count: fc.integer({ min: 0, max: 4 }), expectation }), { minLength: 1, maxLength: 3, selector: (p) => p.streamId }).map((parts) => ({ op: 'append' as const, parts })) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('readAll' as const), after: fc.integer({ min: 0, max: 40 }), maxCount: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('drain' as const), streamIds: fc.subarray([...STREAMS]), maxCount: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('readStream' as const), streamId: fc.constantFrom(...STREAMS), fromVersion: fc.integer({ min: 0, max: 8 }), maxCount: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }) }) },
);

const settle = async <T>(work: () => Promise<T>): Promise<{ ok: T } | { conflict: { streamId: string; expected: ExpectedVersion; actual: number } }> => {
  try {
    return { ok: await work() };
  } catch (error) {
    if (!(error instanceof WrongExpectedVersionError)) throw error;
    return { conflict: { streamId: error.streamId, expected: error.expected, actual: error.actual } };
  }
};

const drain = async (store: EventStore, streamIds: string[], maxCount: number): Promise<StoredEvent[]> => {
  const events: StoredEvent[] = [];
  let after = 0n;
  for (;;) {
    const batch = await store.readAll({ after, maxCount, streamIds });
    events.push(...batch.events);
    if (batch.isEnd) return events;
    expect(batch.lastPosition > after).toBe(true);
    after = batch.lastPosition;
  }
};

describe('sqlite store against the in-memory model', () => {
  it('gives the same results for any sequence of appends and reads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 30 }), async (operations) => {
        const model = new InMemoryEventStore();
        const sqlite = openSqliteEventStore({ path: ':memory:' });
        let n = 0;
        try {
          for (const operation of operations) {
            if (operation.op === 'append') {
              const requests: AppendRequest[] = [];
              for (const part of operation.parts) {
                const current = (await model.readStream(part.streamId, { maxCount: 0 })).currentVersion;
                const e = part.expectation;
                const expectedVersion: ExpectedVersion | undefined = e.kind === 'omit' ? undefined : e.kind === 'exact' ? Math.max(0, current + e.offset) : e.kind;
                const events = Array.from({ length: part.count }, () => ({ eventId: `event-${n}`, type: 'ModelTested', schemaVersion: 1 + (n % 2), data: { n: n++ }, metadata: { at: n } }));
                requests.push({ streamId: part.streamId, events, ...(expectedVersion === undefined ? {} : { expectedVersion }) });
              }
              expect(await settle(() => sqlite.appendMany(requests))).toEqual(await settle(() => model.appendMany(requests)));
            } else if (operation.op === 'readAll') {
              const options = { after: BigInt(operation.after), maxCount: operation.maxCount };
              expect(await sqlite.readAll(options)).toEqual(await model.readAll(options));
            } else if (operation.op === 'drain') {
              expect(await drain(sqlite, operation.streamIds, operation.maxCount)).toEqual(await drain(model, operation.streamIds, operation.maxCount));
            } else {
              const options = { fromVersion: operation.fromVersion, ...(operation.maxCount === undefined ? {} : { maxCount: operation.maxCount }) };
              expect(await sqlite.readStream(operation.streamId, options)).toEqual(await model.readStream(operation.streamId, options));
            }
            expect(await sqlite.headPosition()).toBe(await model.headPosition());
          }
        } finally {
          await sqlite.close();
          await model.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
