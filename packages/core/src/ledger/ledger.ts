import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { Command, EraseLearnerPersonalData } from '../commands.js';
import type { DomainError } from '../errors.js';
import { isOrgId, organizationStreamId } from '../ids.js';
import type { OrganizationState } from '../organization/state.js';
import type { PersonalDataKeys } from '../personal/keys.js';
import { PersonalKeyNotLoadedError, sealEvent } from '../personal/seal.js';
import { SealedEventStore } from '../personal/sealed-store.js';
import { personalSubjects } from '../personal/subjects.js';
import { SNAPSHOT_CODE_VERSION, type SnapshotStore } from '../snapshots/port.js';
import { type AppendResult, type EventStore, type NewStoredEvent, WrongExpectedVersionError } from '../store/port.js';
import { normalizeInstant } from '../time.js';
import { erasureToFinish, firstPlainPersonalData, noPersonalDataKeys, plainPersonalData } from './erasure.js';
import { decideBatch, type BatchDecision, type QueuedCommand } from './batch.js';
import { commandsIn, knownCommands } from './command-lookup.js';
import { CommandQueue } from './command-queue.js';
import { backoffMs, ContentionTracker, sleep } from './contention.js';
import { appendFailure, concurrencyConflict, invalidInstant, invalidOrganizationId, LedgerLoadError, toDomainError } from './errors.js';
import { KeyedMutex } from './mutex.js';
import { appendedPositions, settleAll, settleAppended, settleFailed, type BatchPlace } from './settle.js';
import { SnapshotKeeper, type SnapshotCounters } from './snapshots.js';
import { StateCache, foldRecorded, foldStored, streamHashAt, viewOf, type CacheEntry } from './state-cache.js';
import type { CommandContext, CommandResult } from './types.js';

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
  /**
   * Commands of one organization queued in this process are decided one after
   * another and appended together, in one transaction, up to these bounds
   * (a command's events are never split). `maxCommands: 1` appends each on
   * its own. Default 100 commands, 1,000 events.
   */
  readonly groupCommit?: { readonly maxCommands?: number; readonly maxEvents?: number };
  /**
   * Once another writer got in first, decide under the store's lock when it
   * offers one (`appendLocked`), so writers wait their turn instead of
   * retrying. Default true.
   */
  readonly waitForLock?: boolean;
  /**
   * Stamp every event with its stream's chain link (see `verifyChain`).
   * Default true; false writes events without it, as before the chain, for
   * measuring what the chain costs: verification then reports them unchained.
   */
  readonly chain?: boolean;
  /**
   * Where learners' personal-data keys are kept. With keys, the personal
   * fields of every event are sealed with their learner's key before the
   * event is chained and written, and every read through `ledger.store`
   * opens them; `EraseLearnerPersonalData` shreds the key. A
   * {@link SealedEventStore} given as `store` brings its keys. Default: none
   * (personal data is written in plain text and cannot be erased).
   */
  readonly personalData?: PersonalDataKeys;
}

/** The instant now, as the canonical UTC ISO string. */
export const systemClock = (): string => new Date().toISOString();

/** What one attempt at a batch came to. */
type Attempt =
  | { readonly kind: 'conflict' }
  /** Decided on the cached state, without events to append: only a caught-up state can confirm the answers. */
  | { readonly kind: 'unconfirmed' }
  /** Settled already, with these to queue again. */
  | { readonly kind: 'settled'; readonly again: readonly QueuedCommand[] };

