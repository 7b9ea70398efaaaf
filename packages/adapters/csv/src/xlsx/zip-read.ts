import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';

/*
 * The ZIP container of a workbook, read with yauzl by its central directory,
 * so its parts can be read in the order they are needed (a spreadsheet may
 * store the shared strings after the sheet that uses them), each inflated as
 * a stream. What an archive says of itself is checked before anything is
 * inflated: the count of entries, each part's size and its compression ratio.
 */

/** A file that is not a ZIP archive a workbook can be read from. */
export class ZipError extends Error {}

export type ZipEntry = Entry;

/** Entries an archive may list: a workbook has a dozen parts, a few hundred with many sheets and images. */
const MAX_ENTRIES = 10_000;
/** Bytes one part may inflate to: a sheet of a million learners is about 470 MB. */
const MAX_PART_BYTES = 2 * 1024 ** 3;
/** How many times its compressed size a part may inflate to: workbook XML deflates about 10 to 30 times, a ZIP bomb about 1,000. */
const MAX_RATIO = 200;
/** Below this inflated size the ratio is not checked: small parts of repeated markup compress well. */
const RATIO_FROM_BYTES = 1024 * 1024;

/** yauzl's options: entries read on demand, the file kept open, sizes checked against the directory as they inflate. */
const OPTIONS = { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true, strictFileNames: false } as const;

const key = (name: string): string => name.replace(/^\/+/, '').toLowerCase();
const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const openZip = (path: string): Promise<ZipFile> =>
  new Promise((resolve, reject) => yauzl.open(path, OPTIONS, (error, zip) => (error ? reject(error) : resolve(zip))));

const entriesOf = (zip: ZipFile): Promise<Map<string, Entry>> =>
  new Promise((resolve, reject) => {
    const entries = new Map<string, Entry>();
    zip.on('entry', (entry: Entry) => {
      entries.set(key(entry.fileName), entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', reject);
    zip.readEntry();
  });

/** Why an entry is not inflated at all: encrypted, an unknown method, or larger than a workbook part may be. */
const refusal = (entry: Entry): string | undefined => {
  const { fileName: name, uncompressedSize: size, compressedSize } = entry;
  if (entry.isEncrypted()) return `${name} is encrypted`;
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) return `${name} is compressed with method ${entry.compressionMethod}, not deflate`;
  if (size > MAX_PART_BYTES) return `${name} would inflate to ${size} bytes, more than the ${MAX_PART_BYTES} a workbook part may hold`;
  if (size > RATIO_FROM_BYTES && size > MAX_RATIO * compressedSize) {
    return `${name} would inflate to ${size} bytes from ${compressedSize}, over ${MAX_RATIO} times its compressed size: the file looks like a ZIP bomb`;
  }
  return undefined;
};

/** A ZIP archive on disk, its entries by name (case-insensitive, as parts of a package are). */
export class ZipArchive {
  private constructor(
    private readonly zip: ZipFile,
    private readonly entries: ReadonlyMap<string, Entry>,
  ) {}

  /** Opens the archive at `path` and reads its central directory. */
  static async open(path: string): Promise<ZipArchive> {
    let zip: ZipFile;
    try {
      zip = await openZip(path);
    } catch (error) {
      throw new ZipError(`The file is not a ZIP archive a workbook can be read from (${reason(error)}): it may be truncated or damaged`);
    }
    try {
      if (zip.entryCount > MAX_ENTRIES) throw new ZipError(`The archive lists ${zip.entryCount} entries, more than the ${MAX_ENTRIES} a workbook may have`);
      return new ZipArchive(zip, await entriesOf(zip));
    } catch (error) {
      zip.close();
      throw error instanceof ZipError ? error : new ZipError(`The archive's central directory cannot be read (${reason(error)}): it may be truncated or damaged`);
    }
  }

  /** The entry of a part (`xl/workbook.xml`, with or without a leading `/`), if the archive has it. */
  entry(name: string): ZipEntry | undefined {
    return this.entries.get(key(name));
  }

  /** The bytes of an entry, inflated, in pieces; never more than the directory says (checked by yauzl as it inflates). */
  async *read(entry: ZipEntry): AsyncGenerator<Buffer> {
    const refused = refusal(entry);
    if (refused) throw new ZipError(refused);
    let stream: Readable | undefined;
    try {
      stream = await new Promise<Readable>((resolve, reject) => this.zip.openReadStream(entry, (error, s) => (error ? reject(error) : resolve(s))));
      for await (const piece of stream) yield piece as Buffer;
    } catch (error) {
      throw error instanceof ZipError ? error : new ZipError(`${entry.fileName} cannot be inflated: ${reason(error)}`);
    } finally {
      stream?.destroy();
    }
  }

  async close(): Promise<void> {
    if (this.zip.isOpen) this.zip.close();
  }
}
