import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { parse } from 'csv-parse';
import { workbookWriter } from '@learner-ledger/csv';
import { join } from 'node:path';
import type { CsvChildInput, CsvChildResult } from './csv-child.js';
import { type Measurement, measurement } from './measure.js';
import type { StoreLocation } from './stores.js';
import { type OrganizationWorkload, writeDataServicesCsv } from './workload.js';
import { runJsonChild } from './json-child.js';

const runChild = (input: CsvChildInput, heapMb: number): Promise<CsvChildResult> => runJsonChild('csv-child.js', input, { heapMb, what: `CSV ${input.mode}` });

/** The CSV file's rows as an Excel workbook, written by the adapter's streaming writer (every cell text). */
const csvToWorkbook = async (csv: string, xlsx: string): Promise<void> => {
  const writer = await workbookWriter(createWriteStream(xlsx), { sheetName: 'data-services' });
  for await (const record of createReadStream(csv).pipe(parse()) as AsyncIterable<string[]>) await writer.row(record);
  await writer.end();
};

/**
 * Writes the workload's Data Services file, then in separate processes
 * parses it with csv-parse alone (the baseline) and imports it end to end;
 * and reads the same rows as an XLSX workbook with the streaming reader.
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
      const workbook = file.replace(/\.csv$/, '.xlsx');
      try {
        await csvToWorkbook(file, workbook);
        const read = await runChild({ mode: 'xlsx-read', file: workbook }, heapMb);
        log(`${location.kind} n=${n}: XLSX read: ${Math.round(read.rows / read.seconds)} rows/s, peak RSS ${Math.round(read.peakRssMb)} MB`);
        emit(measurement({ bench: 'xlsx.read', store: location.kind, n, unit: 'rows/s', ops: read.rows, seconds: read.seconds, baseline, baselineName: 'csv-parse pass over the same rows as CSV', peakRssMb: read.peakRssMb, note: 'the streaming workbook reader alone (ZIP, XML, header, cells), as an XLSX import reads the file' }));
      } finally {
        rmSync(workbook, { force: true });
      }
    } finally {
      rmSync(file, { force: true });
    }
  };
