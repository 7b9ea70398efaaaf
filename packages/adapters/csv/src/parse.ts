import { once } from 'node:events';
import { parse, type CsvError } from 'csv-parse';
import { utf8Chunks, type FileFacts, type ImportInput } from './encoding.js';
import { CsvFileError } from './errors.js';
import { counted, plainRecords, type RecordCount, type Rest } from './plain-records.js';
import { lineBreaksIn } from './values.js';

/** One record of the file: its cells and the 1-based line it starts on (the header is line 1). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

/** A record may be at most this long (characters): a runaway line must not take the process down. */
export const MAX_RECORD_SIZE = 1_048_576;

const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** The delimiter of the header line: a comma, else a semicolon (European spreadsheets), else a tab ("Unicode text"). */
const detectDelimiter = (head: string): Delimiter => {
  const end = head.search(/[\r\n]/);
  const first = end === -1 ? head : head.slice(0, end);
  return DELIMITERS.find((d) => first.includes(d)) ?? ',';
};

/** Peeks the bytes until the first line is complete (or 64 KiB) without losing any of them. */
const withHead = async (chunks: AsyncGenerator<Uint8Array>): Promise<{ head: string; all: AsyncGenerator<Uint8Array> }> => {
  const held: Uint8Array[] = [];
  let size = 0;
  let done = false;
  const hasLineEnd = (bytes: Uint8Array) => bytes.includes(10) || bytes.includes(13);
  while (!held.some(hasLineEnd) && size < 65_536) {
    const next = await chunks.next();
    if (next.done) {
      done = true;
      break;
    }
    held.push(next.value);
    size += next.value.length;
  }
  async function* all(): AsyncGenerator<Uint8Array> {
    yield* held;
    if (done) return;
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head: Buffer.concat(held).toString('utf8'), all: all() };
};

const parseFailure = (error: CsvError, line: number): CsvFileError => {
  const column = typeof error['column'] === 'number' ? (error['column'] as number) : undefined;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new CsvFileError({
        code: 'UNCLOSED_QUOTE',
        line,
        expected: 'a closing quote (")',
        message: 'A quoted value starts here and is never closed: the rest of the file would be read as one value',
      }, column);
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'INVALID_OPENING_QUOTE':
      return new CsvFileError({
        code: 'INVALID_QUOTE',
        line,
        expected: 'a value either without quotes, or entirely in quotes with inner quotes doubled ("O""Brien")',
        message: 'A quote (") inside a value that is not properly quoted',
      }, column);
    case 'CSV_MAX_RECORD_SIZE':
      return new CsvFileError({
        code: 'RECORD_TOO_LARGE',
        line,
        expected: `a record of at most ${MAX_RECORD_SIZE} characters`,
        message: `A record starts here that is longer than ${MAX_RECORD_SIZE} characters: the file is not a learners file, or a quote is missing`,
      });
    default:
      return new CsvFileError({ code: 'INVALID_QUOTE', line, message: `Not readable as CSV: ${error.message}` });
  }
};

/**
 * How the records are read: `fast` takes the fast path for quote-free text
 * (by default for a file read from disk, whose pieces the parser's stream
 * drops records of before an error the same way whatever the timing; a
 * stream's records it drops depend on how fast they come).
 */
export interface ReadRecordsOptions {
  readonly fast?: boolean;
}

/**
 * Streams the records of a CSV file in pieces, never holding the file whole: the
 * quote-free pieces at its start through the fast path (`plain-records.ts`),
 * the rest, from the first piece with a quote, through csv-parse. Line
 * numbers are counted here rather than taken from csv-parse's `info`, whose
 * count runs ahead on CRLF line breaks inside quoted values. `facts` is
 * complete when the iteration ends.
 */
export async function* readRecords(input: ImportInput, facts: FileFacts, options: ReadRecordsOptions = {}): AsyncGenerator<readonly CsvRecord[]> {
  const { head, all } = await withHead(utf8Chunks(input, facts));
  const delimiter = detectDelimiter(head);
  const count: RecordCount = { line: 1, headerCells: undefined };
  let rest: Rest | undefined = { chunks: all, atStart: true, held: undefined };
  if (options.fast ?? typeof input === 'string') {
    const fast = plainRecords(all, delimiter, count);
    try {
      for (;;) {
        const next = await fast.next();
        if (next.done) {
          rest = next.value;
          break;
        }
        yield next.value;
      }
    } finally {
      if (rest === undefined || rest.chunks === all) await all.return(undefined); // closes the file when the reading stops early
    }
    if (rest === undefined) return;
  }
  yield* parsedRecords(rest, delimiter, count);
}

/** The records of the rest of a file as csv-parse reads them. */
async function* parsedRecords({ chunks: all, atStart, held: heldBack }: Rest, delimiter: Delimiter, count: RecordCount): AsyncGenerator<readonly CsvRecord[]> {
  let held = heldBack;
  const parser = parse({
    bom: atStart,
    delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    skip_empty_lines: false,
    max_record_size: MAX_RECORD_SIZE,
  });
  // Lines are counted as the parser pushes records, not as they are consumed: a parse error discards the records
  // still buffered, and its line must be that of the record it is in. (csv-parse's `on_record`/`info` would do it
  // too, at about three times the parsing cost: they build an info object per record.)
  const push = parser.push.bind(parser);
  parser.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (chunk === null) return push(chunk, encoding);
    const fields = chunk as string[];
    return push(counted(count, fields, lineBreaksIn(fields)), encoding);
  };
  // The bytes are written by hand rather than piped: every piece read before a failure of the input (an encoding
  // error, an unreadable file) reaches the parser, so the records met before it never depend on timing.
  let inputError: unknown;
  const stop = new AbortController();
  const pump = (async () => {
    let failed = false;
    try {
      for (;;) {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await all.next();
        } catch (error) {
          inputError = error;
          failed = true;
          break;
        }
        if (next.done || parser.destroyed) break;
        if (!parser.write(next.value)) await once(parser, 'drain', { signal: stop.signal });
      }
    } catch {
      // the parser failed or was stopped: its own error (if any) reaches the reader below
    } finally {
      if (!failed) await all.return(undefined); // closes the file
      if (!parser.destroyed) parser.end();
    }
  })();
  try {
    for await (const record of parser as AsyncIterable<CsvRecord>) {
      if (held === undefined) yield [record];
      else {
        const first = held;
        held = undefined;
        yield [first, record];
      }
    }
    await pump;
    if (held !== undefined) yield [held];
    if (inputError !== undefined) throw inputError;
  } catch (error) {
    if (error instanceof CsvFileError) throw error;
    const code = (error as Partial<CsvError> | undefined)?.code;
    if (typeof code === 'string' && (code.startsWith('CSV_') || code === 'INVALID_OPENING_QUOTE')) {
      // A quote left open where the input broke off is the input's failure, not the file's quoting.
      await pump;
      if (inputError !== undefined && code === 'CSV_QUOTE_NOT_CLOSED') throw inputError;
      const failure = parseFailure(error as CsvError, count.line);
      failure.headerCells = count.headerCells;
      throw failure;
    }
    throw error;
  } finally {
    stop.abort();
    if (!parser.destroyed) parser.destroy();
  }
}
