import * as E from 'fp-ts/lib/Either.js';
import { storedLinkOf } from '../chain/link.js';
import { SNAPSHOT_SCHEMA_VERSION, type OrganizationSnapshot, type SnapshotStore } from '../snapshots/port.js';
import { decodeSnapshot, type DecodedSnapshot } from '../snapshots/snapshot-decode.js';
import { captureSnapshot, encodeSnapshot, type SnapshotCapture } from '../snapshots/snapshot-encode.js';
import { SaveTurns } from '../snapshots/turns.js';
import type { EventStore } from '../store/port.js';
import type { CacheEntry } from './state-cache.js';

/** What the ledger did with snapshots since it was created. */
export interface SnapshotCounters {
  /** Organizations started from a snapshot. */
  readonly loaded: number;
  /** Snapshots found but not used (other version, ahead of or not matching the stream, unreadable). */
  readonly ignored: number;
  readonly saved: number;
  /** Snapshots that could not be saved: the commands went on regardless. */
  readonly failedSaves: number;
  /** Saves running now, beside the commands. */
  readonly saving: number;
  /** Why the last snapshot was ignored or failed to save. */
  readonly lastProblem?: string;
}

export interface SnapshotKeeperOptions {
  readonly store: EventStore;
  /** Where snapshots are kept: undefined for the store's own (when it keeps them), false for none. */
  readonly snapshots: SnapshotStore | false | undefined;
  /** Save once at least this many events were folded past the last snapshot. */
  readonly every: number;
  /** The code version snapshots are written with; snapshots of any other are ignored. */
  readonly codeVersion: string;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * A save costs time in proportion to the organization (its learners and
 * commands): it comes due only once the events since the last one number at
 * least 1/16 of that size, so saving takes a bounded share of the work however
 * large the organization grows (and a load catches up at most that many events).
 */
const SIZE_PER_EVENT_BEFORE_A_SAVE = 16;

/** Events to fold past the last snapshot before saving the next one. */
const eventsBetweenSaves = (entry: CacheEntry, every: number): number => Math.max(every, Math.ceil((entry.state.learners.size + entry.commands.size) / SIZE_PER_EVENT_BEFORE_A_SAVE));

/**
 * Restores organizations from snapshots it can trust and saves new ones as
 * streams grow, beside the commands: a save takes frozen copies of the
 * organization (O(pages), no learner copied) and encodes and writes them
 * while later commands run, one short step after each batch of commands
 * ({@link SnapshotKeeper.giveTurn}) or when the event loop is free. Never
 * fails a command.
 */
export class SnapshotKeeper {
  private readonly tally: { loaded: number; ignored: number; saved: number; failedSaves: number; lastProblem?: string } = { loaded: 0, ignored: 0, saved: 0, failedSaves: 0 };
  /** The save running for each organization: one at a time. */
  private readonly saving = new Map<string, Promise<void>>();
  /** Organizations whose save came due while one was running: saved again, at their latest version, when it ends. */
  private readonly due = new Map<string, CacheEntry>();
  private readonly snapshots: SnapshotStore | undefined;
  private readonly turns = new SaveTurns();

  constructor(private readonly options: SnapshotKeeperOptions) {
    this.snapshots = options.snapshots === false ? undefined : options.snapshots;
    if (options.snapshots === undefined) {
      // Snapshots only save time: a store whose snapshots cannot be set up is used without them.
      try {
        this.snapshots = options.store.snapshotStore?.();
      } catch (error) {
        this.tally.lastProblem = `snapshots not used: ${messageOf(error)}`;
      }
    }
  }

  counters(): SnapshotCounters {
    return { ...this.tally, saving: this.saving.size };
  }

