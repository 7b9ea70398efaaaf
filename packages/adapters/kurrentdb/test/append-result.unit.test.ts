import {
  UnavailableError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
  type AppendResult as ClientAppendResult,
  type AppendStreamRequest,
  type MultiAppendResult,
  type ReadStreamOptions,
} from '@kurrent/kurrentdb-client';
import { StoreUnavailableError, WrongExpectedVersionError, type NewStoredEvent } from '@learner-ledger/core';
import { randomUUID } from 'node:crypto';
import { AppendOutcomeUnknownError, AppendWrittenResultUnknownError } from '../src/append-errors.js';
import { PartialMultiStreamAppendError } from '../src/operations/appendMany.js';
import { readStreamOf, recorded, storeOver, stubClient } from './support/stub-client.js';

/**
 * Appends against a client stand-in answering what the real client answers:
 * with `throwOnAppendFailure=false` in the connection string, a version
 * conflict comes back as `{ success: false }`; multi-stream appends reject
 * every failure and answer success with one revision per stream.
 */
const acme = 'learner-ledger.org-acme';
const beta = 'learner-ledger.org-beta';
const event = (n: number): NewStoredEvent => ({ eventId: randomUUID(), type: 'Sample', schemaVersion: 1, data: { n }, metadata: {} });
const conflictWithNoSuccessFlag = (revision: bigint): ClientAppendResult => ({ success: false, nextExpectedRevision: revision, position: undefined });
// The multi-stream answer when the server has the method: version conflicts are errors, never `success: false`.
const multiStreamServer = (answer: (requests: AppendStreamRequest[]) => Promise<MultiAppendResult>) => ({
  multiStreamAppend: async (requests: AppendStreamRequest[]) => {
    if (requests[0]?.streamName.includes('capability-probe')) throw new Error('multiStreamAppend requires metadata to be a plain object with string keys and string values.');
    return answer(requests);
  },
});

