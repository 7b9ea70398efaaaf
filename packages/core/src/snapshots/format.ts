/**
 * The bytes of a snapshot (numbers little-endian):
 *
 * | offset  | bytes | what                                                          |
 * | 0       | 8     | magic `89 4C 4C 53 4E 41 50 0A` (`\x89LLSNAP\n`)              |
 * | 8       | 2     | format version: {@link SNAPSHOT_FORMAT_VERSION}                |
 * | 10      | 2     | 0                                                             |
 * | 12      | 4     | length of the payload once inflated                           |
 * | 16      | 4     | number of blocks, B                                           |
 * | 20      | 8 × B | each block's deflated length, then its inflated length        |
 * | 20 + 8B | …     | the blocks, one after another                                 |
 *
 * The payload is cut in blocks of at most {@link BLOCK_BYTES}, each deflated
 * on its own (zlib format: its Adler-32 checks it), so that a load inflates
 * them one after another into the payload. The payload is a run of
 * sections, each a 32-bit byte length, 4 zero bytes, the bytes, and zeros to
 * the next multiple of 8, so that every section starts 8-byte aligned and a
 * restored column can be a view of the payload rather than a copy (see
 * snapshot-encode.ts for the sections of this version). The magic's
 * first byte is not ASCII, so text (an old JSON snapshot) is never taken for
 * a snapshot; a reader that finds another magic or version ignores the bytes.
 */
export const SNAPSHOT_MAGIC: Uint8Array = Uint8Array.of(0x89, 0x4c, 0x4c, 0x53, 0x4e, 0x41, 0x50, 0x0a);
/** The format version this code writes and reads. It is the snapshot schema version: one number for the form and the fold. */
export const SNAPSHOT_FORMAT_VERSION = 8;
export const HEADER_BYTES = 20;
/** The largest payload a snapshot can have (its length is a 32-bit number). */
export const MAX_PAYLOAD_BYTES = 0xffffffff;
/** Bytes of payload a block holds at most. */
export const BLOCK_BYTES = 1 << 20;

/** One block: its deflated and inflated lengths. */
export interface Block {
  readonly deflated: number;
  readonly inflated: number;
}

/** The header and block table of a snapshot whose payload was cut in `blocks`. */
export const snapshotHeader = (blocks: readonly Block[]): Uint8Array => {
  const payloadLength = blocks.reduce((sum, block) => sum + block.inflated, 0);
  if (payloadLength > MAX_PAYLOAD_BYTES) throw new RangeError(`A snapshot payload holds at most ${MAX_PAYLOAD_BYTES} bytes, this one ${payloadLength}`);
  const header = new Uint8Array(HEADER_BYTES + 8 * blocks.length);
  header.set(SNAPSHOT_MAGIC);
  const view = new DataView(header.buffer);
  view.setUint16(8, SNAPSHOT_FORMAT_VERSION, true);
  view.setUint32(12, payloadLength, true);
  view.setUint32(16, blocks.length, true);
  blocks.forEach((block, i) => {
    view.setUint32(HEADER_BYTES + 8 * i, block.deflated, true);
    view.setUint32(HEADER_BYTES + 8 * i + 4, block.inflated, true);
  });
  return header;
};

/** Where each block of a snapshot is and how long its payload is, or why the bytes are not a snapshot this code reads. */
export const readHeader = (bytes: Uint8Array): { readonly payloadLength: number; readonly blocks: readonly (Block & { readonly at: number })[] } | { readonly problem: string } => {
  if (bytes.length < HEADER_BYTES) return { problem: `it is ${bytes.length} bytes long, shorter than a snapshot header` };
  for (let i = 0; i < SNAPSHOT_MAGIC.length; i++) {
    if (bytes[i] !== SNAPSHOT_MAGIC[i]) return { problem: 'it does not start with the snapshot magic (an older JSON snapshot, or not a snapshot)' };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(8, true);
  if (version !== SNAPSHOT_FORMAT_VERSION) return { problem: `its format version is ${version}, this code reads ${SNAPSHOT_FORMAT_VERSION}` };
  if (view.getUint16(10, true) !== 0) return { problem: 'its header has bits this code does not know' };
  const payloadLength = view.getUint32(12, true);
  const count = view.getUint32(16, true);
  if (HEADER_BYTES + 8 * count > bytes.length) return { problem: `its block table of ${count} blocks runs past its end` };
  const blocks: (Block & { at: number })[] = [];
  let at = HEADER_BYTES + 8 * count;
  let inflated = 0;
  for (let i = 0; i < count; i++) {
    const block = { at, deflated: view.getUint32(HEADER_BYTES + 8 * i, true), inflated: view.getUint32(HEADER_BYTES + 8 * i + 4, true) };
    if (block.inflated > BLOCK_BYTES) return { problem: `its block ${i} inflates to ${block.inflated} bytes, more than a block holds` };
    blocks.push(block);
    at += block.deflated;
    inflated += block.inflated;
  }
  if (at !== bytes.length) return { problem: `its blocks end at byte ${at}, its bytes at ${bytes.length}` };
  if (inflated !== payloadLength) return { problem: `its blocks inflate to ${inflated} bytes, its header says ${payloadLength}` };
  return { payloadLength, blocks };
};

/** Bytes of the head of a section: its length and 4 zero bytes. */
const SECTION_HEAD_BYTES = 8;

/** Padding after a section of `length` bytes. */
export const paddingOf = (length: number): number => (8 - (length % 8)) % 8;

/** The head that announces a section of `length` bytes. */
export const sectionLength = (length: number): Uint8Array => {
  const bytes = new Uint8Array(SECTION_HEAD_BYTES);
  new DataView(bytes.buffer).setUint32(0, length, true);
  return bytes;
};

/** Reads the sections of an inflated payload in order; each read is checked against the payload's end. */
export class SectionReader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly payload: Uint8Array) {
    this.view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  }

  /** The next section's bytes (a view, not a copy), or undefined when it runs past the end, its head is not one, or it is not `expected` bytes long. */
  next(expected?: number): Uint8Array | undefined {
    if (this.at + SECTION_HEAD_BYTES > this.payload.length || this.view.getUint32(this.at + 4, true) !== 0) return undefined;
    const length = this.view.getUint32(this.at, true);
    const start = this.at + SECTION_HEAD_BYTES;
    const end = start + length;
    if (end > this.payload.length || (expected !== undefined && length !== expected)) return undefined;
    this.at = end + paddingOf(length);
    return this.payload.subarray(start, end);
  }

  /** Whether every byte was read. */
  get done(): boolean {
    return this.at === this.payload.length;
  }
}
