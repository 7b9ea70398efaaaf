import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { Command } from './commands.js';
import { domainError, type DomainError } from './errors.js';
import type { DomainEvent } from './events.js';
import { isOrgId, organizationStreamId, orgIdOfStream } from './ids.js';
import type { Actor, Channel, EventMetadata } from './metadata.js';
import { organizationDecider, type Emitted, type Outcome } from './organization/decider.js';
import { copyState, draftOf, type OrganizationState } from './organization/state.js';
import { decodeEvent, encodeEvent, InvalidEventError, type EventEnvelope } from './serialization.js';
import { normalizeInstant } from './time.js';
import { type EventStore, type GlobalPosition, type NewStoredEvent, StoreUnavailableError, WrongExpectedVersionError, readAllBatches } from './store/port.js';
import { SNAPSHOT_CODE_VERSION, SNAPSHOT_SCHEMA_VERSION, type OrganizationSnapshot, type SnapshotStore } from './snapshots/port.js';
import { deserializeCommands, deserializeOrganizationState, serializeOrganizationState } from './snapshots/state-codec.js';

const { decide, evolve, initialState: initialOrganizationState } = organizationDecider;

/** Who asks, through which channel, and under which ids. */
export interface CommandContext {
  /** Idempotency key: the same command id is applied once. Default: a fresh UUID. */
  readonly commandId?: string;
  readonly actor: Actor;
  readonly channel: Channel;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly importId?: string;
  readonly fileName?: string;
  readonly line?: number;
  /** The instant the command is decided at (ISO, UTC). Default: the ledger's clock. */
  readonly now?: string;
}

export interface RecordedChange {
  readonly event: DomainEvent;
  readonly metadata: EventMetadata;
  readonly streamVersion: number;
}

export interface CommandResult {
  /** `applied`: events were appended; `unchanged`: nothing to do; `duplicate`: this command id was applied before. */
  readonly status: 'applied' | 'unchanged' | 'duplicate';
  readonly commandId: string;
  readonly orgId: string;
  readonly streamId: string;
  readonly events: readonly RecordedChange[];
  readonly outcomes: readonly Outcome[];
  /** The organization stream's version after the command. */
  readonly streamVersion: number;
  /** Global positions of the first and last appended event (0n when none). */
  readonly firstPosition: GlobalPosition;
  readonly lastPosition: GlobalPosition;
  /** How many times the decision was retried after a concurrent write. */
  readonly retries: number;
}

export interface LedgerOptions {
  readonly store: EventStore;
  /** Returns the current instant (ISO, UTC). Used only when a call gives no `now`. */
  readonly clock?: () => string;
  /** Generates event and command ids. Default: random UUIDs. */
  readonly newId?: () => string;
  /** How often a decision is retried after losing a race with another writer. Default 20. */
  readonly maxRetries?: number;
  /** Keep each organization's folded state between commands. Default true. */
  readonly cacheStates?: boolean;
  /**
   * Where organization snapshots are kept. With one, an organization is loaded
   * from its latest valid snapshot and caught up from the stream, instead of
   * folded from the first event. Default: none (every load folds the stream).
   */
  readonly snapshots?: SnapshotStore;
  /** Save a new snapshot once at least this many events were folded past the last one. Default 1000. */
  readonly snapshotEvery?: number;
  /** The code version snapshots are written with; snapshots of any other are ignored. Default {@link SNAPSHOT_CODE_VERSION}. */
  readonly snapshotCodeVersion?: string;
}

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

interface CacheEntry {
  state: OrganizationState;
  version: number;
  /** commandId → the stream versions its events occupy. */
  readonly commands: Map<string, { from: number; to: number }>;
  /** A view handed out by `state()` reads through to these maps: copy them before folding in place again. */
  shared: boolean;
  /** The id of the event at `version` (undefined at version 0). */
  lastEventId: string | undefined;
  /** The version of the last snapshot loaded or saved (0: none). */
  snapshotVersion: number;
}

