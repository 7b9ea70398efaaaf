/**
 * A CSV run in its own process, so its peak RSS is the run's alone:
 * `parse` reads the file with csv-parse and nothing else (the baseline);
 * `import` imports it into a store with the CSV adapter, end to end;
 * `xlsx-read` reads an Excel workbook of the same rows with the adapter's
 * streaming workbook reader (ZIP, XML, header and cells; no store).
 * Prints one JSON object: rows, seconds, peakRssMb.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { xlsxLearnerFile } from '@learner-ledger/csv';
import { now, peakRssMb, seconds } from './measure.js';
import type { StoreLocation } from './stores.js';

export interface CsvChildInput {
  readonly mode: 'parse' | 'import' | 'xlsx-read';
  readonly file: string;
  readonly location?: StoreLocation;
  /** For `memory`: learners to seed first (the in-memory store cannot be handed over from another process). */
  readonly learners?: number;
}

export interface CsvChildResult {
  readonly rows: number;
  readonly seconds: number;
  readonly peakRssMb: number;
  /** Loading the organization's state before the import (for `import`). */
  readonly loadSeconds?: number;
  /** For `import`: CPU (user + system) of the whole process, of the import alone, and the seconds from process start to the end of the import. */
  readonly cpuSeconds?: number;
  readonly importCpuSeconds?: number;
  readonly processSeconds?: number;
  /** For `import`: each stage's CPU and wall seconds and the largest RSS and heap (+ array buffers) seen in it. */
  readonly stages?: readonly { readonly stage: string; readonly cpuSeconds: number; readonly wallSeconds: number; readonly maxRssMb: number; readonly maxHeapMb: number }[];
  readonly detail?: string;
}

/** csv-parse alone, with named columns, as the importer reads the file. */
const parseOnly = async (file: string): Promise<{ rows: number; active: number }> => {
  let rows = 0;
  let active = 0;
  const parser = createReadStream(file).pipe(parse({ columns: true, bom: true, info: false }));
  for await (const record of parser as AsyncIterable<Record<string, string>>) {
    rows++;
    if (record.Active === 'TRUE') active++;
  }
  return { rows, active };
};

/** Every row of a workbook as the import reads it (header matched, cells taken), counted; a refused file fails the run. */
const readWorkbook = async (file: string): Promise<number> => {
  let rows = 0;
  for await (const item of xlsxLearnerFile(file, { fileName: 'learners.xlsx' }).read()) {
    if (item.kind === 'row') rows++;
    else if (item.kind !== 'header') throw new Error(`the workbook was refused: ${item.error.code}: ${item.error.message}`);
  }
  return rows;
};

const main = async () => {
  const input = JSON.parse(process.argv[2] ?? '{}') as CsvChildInput;
  let result: CsvChildResult;
  if (input.mode === 'parse') {
    const start = now();
    const { rows } = await parseOnly(input.file);
    result = { rows, seconds: seconds(start), peakRssMb: peakRssMb() };
  } else if (input.mode === 'xlsx-read') {
    const start = now();
    const rows = await readWorkbook(input.file);
    result = { rows, seconds: seconds(start), peakRssMb: peakRssMb() };
  } else {
    // As the command-line tool keeps its own process's heap (a user's --heap-growing-percent wins).
    const { keepHeapNearLive } = await import('@learner-ledger/cli');
    keepHeapNearLive();
    const { importEndToEnd } = await import('./csv-import.js');
    result = await importEndToEnd(input);
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
