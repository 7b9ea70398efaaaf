/**
 * One store at one size, in its own process so that each case starts with a
 * clean heap and its peak RSS is its own. Prints one JSON line per
 * measurement on stdout; progress goes to stderr.
 */
import { runCase } from './case.js';
import { memoryKit, postgresKit, sqliteKit, type StoreKit, type StoreName } from './stores.js';

export interface WorkerInput {
  readonly store: StoreName;
  readonly learners: number;
  readonly quick: boolean;
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
      throw new Error('kurrentdb: the KurrentDB adapter is not wired into the benchmark yet');
  }
};

const main = async () => {
  const input = JSON.parse(process.argv[2] ?? '{}') as WorkerInput;
  const kit = kitFor(input);
  try {
    await runCase({
      kit,
      learners: input.learners,
      baselineRuns: input.learners <= 100_000 ? 3 : 1,
      singleRowSample: input.store === 'postgres' ? 5_000 : 50_000,
      bulkSample: Number.POSITIVE_INFINITY,
      emit: (m) => process.stdout.write(`${JSON.stringify(m)}\n`),
      log: (line) => process.stderr.write(`  ${line}\n`),
    });
  } finally {
    await kit.cleanup();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
