import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { CsvFileError } from './errors.js';

/**
 * What an import reads: a file path, a Node readable stream, or any async
 * iterable of byte chunks (strings are taken as UTF-8 text).
 */
export type ImportInput = string | AsyncIterable<Uint8Array | string>;

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** Facts about the bytes read, known once the whole file has streamed through. */
export interface FileFacts {
  sha256: string;
  bytes: number;
  encoding: TextEncoding;
  /** A byte-order mark opened the file. */
  bom: boolean;
}

async function* chunksOf(input: ImportInput): AsyncGenerator<Uint8Array> {
  if (typeof input === 'string') {
    const stream = createReadStream(input, { highWaterMark: 256 * 1024 });
    try {
      for await (const chunk of stream) yield chunk as Buffer;
    } catch (error) {
      // Node's message ends with ", open '<path>'": the path is said once, before the reason.
      const { message } = (error ?? {}) as { message?: unknown };
      const reason = (typeof message === 'string' ? message : String(error)).replace(/, \w+ '[^']*'$/, '');
      throw new CsvFileError({ code: 'FILE_UNREADABLE', message: `Cannot read ${input}: ${reason}` });
    }
    return;
  }
  for await (const chunk of input) yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean => prefix.every((b, i) => bytes[i] === b);

/** Picks the encoding from the first bytes: a byte-order mark, or the zero bytes of BOM-less UTF-16 ASCII text. */
const detect = (head: Uint8Array): { encoding: TextEncoding; bom: boolean } => {
  if (startsWith(head, [0x00, 0x00, 0xfe, 0xff]) || startsWith(head, [0xff, 0xfe, 0x00, 0x00])) {
    const name = head[0] === 0 ? 'UTF-32BE' : 'UTF-32LE';
    throw new CsvFileError({
      code: 'ENCODING',
      line: 1,
      value: name,
      expected: 'UTF-8 (with or without BOM) or UTF-16 with a BOM',
      message: `The file is encoded as ${name}, which the import does not read: save it as "CSV UTF-8"`,
    });
  }
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0xd0, 0xcf, 0x11, 0xe0])) {
    const xls = head[0] === 0xd0;
    throw new CsvFileError({
      code: 'WRONG_FILE_TYPE',
      expected: 'a CSV file',
      message: xls
        ? 'The file is an Excel 97-2003 workbook (.xls), not CSV: save it as an Excel workbook (.xlsx) or as CSV UTF-8'
        : 'The file is an Excel workbook (.xlsx), not CSV: import it as XLSX (the file type is recognised when none is given)',
    });
  }
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return { encoding: 'utf-8', bom: true };
  if (startsWith(head, [0xff, 0xfe])) return { encoding: 'utf-16le', bom: true };
  if (startsWith(head, [0xfe, 0xff])) return { encoding: 'utf-16be', bom: true };
  // A header starts with ASCII letters; UTF-16 without a BOM shows them as letter/zero pairs.
  if (head.length >= 4 && head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0) return { encoding: 'utf-16le', bom: false };
  if (head.length >= 4 && head[0] === 0 && head[1] !== 0 && head[2] === 0 && head[3] !== 0) return { encoding: 'utf-16be', bom: false };
  return { encoding: 'utf-8', bom: false };
};

const ENCODING_NAMES: Record<TextEncoding, string> = { 'utf-8': 'UTF-8', 'utf-16le': 'UTF-16LE', 'utf-16be': 'UTF-16BE' };

/** Line feeds in `bytes[from, to)`. */
const countLineFeeds = (bytes: Uint8Array, from = 0, to = bytes.length): number => {
  let count = 0;
  for (let i = bytes.indexOf(10, from); i !== -1 && i < to; i = bytes.indexOf(10, i + 1)) count++;
  return count;
};

/** A line longer than this is passed on in parts (cut between characters): the parser refuses records over 1 MiB anyway. */
const LONG_LINE = 1 << 20;

/** The end of the last complete UTF-8 character of `bytes` (a cut there splits no character). */
const characterBoundary = (bytes: Uint8Array): number => {
  let i = bytes.length - 1;
  while (i >= 0 && bytes.length - i <= 3 && (bytes[i]! & 0xc0) === 0x80) i--;
  if (i < 0 || bytes[i]! < 0xc0) return bytes.length;
  const length = bytes[i]! >= 0xf0 ? 4 : bytes[i]! >= 0xe0 ? 3 : 2;
  return bytes.length - i < length ? i : bytes.length;
};

