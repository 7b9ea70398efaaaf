/**
 * The chain cases of one store, in their own process. Prints one JSON line
 * per measurement on stdout; progress goes to stderr.
 */
import { chainCost } from './chain.js';
import type { Measurement } from './measure.js';
import { memoryKit, postgresKit, sqliteKit, type StoreName } from './stores.js';

export interface ChainWorkerInput {
  readonly store: StoreName;
  readonly learners: number;
  readonly repeat: number;
  readonly postgresUrl?: string;
}

const main = async () => {
  const input = JSON.parse(process.argv[2] ?? '{}') as ChainWorkerInput;
  const kit = input.store === 'memory' ? memoryKit() : input.store === 'sqlite' ? sqliteKit() : input.postgresUrl ? postgresKit(input.postgresUrl) : undefined;
  if (!kit) throw new Error(`${input.store}: the chain cases run on memory, sqlite and postgres (with a server)`);
  try {
    await chainCost(kit, input.learners, input.repeat, (m: Measurement) => process.stdout.write(`${JSON.stringify(m)}\n`), (line) => process.stderr.write(`  ${line}\n`));
  } finally {
    await kit.cleanup();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
