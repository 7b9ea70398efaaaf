/**
 * One writer process of the SQLite contention case: a ledger on a shared
 * file, running its share of each phase (every `processes`-th command)
 * `inFlight` at a time. Prints `ready`; before each phase waits for a `go`
 * line and prints `done <phase>` after it; prints its stats as JSON last.
 */
import { createInterface } from 'node:readline';
import { createLedger } from '@learner-ledger/core';
import { openSqliteEventStore } from '@learner-ledger/sqlite';
import { contentionPhases, emptyStats, runPhase } from './contention-load.js';
import { organizationWorkload } from './workload.js';

export interface ContentionChildInput {
  readonly file: string;
  readonly learners: number;
  readonly orgId: string;
  readonly process: number;
  readonly processes: number;
  readonly inFlight: number;
}

const main = async () => {
  const input = JSON.parse(process.argv[2] ?? '{}') as ContentionChildInput;
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const store = openSqliteEventStore({ path: input.file, busyTimeoutMs: 30_000 });
  const ledger = createLedger({ store });
  const phases = contentionPhases(organizationWorkload(input.learners, undefined, input.orgId));
  const stats = emptyStats();
  process.stdout.write('ready\n');
  for (const [phase, commands] of phases.entries()) {
    await lines.next();
    const mine = commands.filter((_, i) => i % input.processes === input.process);
    await runPhase([ledger], input.inFlight, mine, phase, stats, (i) => i * input.processes + input.process);
    process.stdout.write(`done ${phase}\n`);
  }
  await store.close();
  process.stdout.write(`${JSON.stringify(stats)}\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
