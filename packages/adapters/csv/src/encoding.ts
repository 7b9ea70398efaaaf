import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
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
      const reason = error instanceof Error ? error.message : String(error);
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
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return { encoding: 'utf-8', bom: true };
  if (startsWith(head, [0xff, 0xfe])) return { encoding: 'utf-16le', bom: true };
  if (startsWith(head, [0xfe, 0xff])) return { encoding: 'utf-16be', bom: true };
  // A header starts with ASCII letters; UTF-16 without a BOM shows them as letter/zero pairs.
  if (head.length >= 4 && head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0) return { encoding: 'utf-16le', bom: false };
  if (head.length >= 4 && head[0] === 0 && head[1] !== 0 && head[2] === 0 && head[3] !== 0) return { encoding: 'utf-16be', bom: false };
  return { encoding: 'utf-8', bom: false };
};

const ENCODING_NAMES: Record<TextEncoding, string> = { 'utf-8': 'UTF-8', 'utf-16le': 'UTF-16LE', 'utf-16be': 'UTF-16BE' };

const countNewlines = (text: string): number => {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return count;
};

/**
 * Streams the input as UTF-8 bytes: hashes every byte (SHA-256), detects
 * UTF-8 or UTF-16 from the first bytes and checks the text strictly (invalid
 * bytes are an `ENCODING` error naming the line, never replacement
 * characters). UTF-8 passes through as it came (the parser reads UTF-8 bytes
 * fastest, and drops a byte-order mark itself); UTF-16 is decoded and
 * re-encoded as UTF-8 without its byte-order mark. `facts` is complete when
 * the generator ends.
 */
export async function* utf8Chunks(input: ImportInput, facts: FileFacts): AsyncGenerator<Uint8Array> {
  const hash: Hash = createHash('sha256');
  let decoder: TextDecoder | undefined;
  let pending: Uint8Array | undefined;
  let newlines = 0;
  const decode = (bytes: Uint8Array, stream: boolean): string => {
    try {
      return decoder!.decode(bytes, { stream });
    } catch {
      const loose = new TextDecoder(facts.encoding).decode(bytes);
      const at = loose.indexOf('\ufffd');
      const line = newlines + countNewlines(at === -1 ? loose : loose.slice(0, at)) + 1;
      throw new CsvFileError({
        code: 'ENCODING',
        line,
        expected: `valid ${ENCODING_NAMES[facts.encoding]} text`,
        message: `Line ${line} holds bytes that are not valid ${ENCODING_NAMES[facts.encoding]}${facts.encoding === 'utf-8' ? ' (the file may be saved as Windows-1252/Latin-1: save it as "CSV UTF-8")' : ''}`,
      });
    }
  };
  // The text is decoded (for the check) but, for UTF-8, the original bytes are passed on.
  const emit = (text: string, bytes: Uint8Array): Uint8Array => {
    newlines += countNewlines(text);
    return facts.encoding === 'utf-8' ? bytes : Buffer.from(text, 'utf8');
  };
  for await (const chunk of chunksOf(input)) {
    if (chunk.length === 0) continue;
    hash.update(chunk);
    facts.bytes += chunk.length;
    let bytes = chunk;
    if (!decoder) {
      bytes = pending ? Buffer.concat([pending, chunk]) : chunk;
      if (bytes.length < 4) {
        pending = bytes;
        continue;
      }
      pending = undefined;
      const detected = detect(bytes);
      facts.encoding = detected.encoding;
      facts.bom = detected.bom;
      decoder = new TextDecoder(detected.encoding, { fatal: true });
    }
    const text = decode(bytes, true);
    if (bytes.length > 0) yield emit(text, bytes);
  }
  if (!decoder && pending) {
    const detected = detect(pending);
    facts.encoding = detected.encoding;
    facts.bom = detected.bom;
    decoder = new TextDecoder(detected.encoding, { fatal: true });
    const text = decode(pending, true);
    yield emit(text, pending);
  }
  if (decoder) {
    const rest = decode(new Uint8Array(0), false);
    if (rest.length > 0 && facts.encoding !== 'utf-8') yield emit(rest, new Uint8Array(0));
  }
  facts.sha256 = hash.digest('hex');
}
