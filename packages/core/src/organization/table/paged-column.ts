/**
 * A column of fixed-width numbers kept in pages of {@link PAGE_ROWS} rows.
 * Pages make two things cheap at a million rows: growing (a new page, never a
 * copy of the whole column) and freezing (a frozen copy shares every page;
 * whichever side writes a shared page first copies that page alone).
 */

/** log2 of the rows a page holds. 4,096 rows: a 32-bit page is 16 KB, small enough to copy on a write. */
export const PAGE_BITS = 12;
export const PAGE_ROWS = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_ROWS - 1;

export type ColumnArray = Uint8Array | Int32Array | Uint32Array | Float64Array;

/** How to make a page of one element type. */
export interface ColumnKind<A extends ColumnArray> {
  readonly bytesPerRow: number;
  readonly make: (length: number) => A;
  /** A page over bytes held elsewhere (`byteOffset` a multiple of `bytesPerRow`). */
  readonly view: (buffer: ArrayBufferLike, byteOffset: number, length: number) => A;
}

export const U8: ColumnKind<Uint8Array> = { bytesPerRow: 1, make: (length) => new Uint8Array(length), view: (buffer, at, length) => new Uint8Array(buffer, at, length) };
export const I32: ColumnKind<Int32Array> = { bytesPerRow: 4, make: (length) => new Int32Array(length), view: (buffer, at, length) => new Int32Array(buffer, at, length) };
export const U32: ColumnKind<Uint32Array> = { bytesPerRow: 4, make: (length) => new Uint32Array(length), view: (buffer, at, length) => new Uint32Array(buffer, at, length) };
export const F64: ColumnKind<Float64Array> = { bytesPerRow: 8, make: (length) => new Float64Array(length), view: (buffer, at, length) => new Float64Array(buffer, at, length) };

export class PagedColumn<A extends ColumnArray> {
  /** 1 where the page is this column's alone; 0 where a frozen copy may still read it. */
  private owned: Uint8Array;

  private constructor(
    readonly kind: ColumnKind<A>,
    private pages: A[],
    owned: boolean,
  ) {
    this.owned = new Uint8Array(Math.max(8, pages.length)).fill(owned ? 1 : 0, 0, pages.length);
  }

  static empty<A extends ColumnArray>(kind: ColumnKind<A>): PagedColumn<A> {
    return new PagedColumn(kind, [], true);
  }

  /**
   * A column over `rows` values read from `bytes` (little-endian, as
   * {@link PagedColumn.bytesOf} wrote them). When `bytes` starts at a multiple
   * of the element size, its full pages are views of `bytes`, which the
   * column then owns and writes in place: a restore touches no new memory for
   * them. Otherwise, and for the last partial page, the bytes are copied.
   */
  static fromBytes<A extends ColumnArray>(kind: ColumnKind<A>, bytes: Uint8Array, rows: number): PagedColumn<A> {
    const pages: A[] = [];
    const aligned = bytes.byteOffset % kind.bytesPerRow === 0;
    for (let first = 0; first < rows; first += PAGE_ROWS) {
      const count = Math.min(PAGE_ROWS, rows - first);
      if (aligned && count === PAGE_ROWS) {
        pages.push(kind.view(bytes.buffer, bytes.byteOffset + first * kind.bytesPerRow, PAGE_ROWS));
        continue;
      }
      const page = kind.make(PAGE_ROWS);
      // Copied byte-wise into the page, so the source needs no alignment.
      new Uint8Array(page.buffer, page.byteOffset, count * kind.bytesPerRow).set(bytes.subarray(first * kind.bytesPerRow, (first + count) * kind.bytesPerRow));
      pages.push(page);
    }
    return new PagedColumn(kind, pages, true);
  }

  /** Rows the pages have room for. */
  get capacity(): number {
    return this.pages.length << PAGE_BITS;
  }

  get(row: number): number {
    return this.pages[row >>> PAGE_BITS]![row & PAGE_MASK]!;
  }

  set(row: number, value: number): void {
    const index = row >>> PAGE_BITS;
    let page = this.pages[index]!;
    if (this.owned[index] === 0) {
      page = page.slice() as A;
      this.pages[index] = page;
      this.owned[index] = 1;
    }
    page[row & PAGE_MASK] = value;
  }

  /** Makes room for rows below `rows` (new rows read 0). */
  reserve(rows: number): void {
    while (this.capacity < rows) {
      if (this.pages.length === this.owned.length) {
        const owned = new Uint8Array(this.owned.length * 2);
        owned.set(this.owned);
        this.owned = owned;
      }
      this.owned[this.pages.length] = 1;
      this.pages.push(this.kind.make(PAGE_ROWS));
    }
  }

  /** A copy that later writes to this column never reach (and that must not be written to). O(pages). */
  freeze(): PagedColumn<A> {
    this.owned.fill(0);
    return new PagedColumn(this.kind, this.pages.slice(), false);
  }

  /** The bytes of rows `0..rows-1`, a page at a time, without copying (little-endian on every platform this runs on). */
  *bytesOf(rows: number): Generator<Uint8Array> {
    for (let first = 0, index = 0; first < rows; first += PAGE_ROWS, index++) {
      const page = this.pages[index]!;
      yield new Uint8Array(page.buffer, page.byteOffset, Math.min(PAGE_ROWS, rows - first) * this.kind.bytesPerRow);
    }
  }

  /** Bytes the pages take. */
  get byteSize(): number {
    return this.pages.length * PAGE_ROWS * this.kind.bytesPerRow;
  }
}

/** Whether typed arrays are little-endian here (the byte order snapshots are written in). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
