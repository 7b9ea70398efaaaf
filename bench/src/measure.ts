/** One benchmark figure, printed as one JSON line. */
export interface Measurement {
  /** What was measured, e.g. `command.events`, `bulk.deactivate`, `replay`, `csv.e2e`, `asof`. */
  readonly bench: string;
  readonly store: string;
  /** Learners in the workload. */
  readonly n: number;
  /** Units done in `seconds` (events, commands, rows or queries: see `unit`). */
  readonly ops: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** The raw baseline's rate (same unit), measured in the same run; null when there is none. */
  readonly baseline: number | null;
  /** perSecond / baseline. */
  readonly ratio: number | null;
  /** Peak resident set size of the process that did the work, in MB. */
  readonly peakRssMb: number;
  readonly unit: string;
  /** What the baseline is. */
  readonly baselineName?: string;
  /** Baseline details (its ops and seconds). */
  readonly baselineOps?: number;
  readonly baselineSeconds?: number;
  /** How many repetitions the figure is the median of. */
  readonly runs?: number;
  readonly note?: string;
  /** Contention figures: commands answered per second, commands that failed (by code), lost races retried, latency percentiles. */
  readonly commandsPerSecond?: number;
  readonly failed?: number;
  readonly failedByCode?: Record<string, number>;
  readonly retries?: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
}

export const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

export const seconds = (startNs: bigint): number => Number(process.hrtime.bigint() - startNs) / 1e9;

export const now = (): bigint => process.hrtime.bigint();

/** Times `work`, returning its result and the wall-clock seconds it took. */
export const timed = async <T>(work: () => Promise<T> | T): Promise<{ value: T; seconds: number }> => {
  const start = now();
  const value = await work();
  return { value, seconds: seconds(start) };
};

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export interface Rate {
  readonly ops: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly runs: number;
}

/** Runs `work` `runs` times (each returns its ops and seconds) and keeps the run with the median rate. */
export const medianRate = async (runs: number, work: (run: number) => Promise<{ ops: number; seconds: number }>): Promise<Rate> => {
  const results: { ops: number; seconds: number; perSecond: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await work(i);
    results.push({ ...r, perSecond: r.ops / r.seconds });
  }
  results.sort((a, b) => a.perSecond - b.perSecond);
  const mid = results[Math.floor((results.length - 1) / 2)]!;
  return { ...mid, runs };
};

export const measurement = (
  fields: Omit<Measurement, 'perSecond' | 'ratio' | 'baseline' | 'peakRssMb'> & { baseline?: Rate | null; peakRssMb?: number },
): Measurement => {
  const perSecond = fields.ops / fields.seconds;
  const { baseline, ...rest } = fields;
  return {
    ...rest,
    perSecond: significant(perSecond),
    seconds: round(fields.seconds, 4),
    baseline: baseline ? significant(baseline.perSecond) : null,
    ratio: baseline ? round(perSecond / baseline.perSecond, 4) : null,
    peakRssMb: fields.peakRssMb ?? peakRssMb(),
    ...(baseline ? { baselineOps: baseline.ops, baselineSeconds: round(baseline.seconds, 4) } : {}),
  };
};

export const round = (value: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** Six significant digits: enough for any rate, and small rates (queries/s of a slow baseline) keep theirs. */
export const significant = (value: number): number => Number(value.toPrecision(6));

/**
 * A figure that is a value rather than a rate (bytes a learner, seconds to
 * load, milliseconds of pause): it is reported in the `perSecond` column (the
 * table's "rate") with its unit, `ops` = the value and `seconds` = 1; the
 * ratio is value / baseline value (for these, lower is better).
 */
export const figure = (fields: {
  readonly bench: string;
  readonly store: string;
  readonly n: number;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: number;
  readonly baselineName?: string;
  readonly note?: string;
  readonly peakRssMb?: number;
}): Measurement => ({
  bench: fields.bench,
  store: fields.store,
  n: fields.n,
  ops: significant(fields.value),
  seconds: 1,
  perSecond: significant(fields.value),
  baseline: fields.baseline === undefined ? null : significant(fields.baseline),
  ratio: fields.baseline === undefined || fields.baseline === 0 ? null : round(fields.value / fields.baseline, 4),
  peakRssMb: fields.peakRssMb ?? peakRssMb(),
  unit: fields.unit,
  ...(fields.baselineName !== undefined ? { baselineName: fields.baselineName } : {}),
  ...(fields.note !== undefined ? { note: fields.note } : {}),
});
