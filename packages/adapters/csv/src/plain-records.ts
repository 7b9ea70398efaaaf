import type { CsvRecord } from './parse.js';

/*
 * The fast path of the CSV reader. Most learner files hold no quote at all
 * (an export quotes only values with a comma, a quote or a line break): such
 * text is records cut at line breaks and cells cut at the delimiter, which
 * needs no parser. The records are cut here, straight from the UTF-8 bytes,
 * piece by piece as the file is read (each piece ends at a line feed), until
 * a piece holds a quote (or a suspiciously long line): from that piece on,
 * the full parser reads the rest of the file exactly as it would have had it
 * read the whole file.
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
  /** The last record read, not yet passed on: the parser passes it on before its own first record, or drops it on an error there. */
  readonly held: CsvRecord | undefined;
}

/**
 * Yields the records of the quote-free pieces at the start of a file, those
 * of each piece together, counting their lines in `count`; returns what is left for the full parser, or
 * undefined when the file ended first. A failure of the input is left to the
 * parser too, after the bytes read before it, so that it ends the file as
 * it always has.
 */
export async function* plainRecords(chunks: AsyncGenerator<Uint8Array>, delimiter: string, count: RecordCount): AsyncGenerator<readonly CsvRecord[], Rest | undefined> {
  let carry: Buffer | undefined;
  let atStart = true;
  // The last record of each piece waits for the next piece, as it does in the parser's stream: an error in the next
  // piece drops it there, and must here too, for the same file to get the same report either way.
  let held: CsvRecord | undefined;
  for (;;) {
    let next: IteratorResult<Uint8Array>;
    try {
      next = await chunks.next();
    } catch (error) {
      return { chunks: followedBy(carry ?? new Uint8Array(0), chunks, { error }), atStart, held };
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
      if (BOM.every((b, i) => buffer[i] === b)) return { chunks: followedBy(buffer, chunks), atStart, held };
    }
    // A piece with a quote goes to the parser whole, as it always has: what the parser reads of it, and what it
    // drops before an error there, stay as they were.
    if (buffer.indexOf(QUOTE) !== -1) return { chunks: followedBy(buffer, chunks), atStart, held };
    const before = { line: count.line, headerCells: count.headerCells };
    const records: CsvRecord[] = [];
    let start = 0;
    let lf = -2;
    let cr = -2;
    let long = false;
    for (;;) {
      if (lf !== -1 && lf < start) lf = buffer.indexOf(LF, start);
      if (cr !== -1 && cr < start) cr = buffer.indexOf(CR, start);
      let end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      let after: number;
      if (end === -1) {
        // The last record of the file needs no line break after it.
        if (!final || start >= buffer.length) break;
        end = buffer.length;
        after = end;
      } else if (buffer[end] === CR) {
        // A CR at the end of what has come so far may be half a CRLF.
        if (end + 1 === buffer.length && !final) break;
        after = buffer[end + 1] === LF ? end + 2 : end + 1;
      } else {
        after = end + 1;
      }
      if (end - start > LONGEST_PLAIN_LINE) {
        long = true;
        break;
      }
      records.push(counted(count, buffer.toString('utf8', start, end).split(delimiter), 0));
      start = after;
    }
    const left = buffer.subarray(start);
    if (long || left.length > LONGEST_PLAIN_LINE) {
      // So does a piece with a line too long for this path, none of its records counted.
      count.line = before.line;
      count.headerCells = before.headerCells;
      return { chunks: followedBy(buffer, chunks), atStart, held };
    }
    if (records.length > 0) atStart = false;
    if (held) records.unshift(held);
    held = final ? undefined : records.pop();
    if (records.length > 0) yield records;
    if (final) return undefined;
    if (left.length > 0) carry = left;
  }
}
