import type { Measurement } from './measure.js';

const keyOf = (m: Measurement) => `${m.bench}\u0000${m.store}\u0000${m.n}`;

/** One figure per bench, store and size: the repetition with the median rate (and how many there were). */
export const aggregate = (results: readonly Measurement[]): Measurement[] => {
  const groups = new Map<string, Measurement[]>();
  for (const m of results) {
    const group = groups.get(keyOf(m)) ?? [];
    group.push(m);
    groups.set(keyOf(m), group);
  }
  return [...groups.values()].map((group) => {
    const sorted = [...group].sort((a, b) => a.perSecond - b.perSecond);
    const mid = sorted[Math.floor((sorted.length - 1) / 2)]!;
    return group.length > 1 ? { ...mid, runs: group.length } : mid;
  });
};

const fmt = (value: number | null | undefined): string => {
  if (value === null || value === undefined) return '—';
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
};

const table = (header: readonly string[], rows: readonly (readonly string[])[]): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i < 3 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
};

/** The human table (Markdown) of every figure. */
export const summaryTable = (results: readonly Measurement[]): string =>
  table(
    ['bench', 'store', 'n', 'ops', 'seconds', 'rate', 'unit', 'baseline', 'ratio', 'peak RSS MB'],
    results.map((m) => [m.bench, m.store, String(m.n), String(m.ops), m.seconds.toFixed(3), fmt(m.perSecond), m.unit, fmt(m.baseline), m.ratio === null ? '—' : m.ratio.toFixed(3), String(m.peakRssMb)]),
  );

/** Rate per size for every bench and store, and the largest size's rate as a share of the smallest's. */
export const scalingTable = (results: readonly Measurement[]): string => {
  const sizes = [...new Set(results.map((m) => m.n))].sort((a, b) => a - b);
  const series = new Map<string, Map<number, Measurement>>();
  for (const m of results) {
    const key = `${m.bench}\u0000${m.store}`;
    const byN = series.get(key) ?? new Map<number, Measurement>();
    byN.set(m.n, m);
    series.set(key, byN);
  }
  const rows = [...series.entries()].map(([key, byN]) => {
    const [bench, store] = key.split('\u0000') as [string, string];
    const present = sizes.filter((n) => byN.has(n));
    const first = byN.get(present[0]!)!;
    const last = byN.get(present[present.length - 1]!)!;
    return [bench, store, first.unit, ...sizes.map((n) => fmt(byN.get(n)?.perSecond)), present.length > 1 ? `${((100 * last.perSecond) / first.perSecond).toFixed(0)}%` : '—'];
  });
  return table(['bench', 'store', 'unit', ...sizes.map((n) => `n=${n}`), 'largest/smallest'], rows);
};

/** The ratio of every figure that has a baseline, per size: what to compare between machines. */
export const ratioTable = (results: readonly Measurement[]): string => {
  const sizes = [...new Set(results.map((m) => m.n))].sort((a, b) => a - b);
  const series = new Map<string, Map<number, Measurement>>();
  for (const m of results) {
    if (m.ratio === null) continue;
    const key = `${m.bench}\u0000${m.store}`;
    const byN = series.get(key) ?? new Map<number, Measurement>();
    byN.set(m.n, m);
    series.set(key, byN);
  }
  const rows = [...series.entries()].map(([key, byN]) => {
    const [bench, store] = key.split('\u0000') as [string, string];
    return [bench, store, byN.values().next().value!.unit, ...sizes.map((n) => {
      const m = byN.get(n);
      return m ? `${fmt(m.perSecond)} / ${fmt(m.baseline)} = ${m.ratio!.toFixed(3)}` : '—';
    })];
  });
  return table(['bench', 'store', 'unit', ...sizes.map((n) => `n=${n}: rate / baseline = ratio`)], rows);
};

/** The many-writers figures: throughput, failed commands, retries and latency beside the baseline each is compared with. */
export const contentionTable = (results: readonly Measurement[]): string =>
  table(
    ['bench', 'store', 'n', 'commands/s', 'events/s', 'failed', 'retries', 'p50 ms', 'p99 ms', 'baseline events/s', 'ratio'],
    results
      .filter((m) => m.commandsPerSecond !== undefined)
      .map((m) => [
        m.bench,
        m.store,
        String(m.n),
        fmt(m.commandsPerSecond),
        fmt(m.perSecond),
        String(m.failed ?? 0),
        String(m.retries ?? 0),
        fmt(m.p50Ms),
        fmt(m.p99Ms),
        fmt(m.baseline),
        m.ratio === null ? '—' : m.ratio.toFixed(3),
      ]),
  );
