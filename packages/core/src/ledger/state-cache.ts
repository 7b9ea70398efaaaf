import * as E from 'fp-ts/lib/Either.js';
import type { DomainEvent } from '../events.js';
import { carriedHash, chainHashOf, GENESIS_HASH } from '../chain/link.js';
import { organizationStreamId } from '../ids.js';
import type { EventMetadata } from '../metadata.js';
import { organizationDecider } from '../organization/decider.js';
import { draftOf, emptyFoldedState, frozenCopy, type FoldedOrganizationState, type OrganizationState } from '../organization/state.js';
import { asWritten } from '../personal/sealed-store.js';
import { decodeEvent, trustedMetadata } from '../serialization.js';
import type { EventStore, StoredEvent } from '../store/port.js';
import { CommandIndex } from './command-index.js';
import { LedgerLoadError } from './errors.js';
import type { RecordedChange } from './types.js';

/** One organization as the ledger keeps it between commands. */
export interface CacheEntry {
  /** Folded in place; views and snapshots take frozen copies of it. */
  readonly state: FoldedOrganizationState;
  /** The stream version `state` is folded up to. */
  version: number;
  readonly commands: CommandIndex;
  /** The id of the event at `version` (undefined at version 0). */
  lastEventId: string | undefined;
  /** The version of the last snapshot loaded or saved (0: none). */
  snapshotVersion: number;
  /** The `occurredAt` of the event at `version`, once folded (undefined at version 0, and after a snapshot until read). */
  lastOccurredAt?: string | undefined;
  /** The chain hash of the event at `version` (the genesis hash at version 0; undefined after a snapshot of an unchained stream until computed). */
  lastHash: string | undefined;
  /** Whether the event at `version` carries a chain link (true at version 0): else the next chained event anchors the events before it. */
  lastChained: boolean;
}

/** An organization before its first event; `chain`: track its chain hash (a ledger that writes without the chain does not). */
export const emptyCacheEntry = (chain = true): CacheEntry => ({
  state: emptyFoldedState(),
  version: 0,
  commands: new CommandIndex(),
  lastEventId: undefined,
  snapshotVersion: 0,
  lastHash: chain ? GENESIS_HASH : undefined,
  lastChained: true,
});

/** Folds the event at the next version into the entry, in place. */
const foldNext = (entry: CacheEntry, event: DomainEvent, metadata: EventMetadata, version: number, eventId: string): void => {
  organizationDecider.evolve(entry.state, event, metadata);
  entry.version = version;
  entry.lastEventId = eventId;
  entry.lastOccurredAt = metadata.occurredAt;
  entry.commands.track(metadata.commandId, version);
};

/**
 * Folds the events a command just appended, unless the entry moved past them
 * (the next load catches up then). `hashes`: their chain hashes, one each;
 * none when they were written without the chain.
 */
export const foldRecorded = (entry: CacheEntry, changes: readonly RecordedChange[], hashes: readonly string[] | undefined): void => {
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    if (change.streamVersion !== entry.version + 1) return;
    foldNext(entry, change.event, change.metadata, change.streamVersion, change.metadata.eventId);
    entry.lastHash = hashes?.[i];
    entry.lastChained = hashes !== undefined;
  }
};

/** A view of the entry's state as it is now: later folds never reach it, and its own changes never reach the entry. O(pages). */
export const viewOf = (entry: CacheEntry): OrganizationState => draftOf(frozenCopy(entry.state));

/** Events read per page while folding: a page is garbage before the next is read (a page of 10,000 parsed events outlived the young generation and doubled a cold fold's cost on SQLite). */
const LOAD_PAGE = 1000;

/** Folds every event the stream holds past the entry's version. Throws {@link LedgerLoadError} on an event that does not decode. */
export const catchUp = async (store: EventStore, streamId: string, entry: CacheEntry): Promise<void> => {
  for (;;) {
    const read = await store.readStream(streamId, { fromVersion: entry.version + 1, maxCount: LOAD_PAGE });
    foldStored(entry, read.events);
    if (read.events.length < LOAD_PAGE) return;
  }
};

/** The entry's chain hash after `stored`, the event at its version, from the hash before it. */
const hashAfter = (entry: CacheEntry, stored: StoredEvent): void => {
  // A linked event carries its hash; one written without the chain costs a hash here, and only while the hash before it is known.
  const linked = carriedHash(stored) !== undefined;
  entry.lastHash = chainHashOf(linked ? stored : asWritten(stored), entry.lastHash);
  entry.lastChained = linked;
};

