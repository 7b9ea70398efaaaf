import * as E from 'fp-ts/lib/Either.js';
import { decodeEvent, readAllBatches, type EventEnvelope, type EventStore } from '@learner-ledger/core';
import { dumpTables, foldEnvelopes, normalizeRow, type AnyProjection } from '../projection.js';
import { describeProjection, primaryKeyOf, type ProjectionStore } from '../projection-store.js';
import { ProjectionRunner } from '../runner.js';
import type { Row } from '../table.js';
import { prng } from './scripts.js';

/** Every event of the log, decoded with the core's `decodeEvent` (the reference path, no shortcuts). */
export const readAllEnvelopes = async (store: EventStore): Promise<EventEnvelope[]> => {
  const envelopes: EventEnvelope[] = [];
  for await (const batch of readAllBatches(store, { maxCount: 500 })) {
    for (const stored of batch.events) {
      const decoded = decodeEvent(stored);
      if (E.isLeft(decoded)) throw new Error(decoded.left.message);
      envelopes.push(decoded.right);
    }
  }
  return envelopes;
};

/** A projection rebuilt from position 0 in one fold: the reference every other way of maintaining it must equal. */
export const rebuiltTables = async (store: EventStore, projection: AnyProjection): Promise<Record<string, Row[]>> =>
  dumpTables(projection, foldEnvelopes(projection, await readAllEnvelopes(store)));

/** The rows a projection store holds for a projection (every row of its history tables too), in the same shape and order as {@link dumpTables}. */
export const storedTables = async (projectionStore: ProjectionStore, projection: AnyProjection): Promise<{ checkpoint: bigint; tables: Record<string, Row[]> }> => {
  const description = describeProjection(projection);
  const stored = await projectionStore.load(description, { everyRow: true });
  const tables: Record<string, Row[]> = {};
  for (const spec of description.tables) {
    const rows = [...(stored?.tables[spec.name] ?? [])].map((row) => ({ row: normalizeRow(spec, row), key: primaryKeyOf(spec, row) }));
    rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    tables[spec.name] = rows.map((entry) => entry.row);
  }
  return { checkpoint: stored?.checkpoint ?? 0n, tables };
};

export interface IncrementalRunOptions {
  readonly store: EventStore;
  readonly projections: readonly AnyProjection[];
  /** A fresh projection store handle over the same storage (called again at every simulated restart). */
  readonly openProjectionStore: () => Promise<ProjectionStore> | ProjectionStore;
  readonly closeProjectionStore?: (store: ProjectionStore) => Promise<void> | void;
  readonly seed: number;
  /** How many restarts to simulate before the final catch-up. */
  readonly restarts: number;
}

/**
 * Maintains projections incrementally the hard way: random batch sizes, a
 * random number of batches per runner, then a restart (a new runner and a new
 * projection-store handle resuming from the stored checkpoints), repeated;
 * finally a runner catches up to the end of the log. Returns that last runner.
 */
export const runIncrementally = async (options: IncrementalRunOptions): Promise<{ runner: ProjectionRunner; projectionStore: ProjectionStore }> => {
  const r = prng(options.seed);
  for (let restart = 0; restart < options.restarts; restart++) {
    const projectionStore = await options.openProjectionStore();
    const runner = new ProjectionRunner({ store: options.store, projections: options.projections, projectionStore, batchSize: r.int(1, 40) });
    const steps = r.int(0, 4);
    for (let i = 0; i < steps; i++) if (await runner.step()) break;
    await options.closeProjectionStore?.(projectionStore);
  }
  const projectionStore = await options.openProjectionStore();
  const runner = new ProjectionRunner({ store: options.store, projections: options.projections, projectionStore, batchSize: r.int(1, 60) });
  await runner.catchUp();
  return { runner, projectionStore };
};
