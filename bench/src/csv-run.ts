import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CsvChildInput, CsvChildResult } from './csv-child.js';
import { type Measurement, measurement } from './measure.js';
import type { StoreLocation } from './stores.js';
import { type OrganizationWorkload, writeDataServicesCsv } from './workload.js';

const here = dirname(fileURLToPath(import.meta.url));

const runChild = (input: CsvChildInput, heapMb: number): Promise<CsvChildResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, join(here, 'csv-child.js'), JSON.stringify(input)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`CSV ${input.mode} child failed (exit ${code})`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as CsvChildResult);
      } catch (error) {
        reject(error);
      }
    });
  });

/**
 * Writes the workload's Data Services file, then in separate processes
 * parses it with csv-parse alone (the baseline) and imports it end to end.
 */
export const csvEndToEnd =
  (workDir: string, n: number, emit: (m: Measurement) => void, log: (line: string) => void, parseRuns: number) =>
  async (location: StoreLocation, w: OrganizationWorkload): Promise<void> => {
    const file = join(workDir, `learners-${process.pid}-${n}.csv`);
    await writeDataServicesCsv(w, file);
    try {
      const heapMb = n >= 1_000_000 ? 16_384 : 4096;
      const parses: CsvChildResult[] = [];
      for (let i = 0; i < parseRuns; i++) parses.push(await runChild({ mode: 'parse', file }, heapMb));
      parses.sort((a, b) => b.seconds - a.seconds);
      const parse = parses[Math.floor((parses.length - 1) / 2)]!;
      log(`${location.kind} n=${n}: csv-parse alone: ${Math.round(parse.rows / parse.seconds)} rows/s`);
      const result = await runChild({ mode: 'import', file, location, learners: n }, heapMb);
      const baseline = { ops: parse.rows, seconds: parse.seconds, perSecond: parse.rows / parse.seconds, runs: parses.length };
      emit(measurement({ bench: 'raw.csv-parse', store: location.kind, n, unit: 'rows/s', ops: parse.rows, seconds: parse.seconds, runs: parses.length, peakRssMb: parse.peakRssMb, baselineName: 'csv-parse 7 with named columns, alone, in its own process' }));
      emit(
        measurement({
          bench: 'csv.e2e',
          store: location.kind,
          n,
          unit: 'rows/s',
          ops: result.rows,
          seconds: result.seconds,
          baseline,
          baselineName: 'csv-parse pass over the same file',
          peakRssMb: result.peakRssMb,
          ...(result.detail ? { note: result.detail } : {}),
        }),
      );
      if (result.loadSeconds !== undefined) {
        emit(
          measurement({
            bench: 'csv.e2e+load',
            store: location.kind,
            n,
            unit: 'rows/s',
            ops: result.rows,
            seconds: result.seconds + result.loadSeconds,
            baseline,
            baselineName: 'csv-parse pass over the same file',
            peakRssMb: result.peakRssMb,
            note: `the import plus loading the organization's state (${result.loadSeconds.toFixed(2)} s) in a fresh process, as a command-line import does`,
          }),
        );
      }
    } finally {
      rmSync(file, { force: true });
    }
  };
