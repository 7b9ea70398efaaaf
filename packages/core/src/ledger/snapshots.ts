import * as E from 'fp-ts/lib/Either.js';
import type { OrganizationState } from '../organization/state.js';
import { SNAPSHOT_SCHEMA_VERSION, type OrganizationSnapshot, type SnapshotStore } from '../snapshots/port.js';
import { deserializeCommands, deserializeOrganizationState, serializeOrganizationState } from '../snapshots/state-codec.js';
import type { EventStore } from '../store/port.js';
import { commandIndex } from './command-index.js';
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
  /** Why the last snapshot was ignored or failed to save. */
  readonly lastProblem?: string;
}

export interface SnapshotKeeperOptions {
  readonly store: EventStore;
  /** Where snapshots are kept; without one, nothing is restored or saved. */
  readonly snapshots: SnapshotStore | undefined;
  /** Save once at least this many events were folded past the last snapshot. */
  readonly every: number;
  /** The code version snapshots are written with; snapshots of any other are ignored. */
  readonly codeVersion: string;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Restores organizations from snapshots it can trust and saves new ones as streams grow; never fails a command. */
export class SnapshotKeeper {
  private readonly tally: { loaded: number; ignored: number; saved: number; failedSaves: number; lastProblem?: string } = { loaded: 0, ignored: 0, saved: 0, failedSaves: 0 };

  constructor(private readonly options: SnapshotKeeperOptions) {}

  counters(): SnapshotCounters {
    return { ...this.tally };
  }

  /**
   * The organization as its snapshot has it, when there is one this code can
   * trust: same schema and code version, and taken on this very stream (the
   * event at its version is there, with the same id). Anything else is ignored.
   */
  async restore(orgId: string, streamId: string): Promise<CacheEntry | undefined> {
    const { snapshots, store, codeVersion } = this.options;
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
    let state: E.Either<string, OrganizationState>;
    let commands: E.Either<string, Map<string, { from: number; to: number }>>;
    try {
      state = deserializeOrganizationState(JSON.parse(snapshot.state));
      commands = deserializeCommands(JSON.parse(snapshot.commands));
    } catch (error) {
      return this.ignore(`it is not JSON: ${messageOf(error)}`);
    }
    if (E.isLeft(state)) return this.ignore(`its state does not decode (${state.left})`);
    if (E.isLeft(commands)) return this.ignore(`its command record does not decode (${commands.left})`);
    if (state.right.orgId !== orgId) return this.ignore(`its state is of organization ${state.right.orgId}`);
    this.tally.loaded++;
    return {
      state: state.right,
      version: snapshot.streamVersion,
      commands: commandIndex(commands.right),
      shared: false,
      lastEventId: snapshot.lastEventId,
      snapshotVersion: snapshot.streamVersion,
    };
  }

  /** Saves a snapshot once enough events were folded past the last one. A failure is counted, never raised. */
  async saveIfDue(orgId: string, entry: CacheEntry): Promise<void> {
    const { snapshots, every, codeVersion } = this.options;
    if (!snapshots || entry.lastEventId === undefined || entry.version - entry.snapshotVersion < every) return;
    // Not retried before another `every` events: a store that keeps failing costs little.
    entry.snapshotVersion = entry.version;
    try {
      const commands: [string, number, number][] = [];
      for (const [commandId, range] of entry.commands.entries()) commands.push([commandId, range.from, range.to]);
      await snapshots.save({
        orgId,
        streamVersion: entry.version,
        lastEventId: entry.lastEventId,
        schemaVersion: SNAPSHOT_SCHEMA_VERSION,
        codeVersion,
        state: JSON.stringify(serializeOrganizationState(entry.state)),
        commands: JSON.stringify(commands),
      });
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