/**
 * Streams the input as UTF-8 bytes, in pieces that end at a line feed:
 * hashes every byte (SHA-256), detects UTF-8 or UTF-16 from the first bytes
 * and checks the text strictly (invalid bytes are an `ENCODING` error naming
 * the line, never replacement characters). UTF-8 passes through as it came
 * (the parser reads UTF-8 bytes fastest, and drops a byte-order mark itself);
 * UTF-16 is decoded and re-encoded as UTF-8 without its byte-order mark.
 *
 * Before an `ENCODING` error, every complete line ahead of the bad bytes is
 * passed on, whatever the chunks the input arrived in: the parser then meets
 * the same records, so the same file always gets the same report.
 * `facts` is complete when the generator ends.
 */
export async function* utf8Chunks(input: ImportInput, facts: FileFacts): AsyncGenerator<Uint8Array> {
  const hash: Hash = createHash('sha256');
  let detected = false;
  let head: Uint8Array = new Uint8Array(0);
  let utf16: TextDecoder | undefined;
  let carry: Uint8Array = new Uint8Array(0);
  let lineFeeds = 0;
  const encodingError = (line: number): CsvFileError =>
    new CsvFileError({
      code: 'ENCODING',
      line,
      expected: `valid ${ENCODING_NAMES[facts.encoding]} text`,
      message: `Bytes that are not valid ${ENCODING_NAMES[facts.encoding]}${facts.encoding === 'utf-8' ? ' (the file may be saved as Windows-1252/Latin-1: save it as "CSV UTF-8")' : ''}`,
    });
  /** Passes on the complete lines of `carry + data` (all of it when `final`), checked; keeps the rest. */
  function* pieces(data: Uint8Array, final: boolean): Generator<Uint8Array> {
    const all = carry.length > 0 ? Buffer.concat([carry, data]) : Buffer.from(data.buffer, data.byteOffset, data.length);
    let cut = final ? all.length : all.lastIndexOf(10) + 1;
    if (cut === 0 && all.length > LONG_LINE) cut = characterBoundary(all);
    carry = cut === all.length ? new Uint8Array(0) : Uint8Array.prototype.slice.call(all, cut);
    if (cut === 0) return;
    const piece = all.subarray(0, cut);
    if (!isUtf8(piece)) {
      const loose = piece.toString('utf8');
      const at = loose.indexOf('\ufffd');
      const valid = Buffer.byteLength(at === -1 ? loose : loose.slice(0, at));
      const lastLineFeed = valid > 0 ? piece.lastIndexOf(10, valid - 1) : -1;
      const line = lineFeeds + countLineFeeds(piece, 0, valid) + 1;
      if (lastLineFeed >= 0) yield piece.subarray(0, lastLineFeed + 1);
      throw encodingError(line);
    }
    lineFeeds += countLineFeeds(piece);
    yield piece;
  }
  const fromUtf16 = (bytes: Uint8Array, stream: boolean): Uint8Array => {
    try {
      return Buffer.from(utf16!.decode(bytes, { stream }), 'utf8');
    } catch {
      const loose = new TextDecoder(facts.encoding).decode(bytes);
      const at = loose.indexOf('\ufffd');
      throw encodingError(lineFeeds + countLineFeeds(Buffer.from(at === -1 ? loose : loose.slice(0, at), 'utf8')) + 1);
    }
  };
  const start = (bytes: Uint8Array): void => {
    const found = detect(bytes);
    detected = true;
    facts.encoding = found.encoding;
    facts.bom = found.bom;
    if (found.encoding !== 'utf-8') utf16 = new TextDecoder(found.encoding, { fatal: true });
  };
  for await (const chunk of chunksOf(input)) {
    if (chunk.length === 0) continue;
    hash.update(chunk);
    facts.bytes += chunk.length;
    let bytes = chunk;
    if (!detected) {
      bytes = head.length > 0 ? Buffer.concat([head, chunk]) : chunk;
      if (bytes.length < 4) {
        head = bytes;
        continue;
      }
      start(bytes);
    }
    yield* pieces(utf16 ? fromUtf16(bytes, true) : bytes, false);
  }
  let last: Uint8Array = new Uint8Array(0);
  if (!detected && head.length > 0) {
    start(head); // a file of fewer than four bytes
    last = utf16 ? fromUtf16(head, false) : head;
  } else if (utf16) {
    last = fromUtf16(new Uint8Array(0), false);
  }
  yield* pieces(last, true);
  facts.sha256 = hash.digest('hex');
}
