import {
  createLedger,
  InMemoryEventStore,
  type GlobalPosition,
  type ReadAllBatch,
  type ReadAllOptions,
  type StoredEvent,
  type WaitOptions,
} from '@learner-ledger/core';
import { adminContext, sampleOrganizationCommands } from '@learner-ledger/core/testing';
import { auditTrailProjection, describeProjection, ProjectionRunner, toAuditEntry, type AuditTrailState, type ProjectionStore } from '@learner-ledger/projections';
import fc from 'fast-check';

/**
 * What every event store's positions must survive: a projection store's
 * checkpoint and the audit trail's rows, written and read back exactly. It
 * takes the positions an event store can produce and a projection store
 * factory, so any pair of stores can run it.
 */
export interface PositionRoundTrip {
  /** Names the pair in test titles, e.g. `KurrentDB positions / SQLite projection store`. */
  readonly name: string;
  /** Positions the event store can produce (all > 0), in any order. */
  readonly positions: fc.Arbitrary<GlobalPosition>;
  /** The extreme positions it can produce: the smallest and the largest. */
  readonly extremes: readonly GlobalPosition[];
  /** A projection store with nothing stored yet, and how to close it. */
  readonly openProjectionStore: () => Promise<{ readonly store: ProjectionStore; close(): Promise<void> }>;
}

/**
 * An in-memory event store whose log sits at the given positions instead of
 * 1, 2, 3…: the events of a real ledger, at positions another store produces.
 * Only the reads a projection runner makes are mapped.
 */
class RepositionedStore extends InMemoryEventStore {
  private positions: readonly GlobalPosition[] = [];

  /** From now on, the n-th event of the log (1-based) is at `positions[n - 1]` (ascending). */
  reposition(positions: readonly GlobalPosition[]): void {
    this.positions = positions;
  }

  /** How many events the log holds. */
  async eventCount(): Promise<number> {
    return Number(await super.headPosition());
  }

  private toInner(position: GlobalPosition): GlobalPosition {
    return BigInt(this.positions.filter((p) => p <= position).length);
  }

  private toOuter(position: GlobalPosition): GlobalPosition {
    return position === 0n ? 0n : this.positions[Number(position) - 1]!;
  }

  override async readAll(options: ReadAllOptions = {}): Promise<ReadAllBatch> {
    const batch = await super.readAll({ ...options, after: this.toInner(options.after ?? 0n) });
    const events: StoredEvent[] = batch.events.map((event) => ({ ...event, globalPosition: this.toOuter(event.globalPosition) }));
    return { ...batch, events, lastPosition: this.toOuter(batch.lastPosition) };
  }

  override async headPosition(): Promise<GlobalPosition> {
    return this.toOuter(await super.headPosition());
  }

  override waitForEvents(after: GlobalPosition, options?: WaitOptions): Promise<boolean> {
    return super.waitForEvents(this.toInner(after), options);
  }
}

/** A sample organization's log: onboarding, two teams, four learners, as the ledger writes them. */
const sampleLog = async (): Promise<RepositionedStore> => {
  const store = new RepositionedStore();
  const ledger = createLedger({ store });
  for (const command of sampleOrganizationCommands('acme')) {
    const result = await ledger.execute(command, adminContext());
    if (result._tag === 'Left') throw new Error(`sample command failed: ${result.left.message}`);
  }
  return store;
};

const ascending = (a: GlobalPosition, b: GlobalPosition): number => (a < b ? -1 : a > b ? 1 : 0);

export const describePositionRoundTrip = (suite: PositionRoundTrip): void => {
  describe(`${suite.name}: positions round-trip through the projection store`, () => {
    let opened: Awaited<ReturnType<PositionRoundTrip['openProjectionStore']>>;
    beforeEach(async () => {
      opened = await suite.openProjectionStore();
    });
    afterEach(async () => {
      await opened?.close();
    });

    it('keeps every position as a checkpoint, written and read back exactly', async () => {
      const projection = describeProjection(auditTrailProjection);
      let stored = 0n;
      const positions = [...suite.extremes, ...fc.sample(suite.positions, { numRuns: 100, seed: 19 }), ...suite.extremes.slice().reverse()];
      for (const position of positions) {
        await opened.store.load(projection);
        await opened.store.commit({ projection, expectedCheckpoint: stored, checkpoint: position, changes: [] });
        expect(await opened.store.checkpoint(projection.name)).toBe(position);
        expect((await opened.store.load(projection))?.checkpoint).toBe(position);
        stored = position;
      }
    });

    it('keeps every position in the audit trail and the checkpoint of a runner, and resumes from there', async () => {
      const eventCount = await (await sampleLog()).eventCount();
      const largest = suite.extremes.reduce((max, p) => (p > max ? p : max), 0n);
      const smaller = suite.positions.filter((p) => p < largest);
      await fc.assert(
        fc.asyncProperty(fc.uniqueArray(smaller, { minLength: eventCount - 1, maxLength: eventCount - 1 }), fc.integer({ min: 1, max: 4 }), async (drawn, batchSize) => {
          // The last event is always at the largest position the store can produce.
          const positions = [...drawn.sort(ascending), largest];
          const log = await sampleLog();
          log.reposition(positions);
          await opened.store.reset(describeProjection(auditTrailProjection));
          const runner = new ProjectionRunner({ store: log, projections: [auditTrailProjection], projectionStore: opened.store, batchSize });
          await runner.catchUp();
          expect(await opened.store.checkpoint(auditTrailProjection.name)).toBe(largest);
          // A new runner reads the trail back from the projection store: every position exact.
          const resumed = new ProjectionRunner({ store: log, projections: [auditTrailProjection], projectionStore: opened.store });
          await resumed.start();
          expect(resumed.checkpoint(auditTrailProjection.name)).toBe(largest);
          const trail = [...resumed.state<AuditTrailState>(auditTrailProjection).trail.allRows()].map(toAuditEntry);
          expect(trail.map((entry) => entry.globalPosition).sort(ascending)).toEqual(positions);
          expect(trail.find((entry) => entry.globalPosition === largest)?.eventId).toBe((await log.readAll({ after: positions.at(-2)! })).events[0]!.eventId);
          // Nothing left to read past the checkpoint.
          expect(await resumed.step()).toBe(true);
          expect(resumed.stats().projections[0]!.eventsApplied).toBe(0);
        }),
        { numRuns: 15 },
      );
    });
  });
};
