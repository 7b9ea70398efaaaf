import { Command, InvalidArgumentError } from 'commander';
import { STORE_NAMES, type StoreName } from './stores.js';

export interface BenchArgs {
  readonly stores: readonly StoreName[];
  readonly learners: readonly number[];
  readonly quick: boolean;
  readonly out: string;
  /** Repetitions of each whole case (the median per figure is reported). */
  readonly repeat: number;
  /** Learners of the many-writers cases (contention.*), run on SQLite and PostgreSQL. */
  readonly contention: readonly number[];
  /** Which groups of cases run: `main` (every store and size), `contention`, `chain` (what the hash chain costs). */
  readonly cases: readonly BenchCase[];
  /** Learners of the chain cases. */
  readonly chain: number;
  /** Only the as-of cases (the 100-organization log and the large organization). */
  readonly asofOnly: boolean;
}

const parseStores = (text: string): StoreName[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      if (!STORE_NAMES.includes(s as StoreName)) throw new InvalidArgumentError(`unknown store ${JSON.stringify(s)}; expected some of ${STORE_NAMES.join(', ')}`);
      return s as StoreName;
    });

const parseSize = (text: string): number => {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`${JSON.stringify(text)} is not a number (e.g. 10000, 100k, 1m)`);
  const value = Number(m[1]) * (m[2]?.toLowerCase() === 'k' ? 1e3 : m[2]?.toLowerCase() === 'm' ? 1e6 : 1);
  if (!Number.isInteger(value) || value < 100) throw new InvalidArgumentError(`${text} must be a whole number of at least 100`);
  return value;
};

export type BenchCase = 'main' | 'contention' | 'chain';
const CASES: readonly BenchCase[] = ['main', 'contention', 'chain'];

const parseCases = (text: string): BenchCase[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      if (!CASES.includes(s as BenchCase)) throw new InvalidArgumentError(`unknown cases ${JSON.stringify(s)}; expected some of ${CASES.join(', ')}`);
      return s as BenchCase;
    });

const parseRepeat = (text: string): number => {
  const repeat = Number(text);
  if (!Number.isInteger(repeat) || repeat < 1) throw new InvalidArgumentError('must be a positive whole number');
  return repeat;
};

/** The `pnpm bench` command line, with commander as the CLI has it; `--help` and usage errors end in a `CommanderError`. */
export const benchProgram = (): Command =>
  new Command('pnpm bench')
    .description('Benchmarks of learner-ledger on every store, each figure beside a raw-driver baseline measured in the same run.')
    .option('--quick', 'small sizes, about 6-8 minutes on two cores (CI runs it)')
    .option('--stores <list>', 'stores to measure, of memory,sqlite,postgres,kurrentdb (default memory,sqlite,postgres; kurrentdb needs KURRENTDB_CONNECTION_STRING)', parseStores)
    .option('--learners <list>', 'workload sizes, learners per organization (default 10000,100000,1000000; --quick: 1000,5000)', (text: string) => text.split(',').filter(Boolean).map(parseSize))
    .option('--repeat <K>', 'run each store and size K times and report medians', parseRepeat, 1)
    .option('--asof-only', 'only the as-of cases: the 100-organization log and one large organization, read models beside the fold')
    .option('--out <file>', 'JSON-lines result file (default .bench-results/<timestamp>.jsonl)')
    .option('--contention <list>', 'learners of the many-writers cases, on SQLite and PostgreSQL (default 2000,20000; --quick: 500)', (text: string) => text.split(',').filter(Boolean).map(parseSize))
    .option('--cases <list>', 'which cases run, of main,contention,chain (default all)', parseCases)
    .option('--chain <n>', 'learners of the chain cases, with and without the hash chain (default 20000; --quick: 2000)', parseSize)
    .addHelpText('after', '\nPostgreSQL: DATABASE_URL when set, otherwise a throwaway cluster started from the PostgreSQL binaries.')
    .exitOverride();

/** Reads the bench's flags (a `--` from the package runner is ignored: the bench takes no operands). */
export const parseArgs = (argv: readonly string[], program: Command = benchProgram()): BenchArgs => {
  program.parse(
    argv.filter((arg) => arg !== '--'),
    { from: 'user' },
  );
  const options = program.opts<{ quick?: boolean; stores?: StoreName[]; learners?: number[]; repeat: number; out?: string; contention?: number[]; cases?: BenchCase[]; chain?: number; asofOnly?: boolean }>();
  const quick = options.quick === true;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return {
    quick,
    stores: options.stores ?? ['memory', 'sqlite', 'postgres', ...(process.env.KURRENTDB_CONNECTION_STRING ? (['kurrentdb'] as const) : [])],
    learners: options.learners ?? (quick ? [1000, 5000] : [10_000, 100_000, 1_000_000]),
    out: options.out ?? `.bench-results/${stamp}.jsonl`,
    repeat: options.repeat,
    contention: options.contention ?? (quick ? [500] : [2000, 20_000]),
    cases: options.cases ?? (options.asofOnly === true ? ['main'] : ['main', 'contention', 'chain']),
    chain: options.chain ?? (quick ? 2000 : 20_000),
    asofOnly: options.asofOnly === true,
  };
};
