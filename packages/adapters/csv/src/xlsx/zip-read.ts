import { once } from 'node:events';
import { open, type FileHandle } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';

/*
 * Reading the ZIP container of a workbook by its central directory, so its
 * parts can be read in the order they are needed (a spreadsheet may store
 * the shared strings after the sheet that uses them), each part inflated as
 * a stream. Only what workbooks use: stored or deflated entries, no
 * encryption, no ZIP64 (a workbook of a million rows is a few dozen MB).
 */

/** A file that is not a ZIP archive a workbook can be read from. */
export class ZipError extends Error {}

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const READ_SIZE = 256 * 1024;

/** A ZIP archive on disk, its entries by name (case-insensitive, as parts of a package are). */
export class ZipArchive {
  private constructor(
    private readonly file: FileHandle,
    private readonly entries: ReadonlyMap<string, ZipEntry>,
  ) {}

  /** Opens the archive at `path` and reads its central directory. */
  static async open(path: string): Promise<ZipArchive> {
    const file = await open(path, 'r');
    try {
      return new ZipArchive(file, await centralDirectory(file));
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /** The entry of a part (`xl/workbook.xml`, with or without a leading `/`), if the archive has it. */
  entry(name: string): ZipEntry | undefined {
    return this.entries.get(name.replace(/^\/+/, '').toLowerCase());
  }

  /** The bytes of an entry, inflated, in pieces. */
  async *read(entry: ZipEntry): AsyncGenerator<Buffer> {
    if (entry.flags & 1) throw new ZipError(`${entry.name} is encrypted`);
    if (entry.method !== 0 && entry.method !== 8) throw new ZipError(`${entry.name} is compressed with method ${entry.method}, not deflate`);
    const header = Buffer.alloc(30);
    await this.file.read(header, 0, 30, entry.localHeaderOffset);
    if (header.readUInt32LE(0) !== LOCAL_FILE_HEADER) throw new ZipError(`The archive's entry ${entry.name} is not where its directory says`);
    let position = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const end = position + entry.compressedSize;
    const inflate = entry.method === 8 ? createInflateRaw() : undefined;
    const compressed = async function* (file: FileHandle): AsyncGenerator<Buffer> {
      while (position < end) {
        const length = Math.min(READ_SIZE, end - position);
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await file.read(buffer, 0, length, position);
        if (bytesRead === 0) throw new ZipError(`The archive ends inside ${entry.name}`);
        position += bytesRead;
        yield bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
      }
    };
    if (!inflate) {
      yield* compressed(this.file);
      return;
    }
    let size = 0;
    const stop = new AbortController();
    const feeding = (async () => {
      try {
        for await (const piece of compressed(this.file)) {
          if (!inflate.write(piece)) await once(inflate, 'drain', { signal: stop.signal });
        }
        inflate.end();
      } catch (error) {
        if (!stop.signal.aborted) inflate.destroy(error as Error);
      }
    })();
    try {
      for await (const piece of inflate) {
        size += (piece as Buffer).length;
        yield piece as Buffer;
      }
    } catch (error) {
      throw error instanceof ZipError ? error : new ZipError(`${entry.name} cannot be inflated: ${(error as Error).message}`);
    } finally {
      stop.abort();
      if (!inflate.destroyed) inflate.destroy();
      await feeding;
    }
    if (size !== entry.size) throw new ZipError(`${entry.name} holds ${size} bytes, its directory says ${entry.size}`);
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

/** Reads the end-of-central-directory record and the directory it points to. */
const centralDirectory = async (file: FileHandle): Promise<Map<string, ZipEntry>> => {
  const { size } = await file.stat();
  const tailLength = Math.min(size, 22 + 65_535);
  const tail = Buffer.alloc(tailLength);
  await file.read(tail, 0, tailLength, size - tailLength);
  let at = -1;
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      at = i;
      break;
    }
  }
  if (at === -1) throw new ZipError('The file is not a ZIP archive (no central directory): it may be truncated');
  const count = tail.readUInt16LE(at + 10);
  const directorySize = tail.readUInt32LE(at + 12);
  const directoryOffset = tail.readUInt32LE(at + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff) throw new ZipError('The archive is a ZIP64 archive, which workbooks of this size never need');
  if (directoryOffset + directorySize > size) throw new ZipError('The archive\'s central directory lies beyond its end: it may be truncated');
  const directory = Buffer.alloc(directorySize);
  await file.read(directory, 0, directorySize, directoryOffset);
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > directory.length || directory.readUInt32LE(p) !== CENTRAL_FILE_HEADER) throw new ZipError('The archive\'s central directory is damaged');
    const nameLength = directory.readUInt16LE(p + 28);
    const name = directory.toString('utf8', p + 46, p + 46 + nameLength);
    const entry: ZipEntry = {
      name,
      flags: directory.readUInt16LE(p + 8),
      method: directory.readUInt16LE(p + 10),
      compressedSize: directory.readUInt32LE(p + 20),
      size: directory.readUInt32LE(p + 24),
      localHeaderOffset: directory.readUInt32LE(p + 42),
    };
    entries.set(name.replace(/^\/+/, '').toLowerCase(), entry);
    p += 46 + nameLength + directory.readUInt16LE(p + 30) + directory.readUInt16LE(p + 32);
  }
  return entries;
};
