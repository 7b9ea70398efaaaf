import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FileFacts } from '../src/encoding.js';
import { CsvFileError } from '../src/errors.js';
import { readRecords, type CsvRecord } from '../src/parse.js';

/**
 * The fast path for quote-free text and the full parser read the same
 * records: whatever the text (delimiters, CR, LF and CRLF, blank lines, a
 * byte-order mark at the start or in the middle, non-ASCII letters, quotes
 * anywhere), however its bytes are cut into chunks, and whether or not the
 * input fails part way. Before an error, the parser drops the records it
 * still holds: as many as a file read from disk leaves it holding (those of
 * the piece the error is in, and the last one before it), the fast path
 * drops too; a stream of tiny chunks may leave it holding more.
 */
const RUNS = Number(process.env.CSV_PROPERTY_RUNS ?? 300);

const pieces = ['a', 'Bc', ' ', 'é', '中', '😀', ',', ',', ';', '\t', '\n', '\n', '\r\n', '\r', '"', '""', '\ufeff', '0042', 'x@y.test'];
const text = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((cs) => cs.join(''));
/** Mostly quote-free text (the fast path's own), sometimes with quotes (the hand-over). */
const file = fc.oneof({ weight: 3, arbitrary: text.map((t) => t.replace(/"/g, '')) }, { weight: 2, arbitrary: text }, { weight: 1, arbitrary: text.map((t) => `\ufeff${t}`) });

const chunked = (bytes: Buffer, cuts: readonly number[], failAt: number | undefined) =>
  (async function* () {
    let at = 0;
    const ends = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
    for (const [k, cut] of ends.entries()) {
      if (k === failAt) throw new Error('the share went away');
      yield bytes.subarray(at, cut);
      at = cut;
    }
    if (failAt !== undefined && failAt >= ends.length) throw new Error('the share went away');
    yield bytes.subarray(at);
  })();

interface Reading {
  readonly records: CsvRecord[];
  readonly failure?: { readonly code?: string; readonly line?: number; readonly fieldIndex?: number; readonly header?: readonly string[]; readonly message: string };
}

const read = async (bytes: Buffer | string, cuts: readonly number[], failAt: number | undefined, plain: boolean): Promise<Reading> => {
  const facts: FileFacts = { sha256: '', bytes: 0, encoding: 'utf-8', bom: false };
  const records: CsvRecord[] = [];
  try {
    for await (const piece of readRecords(typeof bytes === 'string' ? bytes : chunked(bytes, cuts, failAt), facts, { fast: !plain })) records.push(...piece);
  } catch (error) {
    if (error instanceof CsvFileError) {
      return { records, failure: { code: error.detail.code, ...(error.detail.line !== undefined ? { line: error.detail.line } : {}), ...(error.fieldIndex !== undefined ? { fieldIndex: error.fieldIndex } : {}), ...(error.headerCells ? { header: error.headerCells } : {}), message: error.message } };
    }
    return { records, failure: { message: (error as Error).message } };
  }
  return { records };
};

test('the fast path and the full parser read the same records and meet the same errors', async () => {
  await fc.assert(
    fc.asyncProperty(file, fc.array(fc.nat(), { maxLength: 8 }), fc.option(fc.nat({ max: 8 }), { nil: undefined }), async (content, cuts, failAt) => {
      const bytes = Buffer.from(content, 'utf8');
      const fast = await read(bytes, cuts, failAt, false);
      const plain = await read(bytes, cuts, failAt, true);
      expect(fast.failure).toEqual(plain.failure);
      if (fast.failure === undefined) expect(fast.records).toEqual(plain.records);
      // How many records the parser still held when an error came depends on how fast they were taken from it.
      else expect(fast.records.slice(0, plain.records.length)).toEqual(plain.records);
    }),
    { numRuns: RUNS },
  );
});

test('a quote-free file of many lines is read whole by the fast path, the same as by the parser', async () => {
  const lines = Array.from({ length: 5000 }, (_, i) => `${String(i).padStart(7, '0')},Zoë,Ødegård,z${i}@acme.test,E-${i},Team 01;Team 02,${i % 10 === 0 ? 'FALSE' : 'TRUE'}`);
  const bytes = Buffer.from(`Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active\r\n${lines.join('\r\n')}\r\n`, 'utf8');
  const fast = await read(bytes, [70_000, 140_001, 200_003], undefined, false);
  const plain = await read(bytes, [], undefined, true);
  expect(fast.records).toHaveLength(5001);
  expect(fast).toEqual(plain);
});

test('a line longer than the fast path takes goes to the parser, which refuses a record over its limit', async () => {
  const long = 'x'.repeat(1_100_000);
  const bytes = Buffer.from(`Learner ID,First Name\n1,${long}\n2,b\n`, 'utf8');
  const fast = await read(bytes, [], undefined, false);
  expect(fast.failure?.code).toBe('RECORD_TOO_LARGE');
  expect(fast.failure?.line).toBe(2);
  expect(fast).toEqual(await read(bytes, [], undefined, true));
});

test.each([
  ['a quote inside a value', (i: number) => `${i},O"Brien,X,x${i}@acme.test,,,TRUE`],
  ['a quote never closed', (i: number) => `${i},"O,X,x${i}@acme.test,,,TRUE`],
  ['a value quoted properly', (i: number) => `${i},"Brien, O",X,x${i}@acme.test,,,TRUE`],
])('a file read from disk with %s far into it: the same records before the same error either way', async (_name, line) => {
  const dir = mkdtempSync(join(tmpdir(), 'll-plain-records-'));
  try {
    for (const at of [3, 5000, 11_999]) {
      const rows = Array.from({ length: 12_000 }, (_, i) => (i === at ? line(i) : `${i},First${i},Last${i},l${i}@acme.test,E${i},Sales,TRUE`));
      const path = join(dir, `at-${at}.csv`);
      writeFileSync(path, `Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active\n${rows.join('\n')}\n`);
      expect(await read(path, [], undefined, false)).toEqual(await read(path, [], undefined, true));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
