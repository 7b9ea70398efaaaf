import { once } from 'node:events';
import type { Writable } from 'node:stream';
import * as zlib from 'node:zlib';
import { createDeflateRaw } from 'node:zlib';

/*
 * Writing a ZIP archive as a stream: each entry deflated as it is written,
 * its CRC and sizes in a data descriptor after it (so nothing is held or
 * written twice), the central directory at the end. Every entry carries the
 * same timestamp (1980-01-01), so the same content makes the same bytes.
 */

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 of `bytes`, continuing from `crc`: Node's own where it has one (20.15 and later). */
const crc32: (bytes: Uint8Array, crc: number) => number =
  typeof zlib.crc32 === 'function'
    ? (bytes, crc) => zlib.crc32(bytes, crc)
    : (bytes, crc) => {
        let c = ~crc;
        for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
        return ~c >>> 0;
      };

/** 1980-01-01 00:00 in MS-DOS date and time. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
/** Flags: sizes and CRC follow the data (bit 3); names are UTF-8 (bit 11). */
const FLAGS = (1 << 3) | (1 << 11);
const LIMIT = 0xffffffff;

interface Written {
  readonly name: Buffer;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly offset: number;
}

/** One entry being written: text in, deflated bytes out. */
export interface ZipEntryWriter {
  write(text: string): Promise<void>;
  end(): Promise<void>;
}

/** A ZIP archive written to a stream, entry after entry. */
export class ZipWriter {
  private offset = 0;
  private readonly written: Written[] = [];

  constructor(private readonly output: Writable) {}

  private async put(bytes: Buffer): Promise<void> {
    this.offset += bytes.length;
    if (!this.output.write(bytes)) await once(this.output, 'drain');
  }

  /** Starts an entry; the next one may start once this one has ended. */
  async entry(fileName: string): Promise<ZipEntryWriter> {
    const name = Buffer.from(fileName, 'utf8');
    const offset = this.offset;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(FLAGS, 6);
    header.writeUInt16LE(8, 8);
    header.writeUInt16LE(DOS_TIME, 10);
    header.writeUInt16LE(DOS_DATE, 12);
    header.writeUInt16LE(name.length, 26);
    await this.put(Buffer.concat([header, name]));
    const deflate = createDeflateRaw({ level: 6 });
    let crc = 0;
    let size = 0;
    let compressedSize = 0;
    const draining = (async () => {
      for await (const piece of deflate) {
        compressedSize += (piece as Buffer).length;
        await this.put(piece as Buffer);
      }
    })();
    // A failure of the output stops the deflater, so a write waiting for it to drain is not left waiting.
    draining.catch((error: unknown) => deflate.destroy(error as Error));
    return {
      write: async (text: string) => {
        const bytes = Buffer.from(text, 'utf8');
        crc = crc32(bytes, crc);
        size += bytes.length;
        if (!deflate.write(bytes)) await Promise.race([once(deflate, 'drain'), draining]);
      },
      end: async () => {
        deflate.end();
        await draining;
        if (size > LIMIT || this.offset > LIMIT) throw new Error('The workbook would exceed 4 GiB, more than a ZIP archive without ZIP64 holds');
        const descriptor = Buffer.alloc(16);
        descriptor.writeUInt32LE(0x08074b50, 0);
        descriptor.writeUInt32LE(crc >>> 0, 4);
        descriptor.writeUInt32LE(compressedSize, 8);
        descriptor.writeUInt32LE(size, 12);
        await this.put(descriptor);
        this.written.push({ name, crc: crc >>> 0, compressedSize, size, offset });
      },
    };
  }

  /** A whole entry at once. */
  async file(fileName: string, text: string): Promise<void> {
    const entry = await this.entry(fileName);
    await entry.write(text);
    await entry.end();
  }

  /** Writes the central directory: the archive is complete. */
  async end(): Promise<void> {
    const start = this.offset;
    for (const w of this.written) {
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE(20, 4);
      header.writeUInt16LE(20, 6);
      header.writeUInt16LE(FLAGS, 8);
      header.writeUInt16LE(8, 10);
      header.writeUInt16LE(DOS_TIME, 12);
      header.writeUInt16LE(DOS_DATE, 14);
      header.writeUInt32LE(w.crc, 16);
      header.writeUInt32LE(w.compressedSize, 20);
      header.writeUInt32LE(w.size, 24);
      header.writeUInt16LE(w.name.length, 28);
      header.writeUInt32LE(w.offset, 42);
      await this.put(Buffer.concat([header, w.name]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.written.length, 8);
    end.writeUInt16LE(this.written.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    await this.put(end);
  }
}