/** Folds one event into a cached state, first giving up maps that outstanding views read through to. */
const foldInto = (entry: CacheEntry, event: DomainEvent, metadata: EventMetadata): void => {
  if (entry.shared) {
    entry.state = copyState(entry.state);
    entry.shared = false;
  }
  entry.state = evolve(entry.state, event, metadata);
};

const LOAD_PAGE = 10_000;

/** The instant now, as the canonical UTC ISO string. */
export const systemClock = (): string => new Date().toISOString();

/**
 * The ledger: load → decide → append with the expected version, retried on a
 * concurrent write, idempotent by command id. One organization is one stream,
 * so every command is a single atomic append on every store.
 */
export class Ledger {
  readonly store: EventStore;
  private readonly clock: () => string;
  private readonly newId: () => string;
  private readonly maxRetries: number;
  private readonly cacheStates: boolean;
  private readonly snapshots: SnapshotStore | undefined;
  private readonly snapshotEvery: number;
  private readonly snapshotCodeVersion: string;
  private counters: { loaded: number; ignored: number; saved: number; failedSaves: number; lastProblem?: string } = { loaded: 0, ignored: 0, saved: 0, failedSaves: 0 };
  private readonly cache = new Map<string, CacheEntry>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(options: LedgerOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.newId = options.newId ?? randomUUID;
    this.maxRetries = options.maxRetries ?? 20;
    this.cacheStates = options.cacheStates ?? true;
    this.snapshots = options.snapshots;
    const every = options.snapshotEvery ?? 1000;
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`snapshotEvery must be a whole number ≥ 1, got ${String(every)}`);
    this.snapshotEvery = every;
    this.snapshotCodeVersion = options.snapshotCodeVersion ?? SNAPSHOT_CODE_VERSION;
  }

  /** What the ledger did with snapshots so far (loads, ignored snapshots, saves, failed saves). */
  snapshotCounters(): SnapshotCounters {
    return { ...this.counters };
  }

  /** Decides and appends one command. Domain refusals and store failures come back as values. */
  execute(command: Command, context: CommandContext): Promise<E.Either<DomainError, CommandResult>> {
    if (!isOrgId(command.orgId)) {
      return Promise.resolve(E.left(domainError('INVALID_ORGANIZATION_ID', `Organization id ${JSON.stringify(command.orgId)} is not valid: use 1-64 letters, digits, "_", "-" or "."`)));
    }
    return this.exclusive(command.orgId, () => this.executeLocked(command, context));
  }

  /**
   * A read-only view of an organization's state as it is now: a snapshot that later commands do not
   * change, and whose changes never reach the ledger's copy.
   */
  async state(orgId: string): Promise<E.Either<DomainError, OrganizationState>> {
    if (!isOrgId(orgId)) return E.left(domainError('INVALID_ORGANIZATION_ID', `Organization id ${JSON.stringify(orgId)} is not valid`));
    return this.exclusive(orgId, async () => {
      try {
        const entry = await this.load(orgId);
        entry.shared = true;
        return E.right(draftOf(entry.state));
      } catch (error) {
        return E.left(toDomainError(error));
      }
    });
  }

  /** The current instant by this ledger's clock (ISO, UTC): what commands without a `now` are decided at. */
  now(): string {
    return this.clock();
  }

  /** Forgets cached states (another process may have written; the next command reloads). */
  clearCache(): void {
    this.cache.clear();
  }

  private async executeLocked(command: Command, context: CommandContext): Promise<E.Either<DomainError, CommandResult>> {
    const commandId = context.commandId ?? this.newId();
    const givenNow = context.now ?? this.clock();
    // Events carry the canonical UTC instant, whatever offset the caller's clock wrote it in.
    const now = normalizeInstant(givenNow);
    if (now === undefined) {
      return E.left(domainError('INVALID_INSTANT', `The command time ${JSON.stringify(givenNow)} is not an ISO-8601 instant with an offset, like 2026-03-02T09:00:00Z`));
    }
    const streamId = organizationStreamId(command.orgId);
    let retries = 0;
    for (;;) {
      let entry: CacheEntry;
      try {
        entry = await this.load(command.orgId);
      } catch (error) {
        return E.left(toDomainError(error));
      }
      const previous = entry.commands.get(commandId);
      if (previous) return this.duplicate(command.orgId, streamId, commandId, previous, entry.version, retries);
      const decision = decide(command, entry.state, { now });
      if (E.isLeft(decision)) return decision;
      const { events, outcomes } = decision.right;
      if (events.length === 0) {
        return E.right({ status: 'unchanged', commandId, orgId: command.orgId, streamId, events: [], outcomes, streamVersion: entry.version, firstPosition: 0n, lastPosition: 0n, retries });
      }
      let changes: RecordedChange[];
      try {
        changes = events.map((emitted, index) => ({
          event: emitted.event,
          metadata: this.metadataFor(command.orgId, commandId, now, context, emitted),
          streamVersion: entry.version + index + 1,
        }));
      } catch (error) {
        return E.left(toDomainError(error));
      }
      let encoded: NewStoredEvent[];
      try {
        encoded = changes.map((change) => encodeEvent(change.event, change.metadata));
      } catch (error) {
        // A command whose fields the decider let through but the event codec refuses: the caller's input, not the store.
        if (error instanceof InvalidEventError) {
          return E.left(domainError('INVALID_EVENT', `${error.message}; nothing was written`, error.field !== undefined ? { subject: error.field } : {}));
        }
        return E.left(toDomainError(error));
      }
      try {
        const appended = await this.store.appendToStream(streamId, encoded, { expectedVersion: entry.version });
        this.remember(entry, changes, commandId);
        await this.saveSnapshotIfDue(command.orgId, entry);
        return E.right({
          status: 'applied',
          commandId,
          orgId: command.orgId,
          streamId,
          events: changes,
          outcomes,
          streamVersion: appended.nextExpectedVersion,
          firstPosition: appended.firstPosition,
          lastPosition: appended.lastPosition,
          retries,
        });
      } catch (error) {
        if (error instanceof WrongExpectedVersionError && retries < this.maxRetries) {
          retries++;
          continue; // another writer got there first: catch up and decide again
        }
        if (error instanceof WrongExpectedVersionError) {
          return E.left(domainError('CONCURRENCY_CONFLICT', `Organization ${command.orgId} kept changing under this command (${retries} retries); nothing was written, run it again`));
        }
        // The append may or may not have landed: the caller needs the command id to re-run it safely.
        const failure = toDomainError(error);
        return E.left({ ...failure, message: `${failure.message} (command id ${commandId})`, subject: commandId });
      }
    }
  }

  private metadataFor(orgId: string, commandId: string, now: string, context: CommandContext, emitted: Emitted): EventMetadata {
    const line = emitted.line ?? context.line;
    return {
      eventId: this.newId(),
      occurredAt: now,
      orgId,
      commandId,
      correlationId: context.correlationId ?? commandId,
      causationId: emitted.causationId ?? context.causationId ?? commandId,
      actor: emitted.actor ?? context.actor,
      channel: emitted.channel ?? context.channel,
      ...(context.importId !== undefined ? { importId: context.importId } : {}),
      ...(context.fileName !== undefined ? { fileName: context.fileName } : {}),
      ...(line !== undefined ? { line } : {}),
    };
  }

  private async duplicate(
    orgId: string,
    streamId: string,
    commandId: string,
    range: { from: number; to: number },
    version: number,
    retries: number,
  ): Promise<E.Either<DomainError, CommandResult>> {
    try {
      const read = await this.store.readStream(streamId, { fromVersion: range.from, maxCount: range.to - range.from + 1 });
      const envelopes: EventEnvelope[] = [];
      for (const stored of read.events) {
        const decoded = decodeEvent(stored);
        if (E.isLeft(decoded)) return E.left(domainError('EVENT_DECODE_FAILED', decoded.left.message));
        envelopes.push(decoded.right);
      }
      return E.right({
        status: 'duplicate',
        commandId,
        orgId,
        streamId,
        events: envelopes.map((e) => ({ event: e.event, metadata: e.metadata, streamVersion: e.streamVersion })),
        outcomes: [],
        streamVersion: version,
        firstPosition: envelopes[0]?.globalPosition ?? 0n,
        lastPosition: envelopes[envelopes.length - 1]?.globalPosition ?? 0n,
        retries,
      });
    } catch (error) {
      return E.left(toDomainError(error));
    }
  }

  /** The cached state caught up with the stream (or folded from scratch). */
  private async load(orgId: string): Promise<CacheEntry> {
    const streamId = organizationStreamId(orgId);
    let entry = this.cache.get(orgId);
    if (!entry) {
      entry = (await this.restore(orgId, streamId)) ?? { state: initialOrganizationState(), version: 0, commands: new Map(), shared: false, lastEventId: undefined, snapshotVersion: 0 };
      if (this.cacheStates) this.cache.set(orgId, entry);
    }
    for (;;) {
      const read = await this.store.readStream(streamId, { fromVersion: entry.version + 1, maxCount: LOAD_PAGE });
      for (const stored of read.events) {
        if (stored.streamVersion !== entry.version + 1) continue;
        const decoded = decodeEvent(stored);
        if (E.isLeft(decoded)) {
          this.cache.delete(orgId);
          throw new LedgerLoadError(decoded.left.message);
        }
        foldInto(entry, decoded.right.event, decoded.right.metadata);
        entry.version = stored.streamVersion;
        entry.lastEventId = stored.eventId;
        trackCommand(entry, decoded.right.metadata.commandId, stored.streamVersion);
      }
      if (read.events.length < LOAD_PAGE) break;
    }
    await this.saveSnapshotIfDue(orgId, entry);
    return entry;
  }

  /**
   * The organization as its snapshot has it, when there is one this code can
   * trust: same schema and code version, and taken on this very stream (the
   * event at its version is there, with the same id). Anything else is ignored.
   */
  private async restore(orgId: string, streamId: string): Promise<CacheEntry | undefined> {
    if (!this.snapshots) return undefined;
    let snapshot: OrganizationSnapshot | undefined;
    try {
      snapshot = await this.snapshots.load(orgId);
    } catch (error) {
      return this.ignoreSnapshot(`loading it failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (snapshot === undefined) return undefined;
    if (snapshot.orgId !== orgId) return this.ignoreSnapshot(`it is of organization ${snapshot.orgId}`);
    if (snapshot.schemaVersion !== SNAPSHOT_SCHEMA_VERSION) return this.ignoreSnapshot(`its schema version is ${snapshot.schemaVersion}, this code reads ${SNAPSHOT_SCHEMA_VERSION}`);
    if (snapshot.codeVersion !== this.snapshotCodeVersion) return this.ignoreSnapshot(`it was written by ${snapshot.codeVersion}, this is ${this.snapshotCodeVersion}`);
    if (!Number.isInteger(snapshot.streamVersion) || snapshot.streamVersion < 1) return this.ignoreSnapshot(`its stream version ${snapshot.streamVersion} is not a version`);
    const read = await this.store.readStream(streamId, { fromVersion: snapshot.streamVersion, maxCount: 1 });
    const at = read.events[0];
    if (read.currentVersion < snapshot.streamVersion) return this.ignoreSnapshot(`it is at version ${snapshot.streamVersion}, ahead of the stream (version ${read.currentVersion})`);
    if (at === undefined || at.streamVersion !== snapshot.streamVersion || at.eventId !== snapshot.lastEventId) {
      return this.ignoreSnapshot(`the stream's event at version ${snapshot.streamVersion} is not the one it was taken after`);
    }
    let state: E.Either<string, OrganizationState>;
    let commands: E.Either<string, Map<string, { from: number; to: number }>>;
    try {
      state = deserializeOrganizationState(JSON.parse(snapshot.state));
      commands = deserializeCommands(JSON.parse(snapshot.commands));
    } catch (error) {
      return this.ignoreSnapshot(`it is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (E.isLeft(state)) return this.ignoreSnapshot(`its state does not decode (${state.left})`);
    if (E.isLeft(commands)) return this.ignoreSnapshot(`its command record does not decode (${commands.left})`);
    if (state.right.orgId !== orgId) return this.ignoreSnapshot(`its state is of organization ${state.right.orgId}`);
    this.counters.loaded++;
    return { state: state.right, version: snapshot.streamVersion, commands: commands.right, shared: false, lastEventId: snapshot.lastEventId, snapshotVersion: snapshot.streamVersion };
  }

  private ignoreSnapshot(reason: string): undefined {
    this.counters.ignored++;
    this.counters.lastProblem = `snapshot ignored: ${reason}`;
    return undefined;
  }

  /** Saves a snapshot once enough events were folded past the last one. A failure is counted, never raised. */
  private async saveSnapshotIfDue(orgId: string, entry: CacheEntry): Promise<void> {
    if (!this.snapshots || entry.lastEventId === undefined || entry.version - entry.snapshotVersion < this.snapshotEvery) return;
    // Not retried before another `snapshotEvery` events: a store that keeps failing costs little.
    entry.snapshotVersion = entry.version;
    try {
      const commands: [string, number, number][] = [];
      for (const [commandId, range] of entry.commands) commands.push([commandId, range.from, range.to]);
      await this.snapshots.save({
        orgId,
        streamVersion: entry.version,
        lastEventId: entry.lastEventId,
        schemaVersion: SNAPSHOT_SCHEMA_VERSION,
        codeVersion: this.snapshotCodeVersion,
        state: JSON.stringify(serializeOrganizationState(entry.state)),
        commands: JSON.stringify(commands),
      });
      this.counters.saved++;
    } catch (error) {
      this.counters.failedSaves++;
      this.counters.lastProblem = `snapshot not saved: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  private remember(entry: CacheEntry, changes: readonly RecordedChange[], commandId: string): void {
    for (const change of changes) {
      if (change.streamVersion !== entry.version + 1) return; // the cache moved on; the next load catches up
      foldInto(entry, change.event, change.metadata);
      entry.version = change.streamVersion;
      entry.lastEventId = change.metadata.eventId;
      trackCommand(entry, commandId, change.streamVersion);
    }
  }

  /** Runs `work` after every earlier call for the same organization in this ledger. */
  private exclusive<T>(orgId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(orgId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(orgId, settled);
    void settled.then(() => {
      if (this.locks.get(orgId) === settled) this.locks.delete(orgId);
    });
    return next;
  }
}

const trackCommand = (entry: CacheEntry, commandId: string, version: number): void => {
  const range = entry.commands.get(commandId);
  if (range) range.to = version;
  else entry.commands.set(commandId, { from: version, to: version });
};

class LedgerLoadError extends Error {
  readonly code = 'EVENT_DECODE_FAILED';
}

const toDomainError = (error: unknown): DomainError => {
  if (error instanceof LedgerLoadError) return domainError('EVENT_DECODE_FAILED', error.message);
  // The store's own message says whether anything was written; re-running is safe either way.
  const rerun = 'Run the command again with the same command id: it is applied at most once';
  if (error instanceof StoreUnavailableError) return domainError('STORE_FAILURE', `${error.message}. ${rerun}`);
  const message = error instanceof Error ? error.message : String(error);
  return domainError('STORE_FAILURE', `The event store failed: ${message}. ${rerun}`);
};

/** Creates a {@link Ledger} over a store. */
export const createLedger = (options: LedgerOptions): Ledger => new Ledger(options);

/** Every organization id with a stream in the store (scans the log once). */
export const listOrganizationIds = async (store: EventStore): Promise<string[]> => {
  const ids = new Set<string>();
  for await (const batch of readAllBatches(store, { maxCount: 5000 })) {
    for (const event of batch.events) {
      if (event.type !== 'OrganizationOnboarded') continue;
      const orgId = orgIdOfStream(event.streamId);
      if (orgId !== undefined) ids.add(orgId);
    }
  }
  return [...ids].sort();
};
