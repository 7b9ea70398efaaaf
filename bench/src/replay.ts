import type { EventStore } from '@learner-ledger/core';
import { type AnyProjection, ProjectionRunner, inactiveRosterProjection, licenseCountsProjection } from '@learner-ledger/projections';

/** Events read from the log per batch during a replay (the raw PostgreSQL read pages the same way). */
export const REPLAY_BATCH = 10_000;

/**
 * Rebuilds projections from position 0 with the projections runner (checkpoints
 * in its default in-memory projection store). Returns the events in the log,
 * after checking that every projection reached the end of it.
 */
export const replayProjections = async (store: EventStore, projections: readonly AnyProjection[] = [licenseCountsProjection, inactiveRosterProjection]): Promise<number> => {
  const runner = new ProjectionRunner({ store, projections, batchSize: REPLAY_BATCH });
  const stats = await runner.catchUp();
  const head = await store.headPosition();
  for (const p of stats.projections) {
    if (p.checkpoint !== head || !p.caughtUp) throw new Error(`replay: projection ${p.name} stopped at ${p.checkpoint}, the log ends at ${head}`);
  }
  return Number(head);
};
