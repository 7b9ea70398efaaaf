import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { Command } from '../commands.js';
import type { DomainError } from '../errors.js';
import { isOrgId, organizationStreamId } from '../ids.js';
import type { Outcome } from '../organization/outcomes.js';
import { organizationDecider } from '../organization/decider.js';
import type { OrganizationState } from '../organization/state.js';
import { encodeEvent } from '../serialization.js';
import { SNAPSHOT_CODE_VERSION, type SnapshotStore } from '../snapshots/port.js';
import { type AppendResult, type EventStore, type NewStoredEvent, WrongExpectedVersionError } from '../store/port.js';
import { normalizeInstant } from '../time.js';
import type { CommandRange } from './command-index.js';
import { findCommand } from './command-lookup.js';
import { duplicateResult } from './duplicate.js';
import { appendFailure, concurrencyConflict, encodingFailure, invalidInstant, invalidOrganizationId, toDomainError } from './errors.js';
import { recordChanges, type CommandStamp } from './event-metadata.js';
import { KeyedMutex } from './mutex.js';
import { SnapshotKeeper, type SnapshotCounters } from './snapshots.js';
import { StateCache, foldRecorded, viewOf, type CacheEntry } from './state-cache.js';
import type { CommandContext, CommandResult, RecordedChange } from './types.js';

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
   * folded from the first event. Default: the store's own
   * (`store.snapshotStore()`: SQLite and PostgreSQL keep them beside the
   * events), else none; `false`: none (every load folds the stream).
   */
  readonly snapshots?: SnapshotStore | false;
  /**
   * Save a new snapshot once at least this many events were folded past the
   * last one (and at least one per 16 learners and commands the organization
   * holds, so saving stays a small share of the work at any size). Default 1000.
   */
  readonly snapshotEvery?: number;
  /** The code version snapshots are written with; snapshots of any other are ignored. Default {@link SNAPSHOT_CODE_VERSION}. */
  readonly snapshotCodeVersion?: string;
}

/** The instant now, as the canonical UTC ISO string. */
export const systemClock = (): string => new Date().toISOString();

/** A command decided on an organization's state, before anything is written. */
export type CacheDecision =
  | { readonly kind: 'duplicate'; readonly range: CommandRange }
  | { readonly kind: 'unchanged'; readonly outcomes: readonly Outcome[] }
  | DecidedCommand;

/** A command whose events are decided and encoded, ready to append after `version`. */
export interface DecidedCommand {
  readonly kind: 'decided';
  readonly changes: readonly RecordedChange[];
  readonly encoded: readonly NewStoredEvent[];
  readonly outcomes: readonly Outcome[];
}

