import type { PersonalDataKeys } from '../personal/keys.js';
import type { SnapshotStore } from '../snapshots/port.js';

/**
 * The event-store port. Every store (in-memory, SQLite, PostgreSQL, KurrentDB)
 * implements this one interface and passes the one contract suite in
 * `@learner-ledger/core/testing`. Stores move opaque JSON: decoding and
 * validation happen once, in the core (serialization.ts).
 */

/** A global log position. Positions grow strictly along the log; 0n is "before the first event". */
export type GlobalPosition = bigint;

/**
 * What the writer expects the stream to look like before its append:
 * `'any'`, `'no_stream'` (must not exist yet), `'stream_exists'`, or an exact
 * version: the number of events the stream holds now (0 ≡ no stream).
 */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | number;

/** An event ready to append. `data` and `metadata` are plain JSON values. */
export interface NewStoredEvent {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: unknown;
}

/** An event as the store returns it. `streamVersion` is 1-based within its stream. */
export interface StoredEvent extends NewStoredEvent {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly globalPosition: GlobalPosition;
  /**
   * The JSON text of the event's chain link, from a store that keeps the link
   * apart from the metadata (SQLite, PostgreSQL): readers that do not audit
   * never parse it. Absent when the store keeps the link in the metadata
   * (under `chain`, as it was appended) or the event has none; read it with
   * `storedLinkOf`.
   */
  readonly link?: string;
}

export interface AppendRequest {
  readonly streamId: string;
  readonly events: readonly NewStoredEvent[];
  readonly expectedVersion?: ExpectedVersion;
}

export interface AppendResult {
  readonly streamId: string;
  /** The stream's version after the append: pass it as `expectedVersion` next time. */
  readonly nextExpectedVersion: number;
  readonly createdNewStream: boolean;
  /** Global position of the first and last appended event (both 0n when nothing was appended). */
  readonly firstPosition: GlobalPosition;
  readonly lastPosition: GlobalPosition;
}

export interface ReadStreamOptions {
  /** First stream version to return (1-based, inclusive). Default 1. */
  readonly fromVersion?: number;
  readonly maxCount?: number;
}

export interface ReadStreamResult {
  readonly streamId: string;
  /** The stream's current version (0 when it does not exist). */
  readonly currentVersion: number;
  readonly events: readonly StoredEvent[];
}

export interface ReadAllOptions {
  /** Return events strictly after this position. Default 0n (from the start). */
  readonly after?: GlobalPosition;
  /** At most this many events. Default 1000. */
  readonly maxCount?: number;
  /** Only events of streams whose id is exactly one of these (tenant-scoped reads). */
  readonly streamIds?: readonly string[];
  /**
   * Event types the reader has no use for: a hint. A store that can filter by
   * type leaves them out (`lastPosition` still moves past them); one that
   * cannot returns them, and the reader passes over them itself.
   */
  readonly skipTypes?: readonly string[];
}

export interface ReadAllBatch {
  readonly events: readonly StoredEvent[];
  /** Pass as `after` to continue. Equals the last event's position, or `after` when the batch is empty. */
  readonly lastPosition: GlobalPosition;
  /** True when the batch reached the end of the log as it was when read. */
  readonly isEnd: boolean;
}

export interface WaitOptions {
  readonly signal?: AbortSignal;
  /** Give up after this many milliseconds (resolves false). */
  readonly timeoutMs?: number;
}

export interface ListStreamsOptions {
  /** Only streams whose id starts with this. Default `''` (every stream). */
  readonly prefix?: string;
  /**
   * Only streams whose first event has this type. Lets a store without an
   * index of its streams (KurrentDB) ask for those first events alone.
   */
  readonly firstEventType?: string;
  /** Only stream ids after this one (in `compareStreamIds` order): pass the last id of a page to continue. */
  readonly after?: string;
  /** At most this many. Default: all. */
  readonly limit?: number;
}

export interface ListStreamsResult {
  /** Ids of streams holding at least one event, in `compareStreamIds` order. */
  readonly streamIds: readonly string[];
  /** True when no matching stream comes after the last one listed. */
  readonly isEnd: boolean;
}

/** What a store offers beyond the port. */
export interface StoreCapabilities {
  /** `appendMany` is one transaction across streams: every expected version matches and all events land, or nothing does. */
  readonly atomicMultiStreamAppend: boolean;
}

/** What a decision taken under a stream's lock writes (see {@link EventStore.appendLocked}). */
export interface LockedDecision<T> {
  /** Appended right after the events the decision saw; none: nothing is written. */
  readonly events: readonly NewStoredEvent[];
  /** Handed back to the caller with the append's result. */
  readonly value: T;
}

