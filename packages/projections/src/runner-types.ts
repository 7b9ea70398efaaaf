import type { EventDecodeError, EventStore, GlobalPosition } from '@learner-ledger/core';
import type { AnyProjection, Projection } from './projection.js';
import type { InMemoryProjectionStore, ProjectionStore } from './projection-store.js';
import type { ProjectionRunner } from './runner.js';

/* What a ProjectionRunner is told (options) and tells (stats, errors). */

/** What the runner does with an event it cannot decode or does not know (another version of the library wrote it). */
export type UnknownEventPolicy = 'stop' | 'skip';

export interface ProjectionRunnerOptions {
  readonly store: EventStore;
  readonly projections: readonly AnyProjection[];
  /**
   * Where checkpoints and read models are kept and resumed from (an
   * {@link InMemoryProjectionStore}, or the SQLite or PostgreSQL projection
   * store). Without one, checkpoints live in this runner only and no changes
   * are tracked: the fastest way to rebuild in memory.
   */
  readonly projectionStore?: ProjectionStore;
  /** Events per batch: each batch ends in one commit of every changed projection. Read from the log 1000 at a time at most. Default 1000. */
  readonly batchSize?: number;
  /** `stop` (default): fail with a {@link ProjectionRunnerError} naming the stream, position and type. `skip`: count it, keep a warning, go on. */
  readonly onUnknownEvent?: UnknownEventPolicy;
  /** How many warning messages {@link ProjectionRunner.stats} keeps (the most recent). Default 50. */
  readonly maxWarnings?: number;
  /**
   * Only these organizations: the runner restores their rows alone from the
   * projection store and stops right before the first event of another
   * organization (its projections are then not caught up). For bringing a read
   * model past a few organizations' new events without restoring every
   * organization. Its {@link ProjectionRunner.state} then holds those
   * organizations' rows only. Every projection must be
   * {@link Projection.scopedByOrganization}.
   */
  readonly organizations?: Iterable<string>;
  /**
   * With `organizations`: of those organizations, only these learners (each
   * named with its organization). The runner restores their rows alone from
   * the tables with a `learner_id` column, and stops right before an event
   * naming another learner. Every projection must be
   * {@link Projection.scopedByLearner}.
   */
  readonly learners?: Iterable<readonly [orgId: string, learnerId: string]>;
}

export interface ProjectionStats {
  readonly name: string;
  /** The last global position the projection has processed and committed. */
  readonly checkpoint: GlobalPosition;
  readonly eventsApplied: number;
  readonly batchesCommitted: number;
  /** Events skipped because they could not be decoded (only with `onUnknownEvent: 'skip'`). */
  readonly skippedEvents: number;
  readonly rebuilds: number;
  /** True when the last batch reached the end of the log. */
  readonly caughtUp: boolean;
}

export interface RunnerStats {
  readonly projections: readonly ProjectionStats[];
  /** Undecodable events skipped, counted once per event and projection group that met it. */
  readonly skippedEvents: number;
  /** The most recent skip warnings, each naming stream, position and type. */
  readonly warnings: readonly string[];
}

/** The runner met an event it cannot decode with `onUnknownEvent: 'stop'`. The projections stopped right before it. */
export class ProjectionRunnerError extends Error {
  override readonly name = 'ProjectionRunnerError';
  constructor(
    readonly code: EventDecodeError['code'] | 'UNKNOWN_PROJECTION',
    message: string,
    readonly decodeError?: EventDecodeError,
  ) {
    super(message);
  }
  get streamId() {
    return this.decodeError?.streamId;
  }
  get globalPosition() {
    return this.decodeError?.globalPosition;
  }
  get type() {
    return this.decodeError?.type;
  }
}

export interface FollowOptions {
  /** Stop following when this signal aborts; `follow` then resolves. */
  readonly signal: AbortSignal;
  /** How long one wait for new events lasts before polling again (ms). Default 5000. */
  readonly pollIntervalMs?: number;
}
