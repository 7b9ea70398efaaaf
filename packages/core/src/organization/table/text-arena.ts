/**
 * The learners' text as UTF-8 bytes in pages of {@link ARENA_PAGE_BYTES},
 * appended to and never changed in place: a frozen copy shares the pages and
 * reads only the records it knew, so freezing costs nothing. A record is
 * addressed by a 32-bit reference: page number × 2^16 + offset in the page.
 * Records never straddle pages; one bigger than a page gets a page of its own
 * (starting at offset 0, so its reference still fits).
 */

export const ARENA_PAGE_BYTES = 1 << 16;
const MAX_PAGES = 1 << 16;

export class TextArena {
  private constructor(
    private readonly pages: Buffer[],
    /** Bytes used in the last page. */
    private used: number,
  ) {}

  static empty(): TextArena {
    return new TextArena([], ARENA_PAGE_BYTES);
  }

  /** An arena over `pages` (records laid out as {@link TextArena.reserve} lays them); new records go to a new page. Undefined past the pages an arena can address. */
  static of(pages: Buffer[]): TextArena | undefined {
    return pages.length > MAX_PAGES ? undefined : new TextArena(pages, ARENA_PAGE_BYTES);
  }

  /** Room for a record of `size` bytes: its reference, and where to write it. */
  reserve(size: number): { readonly ref: number; readonly page: Buffer; readonly offset: number } {
    if (this.used + size > ARENA_PAGE_BYTES) {
      if (this.pages.length >= MAX_PAGES) throw new RangeError('The learners\u2019 text exceeds the 4 GB an organization can hold');
      this.pages.push(Buffer.allocUnsafeSlow(Math.max(size, ARENA_PAGE_BYTES)));
      this.used = 0;
    }
    const index = this.pages.length - 1;
    const offset = this.used;
    this.used += size;
    // A record bigger than a page fills its own page: the next one starts a new page.
    if (this.used > ARENA_PAGE_BYTES) this.used = ARENA_PAGE_BYTES;
    return { ref: index * ARENA_PAGE_BYTES + offset, page: this.pages[index]!, offset };
  }

  page(ref: number): Buffer {
    return this.pages[Math.floor(ref / ARENA_PAGE_BYTES)]!;
  }

  /** A copy sharing every page: records appended later are not referenced by it. */
  freeze(): TextArena {
    return new TextArena(this.pages.slice(), ARENA_PAGE_BYTES);
  }

  /** Bytes the pages take. */
  get byteSize(): number {
    let size = 0;
    for (const page of this.pages) size += page.length;
    return size;
  }
}

/** The offset of a reference inside its page. */
export const offsetOf = (ref: number): number => ref % ARENA_PAGE_BYTES;

/** Bytes of the LEB128 encoding of `value` (a length). */
export const varintSize = (value: number): number => (value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : 4);

export const writeVarint = (buffer: Uint8Array, offset: number, value: number): number => {
  let at = offset;
  while (value >= 0x80) {
    buffer[at++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  buffer[at++] = value;
  return at;
};

/** Reads a LEB128 length at `offset` into `cursor` (value, next offset). */
export const readVarint = (buffer: Uint8Array, offset: number, cursor: { value: number; at: number }): void => {
  let value = 0;
  let shift = 0;
  let at = offset;
  // At most 4 bytes: no length this writes needs more, and a damaged one cannot run on.
  for (;;) {
    const byte = buffer[at++] ?? 0;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80 || shift >= 21) break;
    shift += 7;
  }
  cursor.value = value;
  cursor.at = at;
};
