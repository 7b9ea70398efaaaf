import { EVENT_TYPES, readAllBatches, type EventStore, type GlobalPosition } from '@learner-ledger/core';
import type { AnyProjection } from '../projection.js';
import { CheckpointConflictError, describeProjection } from '../projection-store.js';
import { lastPositionOf, type OrganizationHead } from '../query-support.js';
import { ProjectionRunner, ProjectionRunnerError } from '../runner.js';
import type { ReadModelStore } from './port.js';

/** Where an answer comes from. */
export interface ReadModelOptions {
  /**
   * Answer from the time-indexed tables in this projection store (the SQLite
   * or PostgreSQL one) with index lookups instead of folding the stream. The
   * answers are the same; the report says where it came from (`source`,
   * `position`). Without it, every answer is a fold.
   */
  readonly readModel?: ReadModelStore;
  /** When the read model has not reached the organization's last event: `catch-up` (default) runs its projection to the end of the log first; `fold` answers by folding. */
  readonly whenBehind?: 'catch-up' | 'fold';
  /** Told how a catch-up goes, batch by batch, when one runs (the first over a large log reads all of it): for a progress bar. */
  readonly onCatchUp?: (progress: CatchUpProgress) => void;
}

/** How far a read model's catch-up has come. */
export interface CatchUpProgress {
  /** The projection being caught up. */
  readonly projection: string;
  /** Events of the log passed so far (global positions from where it started). */
  readonly done: number;
  /** Of how many: up to the log's head when it started (more may arrive). */
  readonly total: number;
  /** True on the last report of a catch-up, however it ended. */
  readonly finished: boolean;
}

/** Where an answer came from, when a read model was offered: its tables, or a fold of the stream. */
export interface AnswerSource {
  readonly source: 'read-model' | 'fold';
  /** The global position up to which the log is included (decimal). */
  readonly position: string;
}

const CONFLICT_RETRIES = 3;
const descriptions = new WeakMap<AnyProjection, ReturnType<typeof describeProjection>>();
const descriptionOf = (projection: AnyProjection) => {
  let description = descriptions.get(projection);
  if (!description) descriptions.set(projection, (description = describeProjection(projection)));
  return description;
};

/** New events read at most to find the organizations they belong to; beyond, a catch-up restores every organization. */
const SCOPE_SCAN_LIMIT = 50_000;
/** Organizations at most that a catch-up restores alone; beyond, it restores every organization. */
const SCOPE_ORGANIZATIONS_LIMIT = 1_000;

/** Learners at most that a catch-up restores alone; beyond, it restores their organizations whole. */
const SCOPE_LEARNERS_LIMIT = 10_000;

/** What a catch-up restores: organizations, and of them only some learners when the projection allows it and they are few. */
interface CatchUpScope {
  readonly organizations: ReadonlySet<string>;
  readonly learners?: readonly (readonly [string, string])[];
}

/**
 * The organizations (and learners) of the events after `after` that
 * `projection` reads, or undefined when there are too many events or
 * organizations for a scoped catch-up to pay, or an event names no
 * organization.
 */
const scopeAfter = async (store: EventStore, projection: AnyProjection, after: GlobalPosition): Promise<CatchUpScope | undefined> => {
  const reads = new Set<string>(projection.reads);
  const skipTypes = EVENT_TYPES.filter((type) => !reads.has(type));
  const organizations = new Set<string>();
  const learners = projection.scopedByLearner === true ? new Map<string, readonly [string, string]>() : undefined;
  let scanned = 0;
  for await (const batch of readAllBatches(store, { after, maxCount: 1000, ...(skipTypes.length > 0 ? { skipTypes } : {}) })) {
    for (const event of batch.events) {
      if (!reads.has(event.type)) continue;
      const orgId = (event.metadata as { orgId?: unknown } | null)?.orgId;
      if (typeof orgId !== 'string') return undefined;
      organizations.add(orgId);
      const learnerId = (event.data as { learnerId?: unknown } | null)?.learnerId;
      if (learners !== undefined && typeof learnerId === 'string') learners.set(`${orgId}\u0000${learnerId}`, [orgId, learnerId]);
    }
    scanned += batch.events.length;
    if (scanned > SCOPE_SCAN_LIMIT || organizations.size > SCOPE_ORGANIZATIONS_LIMIT) return undefined;
  }
  return learners !== undefined && learners.size <= SCOPE_LEARNERS_LIMIT ? { organizations, learners: [...learners.values()] } : { organizations };
};

/** Runs a runner of one projection to its end, telling `onCatchUp` after every batch; resolves the position it reached. */
const catchUp = async (store: EventStore, runner: ProjectionRunner, name: string, onCatchUp: ReadModelOptions['onCatchUp']): Promise<GlobalPosition> => {
  if (!onCatchUp) {
    await runner.catchUp();
    return runner.checkpoint(name);
  }
  await runner.start();
  const from = runner.checkpoint(name);
  const total = Math.max(0, Number((await store.headPosition()) - from));
  const report = (finished: boolean) => onCatchUp({ projection: name, done: Math.min(total, Number(runner.checkpoint(name) - from)), total, finished });
  try {
    while (!(await runner.step())) report(false);
  } finally {
    report(true);
  }
  return runner.checkpoint(name);
};

/**
 * Decides how to answer for one organization: from the read model when its
 * checkpoint has reached the organization's last event (after catching it up
 * when asked), else by folding. Never from a model that is behind.
 */
export const chooseSource = async (store: EventStore, head: OrganizationHead, projection: AnyProjection, options: ReadModelOptions): Promise<AnswerSource> => {
  const model = options.readModel!;
  const description = descriptionOf(projection);
  const checkpoint = await model.checkpointOf(description);
  if (checkpoint !== undefined && checkpoint >= (await store.headPosition())) return { source: 'read-model', position: checkpoint.toString() };
  const last = await lastPositionOf(store, head);
  if (checkpoint !== undefined && checkpoint >= last) return { source: 'read-model', position: checkpoint.toString() };
  if (options.whenBehind === 'fold') return { source: 'fold', position: last.toString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const scope = checkpoint !== undefined && projection.scopedByOrganization === true ? await scopeAfter(store, projection, checkpoint) : undefined;
      if (scope !== undefined) {
        // Restore only the organizations (and learners) the new events belong to: on a large store, far less than every row.
        const scoped = new ProjectionRunner({ store, projections: [projection], projectionStore: model, batchSize: 5000, organizations: scope.organizations, ...(scope.learners ? { learners: scope.learners } : {}) });
        const reached = await catchUp(store, scoped, projection.name, options.onCatchUp);
        if (reached >= last) return { source: 'read-model', position: reached.toString() };
        // Stopped at an event of another organization or learner, written since: go on for every organization.
      }
      const runner = new ProjectionRunner({ store, projections: [projection], projectionStore: model, batchSize: 5000 });
      return { source: 'read-model', position: (await catchUp(store, runner, projection.name, options.onCatchUp)).toString() };
    } catch (error) {
      if (error instanceof CheckpointConflictError && attempt < CONFLICT_RETRIES) {
        // Another runner advanced it meanwhile: it may now be far enough.
        const now: GlobalPosition | undefined = await model.checkpointOf(description);
        if (now !== undefined && now >= last) return { source: 'read-model', position: now.toString() };
        continue;
      }
      // A log this version cannot read to the end: the fold answers (and reports what it cannot read).
      if (error instanceof ProjectionRunnerError || error instanceof CheckpointConflictError) return { source: 'fold', position: last.toString() };
      throw error;
    }
  }
};
