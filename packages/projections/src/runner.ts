import * as E from 'fp-ts/lib/Either.js';
import { decodeEvent, EVENT_TYPES, isKnownEventType, type EventStore, type GlobalPosition, type StoredEvent } from '@learner-ledger/core';
import type { AnyProjection, Projection } from './projection.js';
import { describeProjection, type ProjectionDescription, type ProjectionStore } from './projection-store.js';
import { OUT_OF_SCOPE, RunnerScope } from './runner-scope.js';
import { ProjectionRunnerError, type FollowOptions, type ProjectionRunnerOptions, type ProjectionStats, type RunnerStats, type UnknownEventPolicy } from './runner-types.js';
import type { Row, Table } from './table.js';

export * from './runner-types.js';

interface Slot {
  readonly projection: AnyProjection;
  readonly description: ProjectionDescription;
  readonly reads: ReadonlySet<string>;
  state: unknown;
  tables: readonly Table<Row>[];
  loaded: boolean;
  /** Position processed in memory. */
  position: GlobalPosition;
  /** Position committed to the projection store. */
  committed: GlobalPosition;
  eventsApplied: number;
  batchesCommitted: number;
  skippedEvents: number;
  rebuilds: number;
  caughtUp: boolean;
}

/** Events read from the store at a time, whatever the batch size (the events a commit covers). */
const READ_PAGE = 1000;

/** The slots of a group that read each event type, in the group's order. */
const readersByType = (slots: readonly Slot[]): Map<string, Slot[]> => {
  const readers = new Map<string, Slot[]>();
  for (const slot of slots) {
    for (const type of slot.reads) {
      const list = readers.get(type);
      if (list) list.push(slot);
      else readers.set(type, [slot]);
    }
  }
  return readers;
};

/**
 * Feeds projections from the store's global log, in batches, through the
 * core's codecs. Each projection has its own checkpoint, committed with its
 * changed rows in one transaction of the projection store after every batch;
 * a new runner over the same projection store resumes from there. Projections
 * at different positions (one being rebuilt, the others current) read the log
 * separately, so a rebuild never holds the others back.
 */
