import { STORE_NAMES, type StoreName } from './stores.js';

export interface BenchArgs {
  readonly stores: readonly StoreName[];
  readonly learners: readonly number[];
  readonly quick: boolean;
  readonly out: string;
  /** Repetitions of each whole case (the median per figure is reported). */
  readonly repeat: number;
}

export const USAGE = `Usage: pnpm bench [--quick] [--stores memory,sqlite,postgres[,kurrentdb]] [--learners 10000,100000,1000000] [--repeat K] [--out FILE]

  --stores    stores to measure (default memory,sqlite,postgres; kurrentdb needs KURRENTDB_CONNECTION_STRING)
  --learners  workload sizes, learners per organization (default 10000,100000,1000000; --quick: 1000,5000)
  --repeat    run each store and size K times and report medians (default 1; --quick: 1)
  --quick     small sizes, finishes in under two minutes (CI)
  --out       JSON-lines result file (default .bench-results/<timestamp>.jsonl)

PostgreSQL: DATABASE_URL when set, otherwise a throwaway cluster started from the PostgreSQL binaries.`;

const parseSize = (text: string): number => {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (!m) throw new Error(`--learners: ${JSON.stringify(text)} is not a number (e.g. 10000, 100k, 1m)`);
  const value = Number(m[1]) * (m[2]?.toLowerCase() === 'k' ? 1e3 : m[2]?.toLowerCase() === 'm' ? 1e6 : 1);
  if (!Number.isInteger(value) || value < 100) throw new Error(`--learners: ${text} must be a whole number of at least 100`);
  return value;
};

export const parseArgs = (argv: readonly string[]): BenchArgs => {
  let quick = false;
  let stores: StoreName[] | undefined;
  let learners: number[] | undefined;
  let out: string | undefined;
  let repeat = 1;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--quick':
        quick = true;
        break;
      case '--stores':
        stores = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((s) => {
            if (!STORE_NAMES.includes(s as StoreName)) throw new Error(`--stores: unknown store ${JSON.stringify(s)}; expected some of ${STORE_NAMES.join(', ')}`);
            return s as StoreName;
          });
        break;
      case '--learners':
        learners = value().split(',').filter(Boolean).map(parseSize);
        break;
      case '--repeat':
        repeat = Number(value());
        if (!Number.isInteger(repeat) || repeat < 1) throw new Error('--repeat must be a positive whole number');
        break;
      case '--out':
        out = value();
        break;
      case '--help':
      case '-h':
        throw new Error(USAGE);
      case '--':
        break;
      default:
        throw new Error(`Unknown option ${arg}\n\n${USAGE}`);
    }
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return {
    quick,
    stores: stores ?? ['memory', 'sqlite', 'postgres', ...(process.env.KURRENTDB_CONNECTION_STRING ? (['kurrentdb'] as const) : [])],
    learners: learners ?? (quick ? [1000, 5000] : [10_000, 100_000, 1_000_000]),
    out: out ?? `.bench-results/${stamp}.jsonl`,
    repeat,
  };
};
