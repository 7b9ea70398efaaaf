import {
  BACKWARDS,
  END,
  START,
  StreamNotFoundError,
  UnsupportedError,
  type AllStreamResolvedEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import { randomUUID } from 'node:crypto';
import type { KurrentClient } from '../../src/context.js';
import { SCHEMA_VERSION_KEY } from '../../src/event-mapping.js';
import { openWithClient } from '../../src/store.js';

/**
 * A stand-in for `KurrentDBClient` at its public interface: the methods the
 * store calls, answering from a list of recorded events the way the client
 * hands them out (no network, no server logic beyond paging by position and
 * revision). Each test overrides what it is about.
 */

/** An event as the client reports it, at a log position where commit equals prepare unless told otherwise. */
export const recorded = (
  streamId: string,
  revision: bigint,
  position: bigint,
  event: { type?: string; isJson?: boolean; data?: unknown; metadata?: unknown; prepare?: bigint | null } = {},
): AllStreamResolvedEvent & ResolvedEvent => {
  const isJson = event.isJson ?? true;
  return {
    event: {
      streamId,
      id: randomUUID(),
      revision,
      type: event.type ?? 'LearnerRegistered',
      created: new Date(0),
      isJson,
      data: (event.data ?? (isJson ? { n: Number(revision) } : new Uint8Array())) as never,
      metadata: (event.metadata ?? (isJson ? { [SCHEMA_VERSION_KEY]: 1 } : undefined)) as never,
      position: event.prepare === null ? (undefined as never) : { commit: position, prepare: event.prepare ?? position },
    },
  } as AllStreamResolvedEvent & ResolvedEvent;
};

/** A hard delete as the server writes it: a `$streamDeleted` record in the stream itself, not JSON, at the largest revision. */
export const tombstone = (streamId: string, position: bigint) =>
  recorded(streamId, (1n << 63n) - 1n, position, { type: '$streamDeleted', isJson: false, data: new Uint8Array() });

/** A link event as projections write it (`$>`, data `revision@stream`, not JSON), read without resolving links. */
export const link = (streamId: string, revision: bigint, position: bigint, target: string) =>
  recorded(streamId, revision, position, { type: '$>', isJson: false, data: new TextEncoder().encode(`0@${target}`), metadata: { $v: '1:-1:1:4' } });

const iterate = <T>(items: readonly T[]): AsyncIterableIterator<T> => {
  const iterator = (async function* () {
    yield* items;
  })();
  return iterator;
};

/** `readAll` over a log the way the server pages it: forward from a position (inclusive), at most `maxCount`, prefix filter applied. */
export const readAllOf =
  (log: readonly AllStreamResolvedEvent[], calls?: ReadAllOptions[]) =>
  (options: ReadAllOptions = {}): AsyncIterableIterator<AllStreamResolvedEvent> => {
    calls?.push(options);
    if (typeof options.maxCount === 'number' && !Number.isInteger(options.maxCount)) throw new RangeError(`The number ${options.maxCount} cannot be converted to a BigInt because it is not an integer`);
    const filter = options.filter as { prefixes?: string[]; regex?: string } | undefined;
    const visible = log.filter((entry) => {
      const streamId = entry.event!.streamId;
      if (filter?.prefixes) return filter.prefixes.some((prefix) => streamId.startsWith(prefix));
      if (filter?.regex) return new RegExp(filter.regex.replace(/\\z$/, '$')).test(streamId);
      return true;
    });
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    if (options.direction === BACKWARDS) return iterate(visible.slice().reverse().slice(0, max));
    const from = options.fromPosition === START || options.fromPosition === undefined ? -1n : options.fromPosition === END ? 1n << 64n : options.fromPosition.commit;
    return iterate(visible.filter((entry) => entry.event!.position.commit >= from).slice(0, max));
  };

/** `readStream` over the same log: one stream by revision, forward or backward, a missing stream as the client reports it. */
export const readStreamOf =
  (log: readonly ResolvedEvent[], calls?: { streamName: string; options: ReadStreamOptions }[]) =>
  (streamName: string, options: ReadStreamOptions = {}): AsyncIterableIterator<ResolvedEvent> => {
    calls?.push({ streamName, options });
    if (typeof options.maxCount === 'number' && !Number.isInteger(options.maxCount)) throw new RangeError(`The number ${options.maxCount} cannot be converted to a BigInt because it is not an integer`);
    const stream = log.filter((entry) => entry.event!.streamId === streamName);
    if (stream.length === 0) return (async function* () {
      throw new StreamNotFoundError(undefined, streamName);
    })();
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromRevision;
    if (options.direction === BACKWARDS) {
      const start = from === END || from === undefined ? 1n << 64n : (from as bigint);
      return iterate(stream.filter((entry) => entry.event!.revision <= start).reverse().slice(0, max));
    }
    const start = from === START || from === undefined ? 0n : (from as bigint);
    return iterate(stream.filter((entry) => entry.event!.revision >= start).slice(0, max));
  };

const unexpected = (method: string) => () => {
  throw new Error(`stub client: ${method} was not expected in this test`);
};

/** A client answering from `log`: reads page it, appends and subscriptions fail unless overridden; no multi-stream appends (a server before 25.1). */
export const stubClient = (log: readonly (AllStreamResolvedEvent & ResolvedEvent)[], overrides: Partial<KurrentClient> = {}): KurrentClient => ({
  appendToStream: unexpected('appendToStream'),
  multiStreamAppend: async () => {
    throw new UnsupportedError('multiStreamAppend', '25.1');
  },
  readAll: readAllOf(log),
  readStream: readStreamOf(log),
  subscribeToAll: unexpected('subscribeToAll'),
  dispose: async () => undefined,
  ...overrides,
});

export const TARGET = { target: 'kurrentdb://node1:2113', secrets: [] };

/** The store over a stub client, opened as `openKurrentDbEventStore` opens it (probe, then the head of the log). */
export const storeOver = (client: KurrentClient, prefix = 'learner-ledger.') => openWithClient(client, TARGET, prefix);