/** The answer of {@link EventStore.appendLocked}. */
export interface LockedAppendResult<T> {
  readonly value: T;
  /** The append, when the decision wrote events. */
  readonly append?: AppendResult;
}

export interface EventStore {
  /** A short name for messages: `memory`, `sqlite`, `postgres`, `kurrentdb`. */
  readonly name: string;
  /** What the store offers beyond the port; absent means nothing more. */
  readonly capabilities?: StoreCapabilities;
  /** Append to one stream, checking the expected version. Throws {@link WrongExpectedVersionError} on conflict. */
  appendToStream(streamId: string, events: readonly NewStoredEvent[], options?: { expectedVersion?: ExpectedVersion }): Promise<AppendResult>;
  /**
   * Append to several streams in one call, when the store offers it. All or
   * nothing only where `capabilities.atomicMultiStreamAppend` says so. The
   * ledger never needs it: one organization is one stream.
   */
  appendMany?(requests: readonly AppendRequest[]): Promise<readonly AppendResult[]>;
  /**
   * Decide-and-append under the stream's write lock, when the store offers
   * it: writers that use it wait their turn instead of racing. The store
   * locks the stream (waiting up to its lock timeout), reads the events after
   * `afterVersion`, calls `decide` with them once and synchronously, appends
   * what it returns right after them, and commits, which releases the lock.
   * The append still checks the stream's version, so a writer that appended
   * without the lock makes it fail with {@link WrongExpectedVersionError};
   * when `decide` throws, nothing is written and its error is rethrown.
   */
  appendLocked?<T>(streamId: string, afterVersion: number, decide: (tail: readonly StoredEvent[]) => LockedDecision<T>): Promise<LockedAppendResult<T>>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<ReadStreamResult>;
  /** The ids of the streams that hold events, by prefix, in order, a page at a time. */
  listStreams(options?: ListStreamsOptions): Promise<ListStreamsResult>;
  /** Read the global log forward, in order, from a position. */
  readAll(options?: ReadAllOptions): Promise<ReadAllBatch>;
  /** Position of the last event in the log (0n when empty). */
  headPosition(): Promise<GlobalPosition>;
  /** The snapshot store kept beside this store's events, when it keeps one: the ledger uses it unless told otherwise. */
  snapshotStore?(): SnapshotStore | undefined;
  /** The learners' personal-data keys kept beside this store's events, when it keeps them: pass them to the ledger as `personalData` to seal personal fields. */
  personalDataKeys?(): PersonalDataKeys | undefined;
  /** Resolve true as soon as the log holds an event after `after`; false on timeout or abort. */
  waitForEvents(after: GlobalPosition, options?: WaitOptions): Promise<boolean>;
  close(): Promise<void>;
}

/** An append whose expected version did not match. Nothing was written. */
export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  readonly code = 'WRONG_EXPECTED_VERSION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`Stream ${streamId}: expected version ${String(expected)}, found ${actual}; nothing was written`);
  }
}

/** A failure of the store itself (locked, unreachable, connection lost). Nothing of the failed call was written. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'STORE_UNAVAILABLE';
  constructor(
    readonly store: string,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(`${store} store: ${message}`);
  }
}

/**
 * An append whose outcome is not known: the connection was lost or the store
 * did not answer after the append was sent, so it may have been written or
 * not. An append lands whole or not at all, and the ledger recognises a
 * command it already applied by its command id: running the same command
 * again with the same id is the safe answer.
 */
export class AppendOutcomeUnknownError extends Error {
  override readonly name = 'AppendOutcomeUnknownError';
  readonly code = 'APPEND_OUTCOME_UNKNOWN';
  constructor(
    readonly store: string,
    readonly streamIds: readonly string[],
    message: string,
    override readonly cause?: unknown,
  ) {
    super(`${store} store: ${message}`);
  }
}

/** Checks an expected version against the stream's current version (shared by every store). */
export const versionMatches = (expected: ExpectedVersion | undefined, current: number): boolean => {
  if (expected === undefined || expected === 'any') return true;
  if (expected === 'no_stream') return current === 0;
  if (expected === 'stream_exists') return current > 0;
  return expected === current;
};

/** Reads the whole log from `after` as an async iterable of batches. */
export async function* readAllBatches(
  store: EventStore,
  options: ReadAllOptions = {},
): AsyncGenerator<ReadAllBatch, void, undefined> {
  let after = options.after ?? 0n;
  for (;;) {
    const batch = await store.readAll({ ...options, after });
    if (batch.events.length > 0) yield batch;
    if (batch.isEnd || batch.events.length === 0) return;
    after = batch.lastPosition;
  }
}