/** What became of an append: landed, lost the race to another writer, or failed. */
export type AppendOutcome =
  | { readonly kind: 'appended'; readonly result: AppendResult }
  | { readonly kind: 'conflict' }
  | { readonly kind: 'failed'; readonly cause: unknown };

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
  private readonly snapshots: SnapshotKeeper;
  private readonly cache: StateCache;
  private readonly mutex = new KeyedMutex();

  constructor(options: LedgerOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.newId = options.newId ?? randomUUID;
    this.maxRetries = options.maxRetries ?? 20;
    const every = options.snapshotEvery ?? 1000;
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`snapshotEvery must be a whole number ≥ 1, got ${String(every)}`);
    this.snapshots = new SnapshotKeeper({ store: this.store, snapshots: options.snapshots, every, codeVersion: options.snapshotCodeVersion ?? SNAPSHOT_CODE_VERSION });
    this.cache = new StateCache({ store: this.store, keep: options.cacheStates ?? true, restore: (orgId, streamId) => this.snapshots.restore(orgId, streamId) });
  }

  /** What the ledger did with snapshots so far (loads, ignored snapshots, saves, failed saves). */
  snapshotCounters(): SnapshotCounters {
    return this.snapshots.counters();
  }

  /** Resolves once every snapshot save started so far has ended: saves run beside the commands; wait for them before closing the store. */
  flushSnapshots(): Promise<void> {
    return this.snapshots.flush();
  }

  /** Decides and appends one command. Domain refusals and store failures come back as values. */
  execute(command: Command, context: CommandContext): Promise<E.Either<DomainError, CommandResult>> {
    if (!isOrgId(command.orgId)) return Promise.resolve(E.left(invalidOrganizationId(command.orgId)));
    return this.mutex.run(command.orgId, () => this.handle(command, context));
  }

  /**
   * A read-only view of an organization's state as it is now: a snapshot that later commands do not
   * change, and whose changes never reach the ledger's copy.
   */
  async state(orgId: string): Promise<E.Either<DomainError, OrganizationState>> {
    if (!isOrgId(orgId)) return E.left(invalidOrganizationId(orgId));
    return this.mutex.run(orgId, async () => E.map(viewOf)(await this.load(orgId)));
  }

  /** The current instant by this ledger's clock (ISO, UTC): what commands without a `now` are decided at. */
  now(): string {
    return this.clock();
  }

  /** Forgets cached states (another process may have written; the next command reloads). */
  clearCache(): void {
    this.cache.clear();
  }

  /** Load → decide → append; on a lost race, again from the load, up to `maxRetries` times. */
  private async handle(command: Command, context: CommandContext): Promise<E.Either<DomainError, CommandResult>> {
    const commandId = context.commandId ?? this.newId();
    const givenNow = context.now ?? this.clock();
    // Events carry the canonical UTC instant, whatever offset the caller's clock wrote it in.
    const now = normalizeInstant(givenNow);
    if (now === undefined) return E.left(invalidInstant(givenNow));
    const { orgId } = command;
    const stamp: CommandStamp = { orgId, commandId, now, context };
    const streamId = organizationStreamId(orgId);
    for (let retries = 0; ; retries++) {
      const loaded = await this.load(orgId);
      if (E.isLeft(loaded)) return loaded;
      const entry = loaded.right;
      const seen = await this.commandRange(streamId, entry, commandId);
      if (E.isLeft(seen)) return seen;
      const decision = seen.right ? E.right<DomainError, CacheDecision>({ kind: 'duplicate', range: seen.right }) : this.decideOnCache(entry, command, stamp);
      if (E.isLeft(decision)) return decision;
      const decided = decision.right;
      if (decided.kind === 'duplicate') {
        return duplicateResult(this.store, { orgId, streamId, commandId, range: decided.range, version: entry.version, retries });
      }
      const { outcomes } = decided;
      if (decided.kind === 'unchanged') {
        return E.right({ status: 'unchanged', commandId, orgId, streamId, events: [], outcomes, streamVersion: entry.version, firstPosition: 0n, lastPosition: 0n, retries });
      }
      const appended = await this.appendDecided(orgId, streamId, entry, decided);
      if (appended.kind === 'conflict') {
        if (retries < this.maxRetries) continue; // another writer got there first: catch up and decide again
        return E.left(concurrencyConflict(orgId, retries));
      }
      if (appended.kind === 'failed') return E.left(appendFailure(appended.cause, commandId));
      const { nextExpectedVersion, firstPosition, lastPosition } = appended.result;
      return E.right({ status: 'applied', commandId, orgId, streamId, events: decided.changes, outcomes, streamVersion: nextExpectedVersion, firstPosition, lastPosition, retries });
    }
  }

  /** The organization's cached state caught up with its stream, starting a snapshot save when one is due. */
  private async load(orgId: string): Promise<E.Either<DomainError, CacheEntry>> {
    try {
      const entry = await this.cache.load(orgId);
      this.snapshots.saveIfDue(orgId, entry);
      return E.right(entry);
    } catch (error) {
      return E.left(toDomainError(error));
    }
  }

  /** Where the stream already holds the command's events (a duplicate), or undefined. */
  private async commandRange(streamId: string, entry: CacheEntry, commandId: string): Promise<E.Either<DomainError, CommandRange | undefined>> {
    try {
      return E.right(await findCommand(this.store, streamId, entry.commands, commandId));
    } catch (error) {
      return E.left(toDomainError(error));
    }
  }

  /** Decides one command on a state without writing anything: the decider's answer with its events stamped and encoded for the versions after `entry.version`. */
  private decideOnCache(entry: Pick<CacheEntry, 'state' | 'version'>, command: Command, stamp: CommandStamp): E.Either<DomainError, CacheDecision> {
    const decision = organizationDecider.decide(command, entry.state, { now: stamp.now });
    if (E.isLeft(decision)) return decision;
    const { events, outcomes } = decision.right;
    if (events.length === 0) return E.right({ kind: 'unchanged', outcomes });
    let changes: RecordedChange[];
    try {
      changes = recordChanges(stamp, events, entry.version, this.newId);
    } catch (error) {
      return E.left(toDomainError(error));
    }
    let encoded: NewStoredEvent[];
    try {
      encoded = changes.map((change) => encodeEvent(change.event, change.metadata));
    } catch (error) {
      return E.left(encodingFailure(error));
    }
    return E.right({ kind: 'decided', changes, encoded, outcomes });
  }

  /** Appends decided events after `entry.version` and folds them into the cache once they landed. */
  private async appendDecided(orgId: string, streamId: string, entry: CacheEntry, decided: DecidedCommand): Promise<AppendOutcome> {
    try {
      const result = await this.store.appendToStream(streamId, decided.encoded, { expectedVersion: entry.version });
      foldRecorded(entry, decided.changes);
      this.snapshots.saveIfDue(orgId, entry);
      return { kind: 'appended', result };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return { kind: 'conflict' };
      return { kind: 'failed', cause: error };
    }
  }
}

/** Creates a {@link Ledger} over a store. */
export const createLedger = (options: LedgerOptions): Ledger => new Ledger(options);
