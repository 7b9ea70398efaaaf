/**
 * Re-renders result files as the Markdown tables BENCHMARKS.md shows:
 * `node bench/dist/src/summarize.js .bench-results/a.jsonl [b.jsonl …]`.
 * When several files measure the same bench, store and size, the median
 * repetition is kept (as `--repeat` does).
 */
import { readFileSync } from 'node:fs';
import type { Measurement } from './measure.js';
import { aggregate, contentionTable, ratioTable, scalingTable, summaryTable } from './report.js';

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('Usage: node bench/dist/src/summarize.js RESULTS.jsonl [MORE.jsonl …]\n');
  process.exit(2);
}
const results: Measurement[] = files.flatMap((file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Measurement),
);
const final = aggregate(results);
process.stdout.write(`${summaryTable(final)}\n\n${ratioTable(final)}\n\n${scalingTable(final)}\n\n${contentionTable(final)}\n`);