export class ProjectionRunner {
  readonly store: EventStore;
  readonly projectionStore: ProjectionStore | undefined;
  private readonly batchSize: number;
  private readonly onUnknownEvent: UnknownEventPolicy;
  private readonly maxWarnings: number;
  private readonly slots: Slot[];
  private readonly scope: RunnerScope | undefined;
  private readonly warnings: string[] = [];
  private skipped = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: ProjectionRunnerOptions) {
    this.store = options.store;
    this.projectionStore = options.projectionStore;
    this.batchSize = options.batchSize ?? 1000;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new Error(`batchSize must be a whole number ≥ 1, got ${this.batchSize}`);
    this.onUnknownEvent = options.onUnknownEvent ?? 'stop';
    this.maxWarnings = options.maxWarnings ?? 50;
    this.scope = RunnerScope.of(options);
    const names = new Set<string>();
    this.slots = options.projections.map((projection) => {
      if (names.has(projection.name)) throw new Error(`Two projections are named ${projection.name}`);
      names.add(projection.name);
      const state = projection.initialState();
      return {
        projection,
        description: describeProjection(projection),
        reads: new Set<string>(projection.reads),
        state,
        tables: projection.tables(state),
        loaded: false,
        position: 0n,
        committed: 0n,
        eventsApplied: 0,
        batchesCommitted: 0,
        skippedEvents: 0,
        rebuilds: 0,
        caughtUp: false,
      };
    });
  }

  /** Loads every projection's checkpoint and read model from the projection store (done by the first step anyway). */
  start(): Promise<void> {
    return this.exclusive(() => this.loadAll());
  }

  /**
   * Processes one batch per group of projections at the same position.
   * Resolves true when every projection has reached the end of the log (or,
   * with `organizations`, an event of another organization).
   */
  step(): Promise<boolean> {
    return this.exclusive(async () => {
      await this.loadAll();
      const groups = new Map<GlobalPosition, Slot[]>();
      for (const slot of this.slots) {
        const group = groups.get(slot.position);
        if (group) group.push(slot);
        else groups.set(slot.position, [slot]);
      }
      let atEnd = true;
      for (const position of [...groups.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
        const slots = groups.get(position)!;
        const { failure, isEnd, outOfScope } = await this.readBatch(slots, position);
        for (const slot of slots) slot.caughtUp = failure === undefined && isEnd && !outOfScope;
        await this.commit(slots);
        if (failure) throw failure;
        // Stopped before another organization's event: as far as this runner goes.
        if (!isEnd && !outOfScope) atEnd = false;
      }
      return atEnd;
    });
  }

  /** Processes batches until every projection has reached the end of the log. */
  async catchUp(): Promise<RunnerStats> {
    while (!(await this.step())) {
      /* next batch */
    }
    return this.stats();
  }

  /** Catches up, then keeps following the log as it grows, until `signal` aborts. */
  async follow(options: FollowOptions): Promise<void> {
    this.assertUnscoped('follow the log');
    const { signal } = options;
    while (!signal.aborted) {
      const atEnd = await this.step();
      if (!atEnd || signal.aborted) continue;
      const position = this.slots.reduce<GlobalPosition | undefined>((min, slot) => (min === undefined || slot.position < min ? slot.position : min), undefined) ?? 0n;
      await this.store.waitForEvents(position, { signal, timeoutMs: options.pollIntervalMs ?? 5000 });
    }
  }

  /**
   * Rebuilds one projection from position 0: empties its tables and
   * checkpoint, then replays the log into a fresh state. The other
   * projections keep their state and keep advancing meanwhile.
   */
  async rebuild(name: string): Promise<ProjectionStats> {
    this.assertUnscoped('rebuild a projection (a rebuild empties every organization’s rows)');
    const slot = this.slot(name);
    await this.exclusive(async () => {
      await this.loadAll();
      await this.projectionStore?.reset(slot.description);
      this.resetSlot(slot);
      slot.loaded = true;
      slot.rebuilds++;
    });
    while (!slot.caughtUp) await this.step();
    return this.projectionStats(slot);
  }

  /** The current in-memory state of a projection (after {@link ProjectionRunner.start} or a step). */
  state<S>(projection: Projection<S> | string): S {
    const slot = this.slot(typeof projection === 'string' ? projection : projection.name);
    if (!slot.loaded) throw new Error(`Projection ${slot.projection.name} is not loaded yet: call start(), step() or catchUp() first`);
    return slot.state as S;
  }

  /** The checkpoint of a projection: the last global position it processed. */
  checkpoint(name: string): GlobalPosition {
    return this.slot(name).position;
  }

  stats(): RunnerStats {
    return { projections: this.slots.map((slot) => this.projectionStats(slot)), skippedEvents: this.skipped, warnings: [...this.warnings] };
  }

  private projectionStats(slot: Slot): ProjectionStats {
    return {
      name: slot.projection.name,
      checkpoint: slot.position,
      eventsApplied: slot.eventsApplied,
      batchesCommitted: slot.batchesCommitted,
      skippedEvents: slot.skippedEvents,
      rebuilds: slot.rebuilds,
      caughtUp: slot.caughtUp,
    };
  }

  private slot(name: string): Slot {
    const slot = this.slots.find((candidate) => candidate.projection.name === name);
    if (!slot) throw new ProjectionRunnerError('UNKNOWN_PROJECTION', `No projection named ${JSON.stringify(name)} in this runner (known: ${this.slots.map((s) => s.projection.name).join(', ')})`);
    return slot;
  }

  private assertUnscoped(what: string): void {
    if (this.scope !== undefined) throw new Error(`A runner for some organizations only cannot ${what}`);
  }

  private resetSlot(slot: Slot): void {
    slot.state = slot.projection.initialState();
    slot.tables = slot.projection.tables(slot.state);
    if (this.projectionStore) for (const table of slot.tables) table.track();
    slot.position = 0n;
    slot.committed = 0n;
    slot.caughtUp = false;
  }

  private async loadAll(): Promise<void> {
    for (const slot of this.slots) {
      if (slot.loaded) continue;
      const stored = await this.projectionStore?.load(slot.description, this.scope?.loadOptions() ?? {});
      this.resetSlot(slot);
      if (stored) {
        for (const table of slot.tables) table.load((stored.tables[table.spec.name] ?? []) as Row[]);
        slot.projection.restored?.(slot.state);
        slot.position = stored.checkpoint;
        slot.committed = stored.checkpoint;
      }
      slot.loaded = true;
    }
  }

  /**
   * Reads and applies one batch for a group, in pages of at most
   * {@link READ_PAGE} events: a page is garbage before the next is read, where
   * a large batch read at once would outlive the young generation.
   */
  private async readBatch(slots: readonly Slot[], position: GlobalPosition): Promise<{ failure: ProjectionRunnerError | undefined; isEnd: boolean; outOfScope: boolean }> {
    const readersOf = readersByType(slots);
    // Known types none of the group reads: a store that can filter leaves them out (unknown types still come, to be reported).
    const skipTypes = EVENT_TYPES.filter((type) => !readersOf.has(type));
    let after = position;
    let read = 0;
    for (;;) {
      const page = await this.store.readAll({ after, maxCount: Math.min(READ_PAGE, this.batchSize - read), ...(skipTypes.length > 0 ? { skipTypes } : {}) });
      const stop = this.applyBatch(slots, readersOf, page.events, page.lastPosition);
      if (stop === OUT_OF_SCOPE) return { failure: undefined, isEnd: false, outOfScope: true };
      read += page.events.length;
      if (stop || page.isEnd || page.events.length === 0 || read >= this.batchSize) return { failure: stop, isEnd: stop === undefined && page.isEnd, outOfScope: false };
      after = page.lastPosition;
    }
  }

  /** Applies a page of events to a group of projections at the same position; returns what stopped it, if anything: a failure, or an event of an organization out of scope. */
  private applyBatch(
    slots: readonly Slot[],
    readersOf: ReadonlyMap<string, readonly Slot[]>,
    events: readonly StoredEvent[],
    lastPosition: GlobalPosition,
  ): ProjectionRunnerError | typeof OUT_OF_SCOPE | undefined {
    let processed: GlobalPosition | undefined;
    for (let i = 0; i < events.length; i++) {
      const stored = events[i]!;
      const readers = readersOf.get(stored.type);
      // A type no projection of the group reads is not even decoded; an unknown type is, to report it.
      if (readers !== undefined || !isKnownEventType(stored.type)) {
        const decoded = decodeEvent(stored);
        if (E.isLeft(decoded)) {
          const error = decoded.left;
          if (this.onUnknownEvent === 'stop') {
            if (processed !== undefined) for (const slot of slots) slot.position = processed;
            return new ProjectionRunnerError(
              error.code,
              `Projection${slots.length > 1 ? 's' : ''} ${slots.map((s) => s.projection.name).join(', ')} stopped at ${error.type} in stream ${error.streamId} ` +
                `(version ${error.streamVersion}, global position ${error.globalPosition}): ${error.message}. ` +
                `Upgrade the library or run with onUnknownEvent: 'skip'.`,
              error,
            );
          }
          this.warn(`Skipped ${error.type} v${error.schemaVersion} in stream ${error.streamId} at global position ${error.globalPosition}: ${error.message}`);
          for (const slot of slots) slot.skippedEvents++;
        } else if (readers !== undefined) {
          const envelope = decoded.right;
          if (this.scope !== undefined && !this.scope.includes(envelope)) {
            if (processed !== undefined) for (const slot of slots) slot.position = processed;
            return OUT_OF_SCOPE;
          }
          for (let j = 0; j < readers.length; j++) {
            const slot = readers[j]!;
            slot.state = slot.projection.apply(slot.state, envelope);
            slot.eventsApplied++;
          }
        }
      }
      processed = stored.globalPosition;
    }
    for (const slot of slots) if (lastPosition > slot.position) slot.position = lastPosition;
    return undefined;
  }

  private async commit(slots: readonly Slot[]): Promise<void> {
    if (!this.projectionStore) {
      for (const slot of slots) slot.committed = slot.position;
      return;
    }
    for (const slot of slots) {
      const changes = slot.tables.map((table) => table.takeChanges());
      const changed = changes.some((change) => change.upserts.length > 0 || change.deletes.length > 0);
      if (!changed && slot.position === slot.committed) continue;
      try {
        await this.projectionStore.commit({ projection: slot.description, expectedCheckpoint: slot.committed, checkpoint: slot.position, changes });
      } catch (error) {
        // Memory is now ahead of what is stored: reload from the store before the next batch.
        slot.loaded = false;
        throw error;
      }
      slot.committed = slot.position;
      slot.batchesCommitted++;
    }
  }

  private warn(message: string): void {
    this.skipped++;
    this.warnings.push(message);
    if (this.warnings.length > this.maxWarnings) this.warnings.shift();
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }
}
