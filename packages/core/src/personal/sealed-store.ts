import { orgIdOfStream } from '../ids.js';
import type { SnapshotStore } from '../snapshots/port.js';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  ExpectedVersion,
  GlobalPosition,
  ListStreamsOptions,
  ListStreamsResult,
  LockedAppendResult,
  LockedDecision,
  NewStoredEvent,
  ReadAllBatch,
  ReadAllOptions,
  ReadStreamOptions,
  ReadStreamResult,
  StoredEvent,
  WaitOptions,
} from '../store/port.js';
import type { PersonalDataKeys } from './keys.js';
import { sealedLearners, unsealEvent, type KeyOf } from './seal.js';

/** Opened events → the events as stored: what a chain hash is computed over. */
const written = new WeakMap<StoredEvent, StoredEvent>();

/** The event as the store holds it (personal fields sealed) when it was opened by a {@link SealedEventStore}; else the event itself. */
export const asWritten = (event: StoredEvent): StoredEvent => written.get(event) ?? event;

/**
 * An event store whose reads open sealed personal fields: every reader (the
 * ledger's fold, projections, reports, exports, SCIM) sees the learners'
 * fields, or `[erased]` once a key is shredded. Writes pass through as they
 * are: the ledger seals events before it chains them. The keys of each page
 * read are looked up in one call per organization, and kept for the life of
 * this store (a shredded key is forgotten here when this store shreds it).
 * Audits of the chain read the sealed form: use {@link SealedEventStore.inner}.
 */
export class SealedEventStore implements EventStore {
  /** orgId → learnerId → key, or null when the learner has none. */
  private readonly cache = new Map<string, Map<string, Uint8Array | null>>();

  constructor(
    /** The store as written: events sealed, what the chain hashes. */
    readonly inner: EventStore,
    readonly keys: PersonalDataKeys,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get capabilities() {
    return this.inner.capabilities;
  }

  private cacheOf(orgId: string): Map<string, Uint8Array | null> {
    let keys = this.cache.get(orgId);
    if (!keys) this.cache.set(orgId, (keys = new Map()));
    return keys;
  }

  private remember(orgId: string, learnerIds: readonly string[], found: ReadonlyMap<string, Uint8Array>): void {
    const cache = this.cacheOf(orgId);
    for (const learnerId of learnerIds) cache.set(learnerId, found.get(learnerId) ?? null);
  }

  /** The keys of these learners, made for those who never had one: what sealing a command's events needs. */
  async keysForWriting(orgId: string, learnerIds: readonly string[]): Promise<KeyOf> {
    const cache = this.cacheOf(orgId);
    const missing = [...new Set(learnerIds)].filter((learnerId) => !cache.get(learnerId));
    if (missing.length > 0) this.remember(orgId, missing, await this.keys.ensureKeys(orgId, missing));
    return (learnerId) => cache.get(learnerId) ?? undefined;
  }

  /** Destroys these learners' keys, here and in the key store. */
  async shred(orgId: string, learnerIds: readonly string[]): Promise<void> {
    await this.keys.shred(orgId, learnerIds);
    this.remember(orgId, learnerIds, new Map());
  }

  /** Looks up, in one call per organization, the keys of the page's sealed learners not known yet. */
  private async load(events: readonly StoredEvent[]): Promise<void> {
    const wanted = new Map<string, Set<string>>();
    for (const event of events) {
      const learners = sealedLearners(event);
      if (learners.length === 0) continue;
      const orgId = orgIdOfStream(event.streamId) ?? '';
      const cache = this.cacheOf(orgId);
      for (const learnerId of learners) {
        if (cache.has(learnerId)) continue;
        let set = wanted.get(orgId);
        if (!set) wanted.set(orgId, (set = new Set()));
        set.add(learnerId);
      }
    }
    for (const [orgId, learners] of wanted) {
      const ids = [...learners];
      this.remember(orgId, ids, await this.keys.keysOf(orgId, ids));
    }
  }

  /** The events opened with the keys known here; throws PersonalKeyNotLoadedError when one was not looked up. */
  private openKnown<S extends StoredEvent>(events: readonly S[]): S[] {
    return events.map((event) => {
      if (sealedLearners(event).length === 0) return event;
      const cache = this.cacheOf(orgIdOfStream(event.streamId) ?? '');
      const opened = unsealEvent(event, (learnerId) => cache.get(learnerId));
      if (opened !== event) written.set(opened, event);
      return opened;
    });
  }

  private async open(events: readonly StoredEvent[]): Promise<StoredEvent[]> {
    await this.load(events);
    return this.openKnown(events);
  }

  appendToStream(streamId: string, events: readonly NewStoredEvent[], options?: { expectedVersion?: ExpectedVersion }): Promise<AppendResult> {
    return this.inner.appendToStream(streamId, events, options);
  }

  get appendMany(): ((requests: readonly AppendRequest[]) => Promise<readonly AppendResult[]>) | undefined {
    const inner = this.inner;
    return inner.appendMany ? (requests) => inner.appendMany!(requests) : undefined;
  }

  /**
   * The tail is opened with the keys known here (the decision is synchronous):
   * a tail that needs a key not looked up yet throws PersonalKeyNotLoadedError
   * before `decide` runs, and the caller reads the stream again.
   */
  get appendLocked(): (<T>(streamId: string, afterVersion: number, decide: (tail: readonly StoredEvent[]) => LockedDecision<T>) => Promise<LockedAppendResult<T>>) | undefined {
    const inner = this.inner;
    if (!inner.appendLocked) return undefined;
    return (streamId, afterVersion, decide) => inner.appendLocked!(streamId, afterVersion, (tail) => decide(this.openKnown(tail)));
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<ReadStreamResult> {
    const result = await this.inner.readStream(streamId, options);
    return { ...result, events: await this.open(result.events) };
  }

  listStreams(options?: ListStreamsOptions): Promise<ListStreamsResult> {
    return this.inner.listStreams(options);
  }

  async readAll(options?: ReadAllOptions): Promise<ReadAllBatch> {
    const batch = await this.inner.readAll(options);
    return { ...batch, events: await this.open(batch.events) };
  }

  headPosition(): Promise<GlobalPosition> {
    return this.inner.headPosition();
  }

  get snapshotStore(): (() => SnapshotStore | undefined) | undefined {
    const inner = this.inner;
    return inner.snapshotStore ? () => inner.snapshotStore!() : undefined;
  }

  personalDataKeys(): PersonalDataKeys {
    return this.keys;
  }

  waitForEvents(after: GlobalPosition, options?: WaitOptions): Promise<boolean> {
    return this.inner.waitForEvents(after, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