/**
 * The entry's chain hash after a run of folded events whose links their
 * store keeps apart (from `fromVersion` to the entry's version, `last`
 * the last of them): the hash the last one carries, or, when it carries
 * none (an edited link), each event's in turn from `hashBefore`, as
 * {@link hashAfter} takes them.
 */
const settleRun = (entry: CacheEntry, events: readonly StoredEvent[], fromVersion: number, last: StoredEvent, hashBefore: string | undefined): void => {
  const hash = carriedHash(last);
  if (hash !== undefined) {
    entry.lastHash = hash;
    entry.lastChained = true;
    return;
  }
  entry.lastHash = hashBefore;
  for (const stored of events) if (stored.streamVersion >= fromVersion && stored.streamVersion <= last.streamVersion) hashAfter(entry, stored);
};

/**
 * Folds stored events that follow the entry's version (others are passed
 * over). An event the fast checks accept is folded in place, with its
 * metadata as stored (evolve reads its fields, never the chain link);
 * any other is decoded. A link its store keeps apart is parsed for the last
 * event of a run of them only: folding needs the hash the run ends on.
 * Throws {@link LedgerLoadError} on an event that does not decode.
 */
export const foldStored = (entry: CacheEntry, events: readonly StoredEvent[]): void => {
  let runFrom = 0;
  let runLast: StoredEvent | undefined;
  let hashBefore: string | undefined;
  try {
    for (let i = 0; i < events.length; i++) {
      const stored = events[i]!;
      if (stored.streamVersion !== entry.version + 1) continue;
      const metadata = trustedMetadata(stored);
      if (metadata !== undefined) {
        foldNext(entry, { type: stored.type, data: stored.data } as DomainEvent, metadata, stored.streamVersion, stored.eventId);
      } else {
        const decoded = decodeEvent(stored);
        if (E.isLeft(decoded)) throw new LedgerLoadError(decoded.left.message);
        foldNext(entry, decoded.right.event, decoded.right.metadata, stored.streamVersion, stored.eventId);
      }
      if (stored.link !== undefined) {
        if (runLast === undefined) {
          runFrom = stored.streamVersion;
          hashBefore = entry.lastHash;
        }
        runLast = stored;
        continue;
      }
      if (runLast !== undefined) settleRun(entry, events, runFrom, runLast, hashBefore);
      runLast = undefined;
      hashAfter(entry, stored);
    }
  } finally {
    // Also when an event does not decode: the entry keeps the hash of the version it was folded to.
    if (runLast !== undefined) settleRun(entry, events, runFrom, runLast, hashBefore);
  }
};

/** The chain hash of a stream's first `version` events, chained or not, read page by page. */
export const streamHashAt = async (store: EventStore, streamId: string, version: number): Promise<string> => {
  let hash = GENESIS_HASH;
  for (let from = 1; from <= version; from += LOAD_PAGE) {
    const read = await store.readStream(streamId, { fromVersion: from, maxCount: Math.min(LOAD_PAGE, version - from + 1) });
    for (const stored of read.events) hash = chainHashOf(asWritten(stored), hash)!;
    if (read.events.length === 0) break;
  }
  return hash;
};

export interface StateCacheOptions {
  readonly store: EventStore;
  /** Keep entries between loads (false: every load starts over). */
  readonly keep: boolean;
  /** Track each organization's chain hash. */
  readonly chain: boolean;
  /** Where an organization not in the cache starts: a trusted snapshot, or undefined for the empty state. */
  readonly restore: (orgId: string, streamId: string) => Promise<CacheEntry | undefined>;
}

/** The organizations' folded states, each caught up with its stream on every load. */
export class StateCache {
  private readonly entries = new Map<string, CacheEntry>();

  constructor(private readonly options: StateCacheOptions) {}

  /** The organization's entry caught up with its stream (restored or folded from scratch when not cached). */
  async load(orgId: string): Promise<CacheEntry> {
    const streamId = organizationStreamId(orgId);
    let entry = this.entries.get(orgId);
    if (!entry) {
      entry = (await this.options.restore(orgId, streamId)) ?? emptyCacheEntry(this.options.chain);
      if (this.options.keep) this.entries.set(orgId, entry);
    }
    try {
      await catchUp(this.options.store, streamId, entry);
    } catch (error) {
      // A half-folded entry must not be decided on later.
      if (error instanceof LedgerLoadError) this.entries.delete(orgId);
      throw error;
    }
    return entry;
  }

  /** The organization's entry as cached, without asking the store (undefined when not cached). */
  cached(orgId: string): CacheEntry | undefined {
    return this.entries.get(orgId);
  }

  clear(): void {
    this.entries.clear();
  }
}
