import { InMemoryEventStore, type AppendRequest, type AppendResult, type EventStore } from '../src/index.js';
import { multiStreamAppendSupport, verifyMultiStreamAppends } from '../src/testing/index.js';

/** The in-memory store, with its multi-stream appends and what it says about them replaced. */
const storeThat = (claimsAtomic: boolean | undefined, appendMany: ((inner: InMemoryEventStore) => EventStore['appendMany']) | undefined): EventStore => {
  const inner = new InMemoryEventStore();
  return {
    name: 'memory',
    ...(claimsAtomic !== undefined ? { capabilities: { atomicMultiStreamAppend: claimsAtomic } } : {}),
    ...(appendMany !== undefined ? { appendMany: appendMany(inner) } : {}),
    appendToStream: (streamId, events, options) => inner.appendToStream(streamId, events, options),
    readStream: (streamId, options) => inner.readStream(streamId, options),
    listStreams: (options) => inner.listStreams(options),
    readAll: (options) => inner.readAll(options),
    headPosition: () => inner.headPosition(),
    waitForEvents: (after, options) => inner.waitForEvents(after, options),
    close: () => inner.close(),
  };
};

/** One stream after the other, each append atomic on its own: what a store without transactions across streams does. */
const oneByOne = (inner: InMemoryEventStore) => async (requests: readonly AppendRequest[]): Promise<readonly AppendResult[]> => {
  const results: AppendResult[] = [];
  for (const request of requests) results.push(await inner.appendToStream(request.streamId, request.events, { expectedVersion: request.expectedVersion }));
  return results;
};

describe('store contract: multi-stream appends are checked against what the store states', () => {
  it('reads what a store says it offers', () => {
    expect(multiStreamAppendSupport(new InMemoryEventStore())).toBe('atomic');
    expect(multiStreamAppendSupport(storeThat(false, oneByOne))).toBe('not atomic');
    expect(multiStreamAppendSupport(storeThat(undefined, oneByOne))).toBe('not atomic');
    expect(multiStreamAppendSupport(storeThat(true, undefined))).toBe('none');
    expect(multiStreamAppendSupport(storeThat(undefined, undefined))).toBe('none');
  });

  it('passes stores that say what they do', async () => {
    await expect(verifyMultiStreamAppends(new InMemoryEventStore())).resolves.toBeUndefined();
    await expect(verifyMultiStreamAppends(storeThat(false, oneByOne))).resolves.toBeUndefined();
    await expect(verifyMultiStreamAppends(storeThat(undefined, oneByOne))).resolves.toBeUndefined();
    await expect(verifyMultiStreamAppends(storeThat(undefined, undefined))).resolves.toBeUndefined();
    await expect(verifyMultiStreamAppends(storeThat(false, undefined))).resolves.toBeUndefined();
  });

  it('fails a store that claims atomic multi-stream appends and writes part of a refused call', async () => {
    await expect(verifyMultiStreamAppends(storeThat(true, oneByOne))).rejects.toThrow();
  });

  it('fails a store that claims atomic multi-stream appends without offering them', async () => {
    await expect(verifyMultiStreamAppends(storeThat(true, undefined))).rejects.toThrow();
  });

  it('fails a store whose appendMany drops a stream', async () => {
    const firstOnly = (inner: InMemoryEventStore) => async (requests: readonly AppendRequest[]) => oneByOne(inner)(requests.slice(0, 1));
    await expect(verifyMultiStreamAppends(storeThat(false, firstOnly))).rejects.toThrow();
  });
});
