/**
 * Loads one organization in a fresh process, as a command-line run or a new
 * server does: open the store, build a ledger, read the organization's state.
 * With snapshots (the default) the organization starts from its snapshot and
 * catches up; without, it is folded from its first event. Prints one JSON
 * object: the seconds since the process started, those of the load alone,
 * the learners loaded and whether a snapshot was used.
 */
import { createLedger } from '@learner-ledger/core';
import { now, peakRssMb, seconds } from './measure.js';
import { openStoreAt, type StoreLocation } from './stores.js';

export interface SnapshotChildInput {
  readonly location: StoreLocation;
  readonly orgId: string;
  readonly snapshots: boolean;
}

export interface SnapshotChildResult {
  /** From the start of the process to the state in hand. */
  readonly seconds: number;
  /** The `ledger.state` call alone (restore or fold, and catch-up). */
  readonly loadSeconds: number;
  readonly learners: number;
  readonly loaded: number;
  readonly ignored: number;
  readonly lastProblem?: string;
  readonly peakRssMb: number;
}

const main = async () => {
  const input = JSON.parse(process.argv[2] ?? '{}') as SnapshotChildInput;
  const store = await openStoreAt(input.location);
  const ledger = createLedger({ store, ...(input.snapshots ? {} : { snapshots: false }) });
  const start = now();
  const state = await ledger.state(input.orgId);
  if (state._tag === 'Left') throw new Error(`loading ${input.orgId}: ${state.left.message}`);
  const loadSeconds = seconds(start);
  const total = process.uptime();
  const counters = ledger.snapshotCounters();
  const result: SnapshotChildResult = {
    seconds: total,
    loadSeconds,
    learners: state.right.learners.size,
    loaded: counters.loaded,
    ignored: counters.ignored,
    ...(counters.lastProblem !== undefined ? { lastProblem: counters.lastProblem } : {}),
    peakRssMb: peakRssMb(),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await ledger.flushSnapshots();
  await store.close();
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
