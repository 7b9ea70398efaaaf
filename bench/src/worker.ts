/**
 * One store at one size, in its own process so that each case starts with a
 * clean heap and its peak RSS is its own. Prints one JSON line per
 * measurement on stdout; progress goes to stderr.
 */
import { runAsOf, ASOF_ORGANIZATIONS } from './asof.js';
import { runAsOfLarge } from './asof-large-run.js';
import { runCase, warmUp } from './case.js';
import { csvEndToEnd } from './csv-run.js';
import type { Measurement } from './measure.js';
import { replayProjections } from './replay.js';
import { organizationWorkload } from './workload.js';
import { kurrentdbKit, memoryKit, postgresKit, sqliteKit, type StoreKit, type StoreName } from './stores.js';

export interface WorkerInput {
  readonly store: StoreName;
  readonly learners: number;
  readonly quick: boolean;
  /** Only the as-of cases. */
  readonly asofOnly?: boolean;
  readonly postgresUrl?: string;
  readonly workDir: string;
}

const kitFor = (input: WorkerInput): StoreKit => {
  switch (input.store) {
    case 'memory':
      return memoryKit();
    case 'sqlite':
      return sqliteKit();
    case 'postgres':
      if (!input.postgresUrl) throw new Error('postgres: no server URL');
      return postgresKit(input.postgresUrl);
    case 'kurrentdb':
      if (!process.env.KURRENTDB_CONNECTION_STRING) throw new Error('kurrentdb: KURRENTDB_CONNECTION_STRING is not set');
      return kurrentdbKit(process.env.KURRENTDB_CONNECTION_STRING);
  }
};

const main = async () => {
  const input = JSON.parse(process.argv[2] ?? '{}') as WorkerInput;
  const kit = kitFor(input);
  const emit = (m: Measurement) => process.stdout.write(`${JSON.stringify(m)}\n`);
  const log = (line: string) => process.stderr.write(`  ${line}\n`);
  try {
    if (!input.asofOnly) await measuredCases(input, kit, emit, log);
    const store = await kit.open('asof');
    try {
      await runAsOf(store, Math.max(20, Math.floor(input.learners / ASOF_ORGANIZATIONS)), input.learners, emit, log, kit.orgPrefix('asof'));
    } finally {
      await store.close();
    }
    (globalThis as { gc?: () => void }).gc?.();
    await runAsOfLarge(kit, input.learners, emit, log);
  } finally {
    await kit.cleanup();
  }
};

/** The command path, the bulk paths, the replay, the raw baselines and the CSV import end to end. */
const measuredCases = async (input: WorkerInput, kit: StoreKit, emit: (m: Measurement) => void, log: (line: string) => void): Promise<void> => {
  log(`${input.store} n=${input.learners}: warm-up (not measured)`);
  await warmUp(kit, input.quick ? 500 : 3000);
  const { csvTarget } = await runCase({
    kit,
    learners: input.learners,
    baselineRuns: input.quick || input.learners > 100_000 ? 1 : 3,
    singleRowSample: input.quick ? 2_000 : input.store === 'postgres' ? 5_000 : 50_000,
    bulkSample: Number.POSITIVE_INFINITY,
    emit,
    log,
    replay: replayProjections,
    copyForCsv: true,
    foldBaseline: !input.quick,
  });
  // The case's store and ledger are out of scope now: collect them before a child needs the memory.
  (globalThis as { gc?: () => void }).gc?.();
  if (csvTarget) {
    log(`${input.store} n=${input.learners}: CSV import end to end (child process${csvTarget.kind === 'memory' ? ', seeding its own in-memory store' : ''})`);
    await csvEndToEnd(input.workDir, input.learners, emit, log, input.quick ? 1 : input.learners <= 100_000 ? 3 : 1)(csvTarget, organizationWorkload(input.learners));
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
