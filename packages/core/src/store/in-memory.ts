import { InMemoryPersonalDataKeys, type PersonalDataKeys } from '../personal/keys.js';
import { freezeCheckedOnWrite } from '../serialization.js';
import { pageOfStreamIds } from './list-streams.js';
import {
  type AppendRequest,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type GlobalPosition,
  type ListStreamsOptions,
  type LockedAppendResult,
  type LockedDecision,
  type ListStreamsResult,
  type NewStoredEvent,
  type ReadAllBatch,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ReadStreamResult,
  type StoredEvent,
  type WaitOptions,
  WrongExpectedVersionError,
  versionMatches,
} from './port.js';

/**
 * The in-memory store: the fixture for tests, examples and benchmarks.
 * Appends are O(events appended) and reads are O(events returned): the log is
 * an array indexed by position, each stream an array of indexes into it.
 * Events are frozen deep copies so a caller can never change what was stored;
 * each is checked against the current codecs once, as it is stored, and an
 * event that passed is not checked again when read.
 */
export class InMemoryEventStore implements EventStore {
  readonly name = 'memory';
  readonly capabilities = { atomicMultiStreamAppend: true } as const;
  /** Present when the store was created with `lockedAppends: true`. */
  readonly appendLocked?: <T>(streamId: string, afterVersion: number, decide: (tail: readonly StoredEvent[]) => LockedDecision<T>) => Promise<LockedAppendResult<T>>;
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, number[]>();
  private readonly waiters = new Set<(closing: boolean) => void>();
  private closed = false;
  private keys: InMemoryPersonalDataKeys | undefined;

  /**
   * `lockedAppends`: offer {@link EventStore.appendLocked} (the decision and
   * the append run in one turn of the event loop, so nothing gets between
   * them). Off by default: several ledgers on one in-memory store then race
   * optimistically, as ledgers of a store without locks do.
   */
  constructor(options: { readonly lockedAppends?: boolean } = {}) {
    if (options.lockedAppends) this.appendLocked = (streamId, afterVersion, decide) => Promise.resolve().then(() => this.decideAndAppend(streamId, afterVersion, decide));
  }

  /** Learners' personal-data keys, in memory beside the events. */
  personalDataKeys(): PersonalDataKeys {
    return (this.keys ??= new InMemoryPersonalDataKeys());
  }

  async appendToStream(
    streamId: string,
    events: readonly NewStoredEvent[],
    options: { expectedVersion?: ExpectedVersion } = {},
  ): Promise<AppendResult> {
    const [result] = await this.appendMany([{ streamId, events, expectedVersion: options.expectedVersion }]);
    return result!;
  }

  async appendMany(requests: readonly AppendRequest[]): Promise<readonly AppendResult[]> {
    return this.appendNow(requests);
  }

  private decideAndAppend<T>(streamId: string, afterVersion: number, decide: (tail: readonly StoredEvent[]) => LockedDecision<T>): LockedAppendResult<T> {
    this.assertOpen();
    const indexes = this.streams.get(streamId) ?? [];
    const tail = indexes.slice(Math.max(0, afterVersion)).map((index) => this.log[index]!);
    const { events, value } = decide(tail);
    if (events.length === 0) return { value };
    const [append] = this.appendNow([{ streamId, events, expectedVersion: afterVersion + tail.length }]);
    return { value, append: append! };
  }

