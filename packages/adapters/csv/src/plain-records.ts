import type { CsvRecord } from './parse.js';

/*
 * The fast path of the CSV reader. Most learner files hold no quote at all
 * (an export quotes only values with a comma, a quote or a line break): such
 * text is records cut at line breaks and cells cut at the delimiter, which
 * needs no parser. The records are cut here, straight from the UTF-8 bytes,
 * until the first quote (or a suspiciously long line): from the record it
 * sits in, the rest of the file goes to the full parser, which then reads it
 * exactly as it would have read the whole file from there.
 */

const QUOTE = 0x22;
const LF = 10;
const CR = 13;
const BOM = [0xef, 0xbb, 0xbf];

/** A line longer than this (bytes) goes to the parser, which knows how to refuse a record over its limit. */
const LONGEST_PLAIN_LINE = 65_536;

/** Where the reading of a file stands: the line the next record starts on, and the file's header once met. */
export interface RecordCount {
  line: number;
  headerCells: string[] | undefined;
}

/** Counts a record that starts on `count.line` and spans `breaks` line breaks of its own. */
export const counted = (count: RecordCount, fields: string[], breaks: number): CsvRecord => {
  if (count.headerCells === undefined && fields.some((f) => f.trim() !== '')) count.headerCells = fields;
  const record: CsvRecord = { line: count.line, fields };
  count.line += 1 + breaks;
  return record;
};

/** The bytes `first`, then the rest of `chunks`, or the failure the input met after `first`. */
async function* followedBy(first: Uint8Array, chunks: AsyncGenerator<Uint8Array>, failure?: { readonly error: unknown }): AsyncGenerator<Uint8Array> {
  try {
    if (first.length > 0) yield first;
    if (failure) throw failure.error;
    yield* chunks;
  } finally {
    await chunks.return(undefined); // closes the file when the parser stops early
  }
}

/** What is left for the full parser: the bytes from the first record the fast path does not read, and whether the file's start is behind. */
export interface Rest {
  readonly chunks: AsyncGenerator<Uint8Array>;
  /** The parser starts at the file's first byte (it drops a byte-order mark there, and only there). */
  readonly atStart: boolean;
}

/**
 * Yields the records of quote-free text at the start of a file, those of
 * each chunk together, counting their lines in `count`; returns what is left for the full parser, or
 * undefined when the file ended first. A failure of the input is left to the
 * parser too, after the bytes read before it, so that it ends the file as
 * it always has.
 */
export async function* plainRecords(chunks: AsyncGenerator<Uint8Array>, delimiter: string, count: RecordCount): AsyncGenerator<readonly CsvRecord[], Rest | undefined> {
  let carry: Buffer | undefined;
  let atStart = true;
  for (;;) {
    let next: IteratorResult<Uint8Array>;
    try {
      next = await chunks.next();
    } catch (error) {
      return { chunks: followedBy(carry ?? new Uint8Array(0), chunks, { error }), atStart };
    }
    const final = next.done === true;
    const bytes: Uint8Array = next.done ? new Uint8Array(0) : next.value;
    let buffer = carry === undefined ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length) : Buffer.concat([carry, bytes]);
    carry = undefined;
    if (atStart) {
      // A byte-order mark is the parser's to drop, and a file too short to tell is the parser's to read.
      if (buffer.length < BOM.length && !final) {
        carry = buffer;
        continue;
      }
      if (BOM.every((b, i) => buffer[i] === b)) return { chunks: followedBy(buffer, chunks), atStart };
    }
    const quote = buffer.indexOf(QUOTE);
    const limit = quote === -1 ? buffer.length : quote;
    const records: CsvRecord[] = [];
    let start = 0;
    let lf = -2;
    let cr = -2;
    for (;;) {
      if (lf !== -1 && lf < start) lf = buffer.indexOf(LF, start);
      if (cr !== -1 && cr < start) cr = buffer.indexOf(CR, start);
      let end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      let after: number;
      if (end === -1 || end >= limit) {
        // The last record of the file needs no line break after it.
        if (!final || quote !== -1 || start >= buffer.length) break;
        end = buffer.length;
        after = end;
      } else if (buffer[end] === CR) {
        // A CR at the end of what has come so far may be half a CRLF.
        if (end + 1 === buffer.length && !final) break;
        after = buffer[end + 1] === LF ? end + 2 : end + 1;
      } else {
        after = end + 1;
      }
      if (end - start > LONGEST_PLAIN_LINE) break;
      atStart = false;
      records.push(counted(count, buffer.toString('utf8', start, end).split(delimiter), 0));
      start = after;
    }
    if (records.length > 0) yield records;
    const left = buffer.subarray(start);
    if (quote !== -1 || left.length > LONGEST_PLAIN_LINE) return { chunks: followedBy(left, chunks), atStart };
    if (final) return undefined;
    if (left.length > 0) carry = left;
  }
}