describe('kurrentdb store: what the client answers to an append', () => {
  const stream = [recorded(acme, 0n, 100n), recorded(acme, 1n, 200n)];

  it('treats { success: false } (throwOnAppendFailure=false) as a conflict, with the version the stream really has', async () => {
    // The client computes nextExpectedRevision of a failed batch append from a boolean: it is not the stream's revision.
    const store = await storeOver(stubClient(stream, { appendToStream: async () => conflictWithNoSuccessFlag(1n) }));
    const conflict = await store.appendToStream(acme, [event(3)], { expectedVersion: 5 }).catch((error: unknown) => error);
    expect(conflict).toBeInstanceOf(WrongExpectedVersionError);
    expect(conflict).toMatchObject({ streamId: acme, expected: 5, actual: 2 });
    const none = await store.appendToStream('learner-ledger.org-new', [event(1)], { expectedVersion: 'stream_exists' }).catch((error: unknown) => error);
    expect(none).toMatchObject({ streamId: 'learner-ledger.org-new', expected: 'stream_exists', actual: 0 });
  });

  it('reports the appended events with their positions when the client says success', async () => {
    const log = [...stream, recorded(acme, 2n, 300n), recorded(acme, 3n, 400n)];
    const store = await storeOver(stubClient(log, { appendToStream: async () => ({ success: true, nextExpectedRevision: 3n, position: { commit: 400n, prepare: 400n } }) }));
    expect(await store.appendToStream(acme, [event(3), event(4)], { expectedVersion: 2 })).toEqual({
      streamId: acme,
      nextExpectedVersion: 4,
      createdNewStream: false,
      firstPosition: 300n,
      lastPosition: 400n,
    });
  });

  it('says an append whose positions cannot be read back was written, not that nothing was', async () => {
    const store = await storeOver(stubClient(stream, { appendToStream: async () => ({ success: true, nextExpectedRevision: 2n, position: undefined }) }));
    const error = await store.appendToStream(acme, [event(3)], { expectedVersion: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppendWrittenResultUnknownError);
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/the append to stream learner-ledger\.org-acme was written \(the stream is now at version 3\), but reading back its log positions failed/);
  });

  it('says an append whose answer was lost may have been written', async () => {
    const store = await storeOver(stubClient(stream, { appendToStream: async () => Promise.reject(new UnavailableError(undefined, 'Connection dropped')) }));
    const error = await store.appendToStream(acme, [event(3)], { expectedVersion: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppendOutcomeUnknownError);
    expect(error).toMatchObject({ streamIds: [acme], message: expect.stringMatching(/it may have been written: a stream append lands whole or not at all/) });
  });

  it('reads with whole counts: a fractional maxCount or fromVersion never reaches BigInt()', async () => {
    const calls: { streamName: string; options: ReadStreamOptions }[] = [];
    const log = [...stream, recorded(acme, 2n, 300n)];
    const store = await storeOver(stubClient(log, { readStream: readStreamOf(log, calls) }));
    const page = await store.readStream(acme, { fromVersion: 1.5, maxCount: 2.5 });
    expect(page.events.map((e) => e.streamVersion)).toEqual([1, 2]);
    expect(page.currentVersion).toBe(3);
    expect((await store.readStream(acme, { maxCount: Number.NaN })).events).toEqual([]);
    for (const { options } of calls) expect(Number.isInteger(options.maxCount)).toBe(true);
  });
});

describe('kurrentdb store: what the client answers to a multi-stream append', () => {
  const requests = [
    { streamId: acme, events: [event(1), event(2)], expectedVersion: 'no_stream' as const },
    { streamId: beta, events: [event(3)], expectedVersion: 'no_stream' as const },
  ];

  it('detects the server method through the public client, and uses it', async () => {
    const log = [recorded(acme, 0n, 100n), recorded(acme, 1n, 200n), recorded(beta, 0n, 300n)];
    const sent: AppendStreamRequest[][] = [];
    const store = await storeOver(
      stubClient(log, multiStreamServer(async (r) => (sent.push(r), { position: 300n, responses: [{ streamName: acme, revision: 1n }, { streamName: beta, revision: 0n }] }))),
    );
    expect(store.capabilities.atomicMultiStreamAppend).toBe(true);
    expect(await store.appendMany(requests)).toEqual([
      { streamId: acme, nextExpectedVersion: 2, createdNewStream: true, firstPosition: 100n, lastPosition: 200n },
      { streamId: beta, nextExpectedVersion: 1, createdNewStream: true, firstPosition: 300n, lastPosition: 300n },
    ]);
    expect(sent.map((r) => r.map((s) => [s.streamName, s.expectedState, s.events.length]))).toEqual([
      [
        [acme, 'no_stream', 2],
        [beta, 'no_stream', 1],
      ],
    ]);
  });

  it('says a success answer that leaves a stream out, or gives it too few events, was written with an unknown result', async () => {
    for (const responses of [[{ streamName: acme, revision: 1n }], [{ streamName: acme, revision: 1n }, { streamName: beta, revision: -1n }]]) {
      const store = await storeOver(stubClient([], multiStreamServer(async () => ({ position: 300n, responses }))));
      const error = await store.appendMany(requests).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppendWrittenResultUnknownError);
      expect(error).toMatchObject({ streamIds: [acme, beta], message: expect.stringMatching(/was written, but the server's answer (does not name|gives) stream learner-ledger\.org-beta/) });
    }
  });

  it('turns a rejected version into the port conflict for that stream', async () => {
    const conflict = new ClientWrongExpectedVersionError(undefined, { streamName: beta, expected: 'no_stream', current: 4n });
    const store = await storeOver(stubClient([], multiStreamServer(async () => Promise.reject(conflict))));
    const error = await store.appendMany(requests).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ streamId: beta, expected: 'no_stream', actual: 5 });
  });

  it('says a multi-stream append whose answer was lost may have been written, naming every stream', async () => {
    const store = await storeOver(stubClient([], multiStreamServer(async () => Promise.reject(new UnavailableError(undefined, 'Connection dropped')))));
    const error = await store.appendMany(requests).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppendOutcomeUnknownError);
    expect(error).toMatchObject({ streamIds: [acme, beta] });
  });

  it('without the server method, says which stream may have been written when a later one loses its answer', async () => {
    const log = [recorded(acme, 0n, 100n), recorded(acme, 1n, 200n)];
    const store = await storeOver(
      stubClient(log, {
        appendToStream: async (streamName) =>
          streamName === acme ? { success: true, nextExpectedRevision: 1n, position: undefined } : Promise.reject(new UnavailableError(undefined, 'Connection dropped')),
      }),
    );
    expect(store.capabilities.atomicMultiStreamAppend).toBe(false);
    const error = await store.appendMany(requests).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialMultiStreamAppendError);
    expect(error).toMatchObject({ failedStreamId: beta, failedStream: 'may have been written', notWritten: [] });
    expect((error as Error).message).toMatch(/wrote learner-ledger\.org-acme; stream learner-ledger\.org-beta may have been written \(stream learner-ledger\.org-beta failed/);
  });
});