  private appendNow(requests: readonly AppendRequest[]): AppendResult[] {
    this.assertOpen();
    const seen = new Set<string>();
    for (const request of requests) {
      if (seen.has(request.streamId)) throw new Error(`appendMany: stream ${request.streamId} appears twice in one call`);
      seen.add(request.streamId);
      const current = this.streams.get(request.streamId)?.length ?? 0;
      if (!versionMatches(request.expectedVersion, current)) {
        throw new WrongExpectedVersionError(request.streamId, request.expectedVersion ?? 'any', current);
      }
    }
    // Copy before touching the log, so a payload that cannot be copied fails the whole call.
    const copies = requests.map((request) =>
      request.events.map((event) => ({
        eventId: event.eventId,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: frozenCopy(event.data, 'data'),
        metadata: frozenCopy(event.metadata, 'metadata'),
      })),
    );
    const results: AppendResult[] = [];
    requests.forEach((request, index) => {
      let indexes = this.streams.get(request.streamId);
      const createdNewStream = indexes === undefined && request.events.length > 0;
      if (indexes === undefined) {
        indexes = [];
        if (request.events.length > 0) this.streams.set(request.streamId, indexes);
      }
      const firstPosition = request.events.length > 0 ? BigInt(this.log.length + 1) : 0n;
      for (const event of copies[index]!) {
        // Checked once here: reads of an event nobody can change skip the checks (a replay reads each many times).
        const stored = freezeCheckedOnWrite({
          ...event,
          streamId: request.streamId,
          streamVersion: indexes.length + 1,
          globalPosition: BigInt(this.log.length + 1),
        });
        indexes.push(this.log.length);
        this.log.push(stored);
      }
      results.push({
        streamId: request.streamId,
        nextExpectedVersion: indexes.length,
        createdNewStream,
        firstPosition,
        lastPosition: request.events.length > 0 ? BigInt(this.log.length) : 0n,
      });
    });
    if (requests.some((request) => request.events.length > 0)) this.notify();
    return results;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<ReadStreamResult> {
    this.assertOpen();
    const indexes = this.streams.get(streamId) ?? [];
    const from = Math.max(1, options.fromVersion ?? 1) - 1;
    const to = options.maxCount === undefined ? indexes.length : Math.min(indexes.length, from + options.maxCount);
    const events: StoredEvent[] = [];
    for (let i = from; i < to; i++) events.push(this.log[indexes[i]!]!);
    return { streamId, currentVersion: indexes.length, events };
  }

  /** Sorts the ids of its map on every call: O(streams), fine for what this store is for. */
  async listStreams(options: ListStreamsOptions = {}): Promise<ListStreamsResult> {
    this.assertOpen();
    const ids: string[] = [];
    for (const [streamId, indexes] of this.streams) {
      if (options.firstEventType === undefined || this.log[indexes[0]!]!.type === options.firstEventType) ids.push(streamId);
    }
    return pageOfStreamIds(ids, options);
  }

  /** Takes no notice of `skipTypes`: a slice of the log costs less than filtering it. */
  async readAll(options: ReadAllOptions = {}): Promise<ReadAllBatch> {
    this.assertOpen();
    const after = options.after ?? 0n;
    const maxCount = options.maxCount ?? 1000;
    let index = Number(after); // position p lives at index p - 1
    if (!options.streamIds) {
      // The whole log: the batch is a slice of it.
      const end = Math.min(this.log.length, index + (maxCount > 0 ? Math.ceil(maxCount) : 0));
      const events = index < end ? this.log.slice(index, end) : [];
      return { events, lastPosition: end > index ? this.log[end - 1]!.globalPosition : after, isEnd: end >= this.log.length };
    }
    const filter = new Set(options.streamIds);
    const events: StoredEvent[] = [];
    let lastPosition = after;
    while (index < this.log.length && events.length < maxCount) {
      const event = this.log[index]!;
      if (filter.has(event.streamId)) events.push(event);
      lastPosition = event.globalPosition;
      index++;
    }
    return { events, lastPosition, isEnd: index >= this.log.length };
  }

  async headPosition(): Promise<GlobalPosition> {
    return BigInt(this.log.length);
  }

  waitForEvents(after: GlobalPosition, options: WaitOptions = {}): Promise<boolean> {
    if (BigInt(this.log.length) > after) return Promise.resolve(true);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (value: boolean) => {
        this.waiters.delete(wake);
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', abort);
        resolve(value);
      };
      const wake = (closing: boolean) => {
        if (closing) done(false);
        else if (BigInt(this.log.length) > after) done(true);
      };
      const abort = () => done(false);
      this.waiters.add(wake);
      if (options.timeoutMs !== undefined) timer = setTimeout(() => done(false), options.timeoutMs);
      if (options.signal) {
        if (options.signal.aborted) return done(false);
        options.signal.addEventListener('abort', abort);
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of [...this.waiters]) wake(true);
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake(false);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('memory store: closed');
  }
}

/** A value JSON cannot hold, found while copying: where it is, gathered while the copy unwinds, and what it is. */
class NotJson {
  readonly steps: string[] = [];
  constructor(readonly what: string) {}
}

/** Fields an object built by {@link Wide} keeps inside itself (the most V8 gives an object whose constructor sets none). */
const WIDE_FIELDS = 10;

/**
 * A plain object (its prototype is `Object.prototype`) that keeps up to
 * {@link WIDE_FIELDS} fields inside itself, where `{}` keeps 4 and puts the
 * rest in a separate array: one cache miss less for each read of a field past
 * the fourth of a stored event's data or metadata. Built empty enough times
 * here that V8 fixes that size now, not from whichever objects come first.
 */
const Wide = function Wide() {} as unknown as new () => Record<string, unknown>;
Wide.prototype = Object.prototype;
for (let i = 0; i < 8; i++) {
  const sized = new Wide();
  for (let field = 0; field < WIDE_FIELDS; field++) sized[`f${field}`] = field;
}

/** A frozen deep copy of a JSON value; throws {@link NotJson} (its path collected on the way out, so none is built for values that copy). */
const copyFrozen = (value: unknown): unknown => {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NotJson(`is ${value}, which JSON cannot hold`);
    // JSON writes -0 as 0: the SQL stores give 0 back, so this store does too.
    return value === 0 ? 0 : value;
  }
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      try {
        copy[i] = copyFrozen(value[i]);
      } catch (error) {
        if (error instanceof NotJson) error.steps.push(`[${i}]`);
        throw error;
      }
    }
    return Object.freeze(copy);
  }
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      throw new NotJson(`is a ${prototype?.constructor?.name ?? 'non-plain object'}, not a JSON value`);
    }
    const keys = Object.keys(value);
    const copy: Record<string, unknown> = keys.length > 4 && keys.length <= WIDE_FIELDS ? new Wide() : {};
    for (const key of keys) {
      const field = (value as Record<string, unknown>)[key];
      if (field === undefined) continue;
      try {
        const fieldCopy = copyFrozen(field);
        // An own `__proto__` key (JSON.parse makes one) would set the copy's prototype if assigned.
        if (key === '__proto__') Object.defineProperty(copy, key, { value: fieldCopy, enumerable: true, writable: true, configurable: true });
        else copy[key] = fieldCopy;
      } catch (error) {
        if (error instanceof NotJson) error.steps.push(`.${key}`);
        throw error;
      }
    }
    return Object.freeze(copy);
  }
  throw new NotJson(`is a ${typeof value}, not a JSON value`);
};

/**
 * A frozen deep copy of a JSON value, in one pass (much cheaper than
 * structuredClone followed by a freeze). Anything JSON cannot hold is refused,
 * as the other stores would refuse it, naming where it is under `path`.
 */
export const frozenCopy = (value: unknown, path: string): unknown => {
  try {
    return copyFrozen(value);
  } catch (error) {
    if (error instanceof NotJson) throw new TypeError(`memory store: ${path}${error.steps.reverse().join('')} ${error.what}`);
    throw error;
  }
};