const positiveWhole = (value: number, what: string): number => {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${what} must be a whole number ≥ 1, got ${String(value)}`);
  return value;
};

/**
 * The ledger: commands queue per organization; each batch is loaded, decided
 * command after command, and appended in one transaction with the expected
 * version, idempotent by command id. A lost race is decided again; once
 * another writer shows up, batches decide under the store's lock when it
 * has one. One organization is one stream, so every batch is one atomic
 * append on every store.
 */
export class Ledger {
  /** The store as the library reads it: personal fields opened when the ledger seals them. */
  readonly store: EventStore;
  /** The store that opens and seals personal fields, when the ledger keeps keys. */
  readonly sealing: SealedEventStore | undefined;
  private readonly clock: () => string;
  private readonly newId: () => string;
  private readonly maxRetries: number;
  private readonly maxEvents: number;
  private readonly waitForLock: boolean;
  private readonly chain: boolean;
  private readonly snapshots: SnapshotKeeper;
  private readonly cache: StateCache;
  private readonly mutex = new KeyedMutex();
  private readonly queue: CommandQueue<QueuedCommand>;
  private readonly contention = new ContentionTracker();

  constructor(options: LedgerOptions) {
    this.sealing = options.store instanceof SealedEventStore ? options.store : options.personalData ? new SealedEventStore(options.store, options.personalData) : undefined;
    this.store = this.sealing ?? options.store;
    this.clock = options.clock ?? systemClock;
    this.newId = options.newId ?? randomUUID;
    this.maxRetries = options.maxRetries ?? 20;
    this.maxEvents = positiveWhole(options.groupCommit?.maxEvents ?? 1000, 'groupCommit.maxEvents');
    this.waitForLock = options.waitForLock ?? true;
    this.chain = options.chain ?? true;
    const every = positiveWhole(options.snapshotEvery ?? 1000, 'snapshotEvery');
    this.snapshots = new SnapshotKeeper({ store: this.store, snapshots: options.snapshots, every, codeVersion: options.snapshotCodeVersion ?? SNAPSHOT_CODE_VERSION });
    this.cache = new StateCache({ store: this.store, keep: options.cacheStates ?? true, chain: this.chain, restore: (orgId, streamId) => this.snapshots.restore(orgId, streamId) });
    const maxCommands = positiveWhole(options.groupCommit?.maxCommands ?? 100, 'groupCommit.maxCommands');
    this.queue = new CommandQueue(this.mutex, maxCommands, async (orgId, batch) => {
      try {
        return await this.runBatch(orgId, batch);
      } finally {
        this.snapshots.giveTurn();
      }
    });
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
    const fromClock = context.now === undefined;
    const given = context.now ?? this.clock();
    // Events carry the canonical UTC instant, whatever offset the caller's clock wrote it in.
    const now = normalizeInstant(given);
    if (now === undefined) return Promise.resolve(E.left(invalidInstant(given)));
    const commandId = context.commandId ?? this.newId();
    if (command.type === 'EraseLearnerPersonalData') return this.erase(command, { command, context, commandId, now, fromClock });
    return this.enqueue({ command, context, commandId, now, fromClock });
  }

  private enqueue(queued: Omit<QueuedCommand, 'retries' | 'settle'>): Promise<E.Either<DomainError, CommandResult>> {
    return new Promise((settle) => this.queue.push(queued.command.orgId, { ...queued, retries: 0, settle }));
  }

  /**
   * Erasure: refused when the learner's personal data is anywhere in plain
   * text; otherwise the erasure event is appended first, then the key is
   * shredded and the organization's snapshot replaced by one taken after the
   * erasure. Erasing again finishes an erasure cut short between the two.
   */
  private async erase(command: EraseLearnerPersonalData, queued: Omit<QueuedCommand, 'retries' | 'settle'>): Promise<E.Either<DomainError, CommandResult>> {
    const sealing = this.sealing;
    if (!sealing) return E.left(noPersonalDataKeys(command));
    try {
      const plain = await firstPlainPersonalData(sealing.inner, command.orgId, command.learnerId);
      if (plain !== undefined) return E.left(plainPersonalData(command, plain));
    } catch (error) {
      return E.left(toDomainError(error));
    }
    const result = await this.enqueue(queued);
    if (E.isLeft(result) || !erasureToFinish(result.right)) return result;
    try {
      await sealing.shred(command.orgId, [command.learnerId]);
      await this.mutex.run(command.orgId, async () => {
        const loaded = await this.load(command.orgId);
        if (E.isLeft(loaded)) throw new Error(loaded.left.message);
        await this.snapshots.supersede(command.orgId, loaded.right);
      });
    } catch (error) {
      // The erasure is recorded and reads as erased; running it again finishes the shredding.
      return E.left(toDomainError(error));
    }
    return result;
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

  /** Runs one batch to its end: every command is answered or handed back. Never rejects. */
  private async runBatch(orgId: string, batch: readonly QueuedCommand[]): Promise<readonly QueuedCommand[]> {
    let queue = batch;
    // A cached state is decided on as it is: the append's expected version catches a stale one (a lost race, then a reload).
    let reload = false;
    try {
      for (;;) {
        const loaded = await this.loadForDecision(orgId, reload);
        if (E.isLeft(loaded)) {
          settleAll(queue, loaded.left);
          return [];
        }
        const attempt = await this.attempt(orgId, loaded.right.entry, queue, loaded.right.caughtUp);
        if (attempt.kind === 'settled') return attempt.again;
        if (attempt.kind === 'unconfirmed') {
          reload = true;
          continue;
        }
        // Another writer got in first: catch up and decide again; give up on commands out of retries.
        this.contention.lostRace(orgId);
        const still: QueuedCommand[] = [];
        for (const queued of queue) {
          queued.retries++;
          if (queued.retries > this.maxRetries) queued.settle(E.left(concurrencyConflict(orgId, queued.retries - 1)));
          else still.push(queued);
        }
        if (still.length === 0) return [];
        queue = still;
        // Under the lock, the events this ledger lacks are read with the lock held.
        reload = !this.lockedNext(orgId);
        if (reload) await sleep(backoffMs(Math.min(...queue.map((q) => q.retries))));
      }
    } catch (error) {
      settleAll(queue, toDomainError(error));
      return [];
    }
  }

  private lockedNext(orgId: string): boolean {
    return this.waitForLock && this.store.appendLocked !== undefined && this.contention.useLock(orgId);
  }

  /** Decides the batch and appends it, optimistically or under the store's lock; answers its commands once settled. */
  private async attempt(orgId: string, entry: CacheEntry, queue: readonly QueuedCommand[], caughtUp: boolean): Promise<Attempt> {
    const streamId = organizationStreamId(orgId);
    let decision: BatchDecision | undefined;
    let appended: AppendResult | undefined;
    try {
      const keyOf = this.sealing ? await this.sealing.keysForWriting(orgId, queue.flatMap((queued) => personalSubjects(queued.command))) : undefined;
      const limits = { maxEvents: this.maxEvents, newId: this.newId, chain: this.chain, ...(keyOf ? { seal: (event: NewStoredEvent) => sealEvent(event, keyOf) } : {}) };
      const known = await knownCommands(this.store, streamId, entry.commands, queue);
      if (this.lockedNext(orgId)) {
        let othersWrote = false;
        const outcome = await this.store.appendLocked!(streamId, entry.version, (tail) => {
          othersWrote = tail.length > 0;
          foldStored(entry, tail);
          const inTail = commandsIn(tail);
          // Kept outside too: a failed append still answers each decided command.
          const decided = decideBatch(entry, orgId, queue, limits, (commandId) => inTail.get(commandId) ?? entry.commands.recentRange(commandId) ?? known.get(commandId));
          decision = decided;
          return { events: decided.encoded, value: decided };
        });
        this.contention.lockedBatch(orgId, othersWrote);
        decision = outcome.value;
        appended = outcome.append;
      } else {
        decision = decideBatch(entry, orgId, queue, limits, (commandId) => entry.commands.recentRange(commandId) ?? known.get(commandId));
        // Refusals and no-ops are confirmed by a state caught up with the stream; events, by the append's expected version.
        if (decision.encoded.length === 0 && !caughtUp) return { kind: 'unconfirmed' };
        if (decision.encoded.length > 0) appended = await this.store.appendToStream(streamId, decision.encoded, { expectedVersion: entry.version });
      }
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return { kind: 'conflict' };
      // Another writer's tail holds a learner whose key was not looked up: read it again, keys and all.
      if (error instanceof PersonalKeyNotLoadedError && decision === undefined) return { kind: 'unconfirmed' };
      // A tail that does not decode leaves a half-folded entry: no later command may decide on it.
      if (error instanceof LedgerLoadError) this.cache.clear();
      if (decision === undefined) {
        // Failed before anything was decided (the lock was not granted, the tail was unreadable): nothing was written.
        for (const queued of queue) queued.settle(E.left(appendFailure(error, queued.commandId)));
        return { kind: 'settled', again: [] };
      }
      return this.failed(orgId, entry, decision, error);
    }
    if (appended !== undefined) {
      foldRecorded(entry, decision.changes, decision.hashes);
      this.snapshots.saveIfDue(orgId, entry);
    }
    let positionAt = (_index: number): bigint => 0n;
    try {
      if (appended !== undefined) positionAt = await appendedPositions(this.store, streamId, appended, decision.encoded.length);
    } catch (error) {
      // The events landed; a run of the same command id finds them.
      return this.failed(orgId, entry, decision, error);
    }
    await settleAppended(this.placeOf(orgId, entry), decision, positionAt);
    return { kind: 'settled', again: decision.deferred };
  }

  private async failed(orgId: string, entry: CacheEntry, decision: BatchDecision, error: unknown): Promise<Attempt> {
    const again = await settleFailed(this.placeOf(orgId, entry), decision, error);
    return { kind: 'settled', again: [...again, ...decision.deferred] };
  }

  private placeOf(orgId: string, entry: CacheEntry): BatchPlace {
    return { store: this.store, orgId, streamId: organizationStreamId(orgId), version: entry.version };
  }

  /** The organization's state to decide on (as cached, or caught up with its stream), and the instant of its last event known. */
  private async loadForDecision(orgId: string, reload: boolean): Promise<E.Either<DomainError, { entry: CacheEntry; caughtUp: boolean }>> {
    const cached = reload ? undefined : this.cache.cached(orgId);
    const loaded = cached ? E.right(cached) : await this.load(orgId);
    if (E.isLeft(loaded)) return loaded;
    const entry = loaded.right;
    const caughtUp = cached === undefined;
    try {
      if (entry.version > 0 && entry.lastOccurredAt === undefined) {
        // Restored from a snapshot with nothing after it: the instant is in the event it was taken at.
        const [last] = (await this.store.readStream(organizationStreamId(orgId), { fromVersion: entry.version, maxCount: 1 })).events;
        const occurredAt = (last?.metadata as { occurredAt?: unknown } | undefined)?.occurredAt;
        entry.lastOccurredAt = typeof occurredAt === 'string' ? normalizeInstant(occurredAt) : undefined;
      }
      // Restored from a snapshot of a stream written before the chain: its events are hashed once, for the next event to anchor them.
      if (this.chain && entry.lastHash === undefined) entry.lastHash = await streamHashAt(this.store, organizationStreamId(orgId), entry.version);
    } catch (error) {
      return E.left(toDomainError(error));
    }
    return E.right({ entry, caughtUp });
  }

  /** The organization's cached state caught up with its stream, saving a snapshot when one is due. */
  private async load(orgId: string): Promise<E.Either<DomainError, CacheEntry>> {
    try {
      const entry = await this.cache.load(orgId);
      this.snapshots.saveIfDue(orgId, entry);
      return E.right(entry);
    } catch (error) {
      return E.left(toDomainError(error));
    }
  }
}

/** Creates a {@link Ledger} over a store. */
export const createLedger = (options: LedgerOptions): Ledger => new Ledger(options);
