import { once } from 'node:events';
import { PassThrough, type Writable } from 'node:stream';
import yazl from 'yazl';

/*
 * Writing a ZIP archive as a stream with yazl: each entry deflated as it is
 * written, its CRC and sizes after it (so nothing is held or written twice),
 * the central directory at the end. Every entry carries the same timestamp
 * (1980-01-01, local time as ZIP stores it) and no extended timestamp, so the
 * same content makes the same bytes.
 */

const ENTRY = { mtime: new Date(1980, 0, 1), forceDosTimestamp: true, compressionLevel: 6 } as const;

/** One entry being written: text in, deflated bytes out. */
export interface ZipEntryWriter {
  write(text: string): Promise<void>;
  end(): Promise<void>;
}

/** A ZIP archive written to a stream, entry after entry; the stream is left open. */
export class ZipWriter {
  private readonly zip = new yazl.ZipFile();
  /** Settles when the archive is written, or when the output or the archive fails. */
  private readonly finished: Promise<void>;

  constructor(output: Writable) {
    const { outputStream } = this.zip;
    this.finished = new Promise<void>((resolve, reject) => {
      outputStream.once('end', resolve);
      this.zip.once('error', reject);
      output.once('error', reject);
    });
    // Nothing may wait on it before end(): a failure before then reaches a waiting write, or end().
    this.finished.catch(() => undefined);
    outputStream.pipe(output, { end: false });
  }

  /** Starts an entry; the next one may start once this one has ended. */
  async entry(fileName: string): Promise<ZipEntryWriter> {
    const input = new PassThrough();
    this.zip.addReadStream(input, fileName, ENTRY);
    return {
      write: async (text: string) => {
        // A failure of the output ends a write waiting for the entry to drain.
        if (!input.write(text, 'utf8')) await Promise.race([once(input, 'drain'), this.finished]);
      },
      end: async () => {
        input.end();
      },
    };
  }

  /** A whole entry at once. */
  async file(fileName: string, text: string): Promise<void> {
    this.zip.addBuffer(Buffer.from(text, 'utf8'), fileName, ENTRY);
  }

  /** Writes the central directory once every entry is in: the archive is complete. */
  async end(): Promise<void> {
    this.zip.end();
    await this.finished;
  }
}
