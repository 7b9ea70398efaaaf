import { InstantCodes } from './instants.js';
import { LicenseIds, TeamLists } from './interned.js';
import { KeyProbe, hashBytes } from './key-probe.js';
import { type Span, type TextField, fieldSpan } from './learner-text.js';
import { F64, I32, PagedColumn, U32, U8 } from './paged-column.js';
import { RowIndex } from './row-index.js';
import { TextArena } from './text-arena.js';

/** The structures a learner table is made of, as a snapshot writes and restores them. */
export interface LearnerTableParts {
  readonly rows: number;
  readonly flags: PagedColumn<Uint8Array>;
  readonly text: PagedColumn<Uint32Array>;
  readonly license: PagedColumn<Int32Array>;
  readonly activity: PagedColumn<Uint32Array>;
  readonly teams: PagedColumn<Uint32Array>;
  readonly before: PagedColumn<Uint32Array>;
  readonly since: PagedColumn<Float64Array>;
  readonly arena: TextArena;
  readonly teamLists: TeamLists;
  readonly licenses: LicenseIds;
  readonly instants: InstantCodes;
  /** Bytes of the live learners' text records. */
  readonly textBytes: number;
}

/** The parts of a table without rows. */
export const emptyTableParts = (): LearnerTableParts => ({
  rows: 0,
  flags: PagedColumn.empty(U8),
  text: PagedColumn.empty(U32),
  license: PagedColumn.empty(I32),
  activity: PagedColumn.empty(U32),
  teams: PagedColumn.empty(U32),
  before: PagedColumn.empty(U32),
  since: PagedColumn.empty(F64),
  arena: TextArena.empty(),
  teamLists: new TeamLists(),
  licenses: new LicenseIds(),
  instants: new InstantCodes(),
  textBytes: 0,
});

/**
 * An index over `field` of the rows whose flags `take`, built in one pass
 * (see {@link RowIndex.build}): each key's bytes hashed where the arena
 * holds them, two rows compared only when their hashes are equal. Undefined
 * when two of those rows hold the same key.
 */
export const indexOfRows = (parts: LearnerTableParts, field: TextField, take: (flags: number) => boolean): RowIndex | undefined => {
  const { rows: count, flags, text, arena } = parts;
  const rows = new Uint32Array(count);
  const hashes = new Uint32Array(count);
  const span: Span = { page: Buffer.alloc(0), start: 0, end: 0, utf16: false };
  let taken = 0;
  for (let row = 0; row < count; row++) {
    if (!take(flags.get(row))) continue;
    fieldSpan(arena, text.get(row), field, span);
    rows[taken] = row;
    hashes[taken++] = hashBytes(span.page, span.start, span.end, span.utf16);
  }
  const probe = new KeyProbe();
  const sameKey = (a: number, b: number): boolean => {
    fieldSpan(arena, text.get(a), field, span);
    probe.loadBytes(span.page, span.start, span.end, span.utf16);
    fieldSpan(arena, text.get(b), field, span);
    return probe.equals(span.page, span.start, span.end, span.utf16);
  };
  return RowIndex.build(rows.subarray(0, taken), hashes.subarray(0, taken), sameKey);
};
