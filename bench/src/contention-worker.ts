/**
 * The contention cases of one store at one size, in their own process (a
 * clean heap, and the writer processes of SQLite are its children). Prints one
 * JSON line per measurement on stdout; progress goes to stderr.
 */
import { postgresContention, sqliteContention } from './contention.js';
import type { Measurement } from './measure.js';

export interface ContentionWorkerInput {
  readonly store: 'sqlite' | 'postgres';
  readonly learners: number;
  /** A server that runs with fsync on (the figures are about durable commits). */
  readonly postgresUrl?: string;
}

const main = async () => {
  const input = JSON.parse(process.argv[2] ?? '{}') as ContentionWorkerInput;
  const options = {
    learners: input.learners,
    emit: (m: Measurement) => process.stdout.write(`${JSON.stringify(m)}\n`),
    log: (line: string) => process.stderr.write(`  ${line}\n`),
  };
  if (input.store === 'sqlite') return sqliteContention(options);
  if (!input.postgresUrl) throw new Error('postgres: no server URL');
  return postgresContention(input.postgresUrl, options);
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