  /**
   * The organization as its snapshot has it, when there is one this code can
   * trust: same schema and code version, taken on this very stream (the
   * event at its version is there, with the same id), and bytes that decode.
   * Anything else is ignored.
   */
  async restore(orgId: string, streamId: string): Promise<CacheEntry | undefined> {
    const { store, codeVersion } = this.options;
    const snapshots = this.snapshots;
    if (!snapshots) return undefined;
    let snapshot: OrganizationSnapshot | undefined;
    try {
      snapshot = await snapshots.load(orgId);
    } catch (error) {
      return this.ignore(`loading it failed: ${messageOf(error)}`);
    }
    if (snapshot === undefined) return undefined;
    if (snapshot.orgId !== orgId) return this.ignore(`it is of organization ${snapshot.orgId}`);
    if (snapshot.schemaVersion !== SNAPSHOT_SCHEMA_VERSION) return this.ignore(`its schema version is ${snapshot.schemaVersion}, this code reads ${SNAPSHOT_SCHEMA_VERSION}`);
    if (snapshot.codeVersion !== codeVersion) return this.ignore(`it was written by ${snapshot.codeVersion}, this is ${codeVersion}`);
    if (!Number.isInteger(snapshot.streamVersion) || snapshot.streamVersion < 1) return this.ignore(`its stream version ${snapshot.streamVersion} is not a version`);
    const read = await store.readStream(streamId, { fromVersion: snapshot.streamVersion, maxCount: 1 });
    const at = read.events[0];
    if (read.currentVersion < snapshot.streamVersion) return this.ignore(`it is at version ${snapshot.streamVersion}, ahead of the stream (version ${read.currentVersion})`);
    if (at === undefined || at.streamVersion !== snapshot.streamVersion || at.eventId !== snapshot.lastEventId) {
      return this.ignore(`the stream's event at version ${snapshot.streamVersion} is not the one it was taken after`);
    }
    let decoded: E.Either<string, DecodedSnapshot>;
    try {
      decoded = await decodeSnapshot(snapshot.bytes);
    } catch (error) {
      return this.ignore(`its bytes do not decode: ${messageOf(error)}`);
    }
    if (E.isLeft(decoded)) return this.ignore(`its bytes do not decode: ${decoded.left}`);
    const { state, commands } = decoded.right;
    if (state.orgId !== orgId) return this.ignore(`its state is of organization ${state.orgId}`);
    if (commands.lastVersion !== snapshot.streamVersion) return this.ignore(`its command record ends at version ${commands.lastVersion}, not at its own version ${snapshot.streamVersion}`);
    this.tally.loaded++;
    const link = storedLinkOf(at);
    return { state, version: snapshot.streamVersion, commands, lastEventId: snapshot.lastEventId, snapshotVersion: snapshot.streamVersion, lastHash: link?.hash, lastChained: link !== undefined };
  }

  /**
   * Starts saving a snapshot once enough events were folded past the last
   * one (`every`, and 1/16 of the organization's size). Returns at once: the save runs beside the commands
   * ({@link SnapshotKeeper.flush} waits for it). While one runs for the
   * organization, the next waits for it to end and then takes the state as it
   * is then. A failure is counted, never raised.
   */
  saveIfDue(orgId: string, entry: CacheEntry): void {
    const { every } = this.options;
    const snapshots = this.snapshots;
    const lastEventId = entry.lastEventId;
    if (!snapshots || lastEventId === undefined || entry.version - entry.snapshotVersion < eventsBetweenSaves(entry, every)) return;
    if (this.saving.has(orgId)) {
      this.due.set(orgId, entry);
      return;
    }
    // Not retried before another `every` events: a store that keeps failing costs little.
    entry.snapshotVersion = entry.version;
    // Taken in one synchronous step, so the state, its version and its last event agree.
    const capture = captureSnapshot(entry.state, entry.commands);
    const save = this.save(snapshots, orgId, entry.version, lastEventId, capture).finally(() => {
      this.saving.delete(orgId);
      const next = this.due.get(orgId);
      this.due.delete(orgId);
      if (next) this.saveIfDue(orgId, next);
    });
    this.saving.set(orgId, save);
  }

  /**
   * Replaces the organization's snapshot by one of its state now, waiting for
   * the save and raising its failure: after an erasure, no snapshot may keep
   * the erased learner's fields. Nothing to do without a snapshot store.
   */
  async supersede(orgId: string, entry: CacheEntry): Promise<void> {
    const snapshots = this.snapshots;
    if (!snapshots || entry.lastEventId === undefined) return;
    // A save running now took its state before the erasure: let it land first, then write over it.
    while (this.saving.has(orgId)) await this.saving.get(orgId);
    entry.snapshotVersion = entry.version;
    const bytes = await encodeSnapshot(captureSnapshot(entry.state, entry.commands));
    await snapshots.save({ orgId, streamVersion: entry.version, lastEventId: entry.lastEventId, schemaVersion: SNAPSHOT_SCHEMA_VERSION, codeVersion: this.options.codeVersion, bytes });
    this.tally.saved++;
  }

  /** Lets every running save take its next step: called after each batch of commands, so saves move on even when the event loop never comes round. */
  giveTurn(): void {
    this.turns.give();
  }

  /** Resolves once every save started so far has ended (saved or failed). */
  async flush(): Promise<void> {
    while (this.saving.size > 0) await Promise.all(this.saving.values());
  }

  private async save(snapshots: SnapshotStore, orgId: string, streamVersion: number, lastEventId: string, capture: SnapshotCapture): Promise<void> {
    try {
      const turn = this.turns.next;
      // The first step waits for a turn too: the command that made the save due is answered first.
      await turn();
      const bytes = await encodeSnapshot(capture, { turn });
      await turn();
      await snapshots.save({ orgId, streamVersion, lastEventId, schemaVersion: SNAPSHOT_SCHEMA_VERSION, codeVersion: this.options.codeVersion, bytes }, { turn });
      this.tally.saved++;
    } catch (error) {
      this.tally.failedSaves++;
      this.tally.lastProblem = `snapshot not saved: ${messageOf(error)}`;
    }
  }

  private ignore(reason: string): undefined {
    this.tally.ignored++;
    this.tally.lastProblem = `snapshot ignored: ${reason}`;
    return undefined;
  }
}
