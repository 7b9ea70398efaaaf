import type { ImportFormat } from '../../events.js';
import type { FileIssue } from './errors.js';

/*
 * The port between a learner file and the import workflow. An adapter (the
 * CSV package; an XLSX one later) reads its format and hands the workflow
 * rows of cells by meaning; everything a row then asks of the organization is
 * the workflow's and the decider's business, whatever the format.
 */

/** What a column of a learner file means, whatever the file calls it. */
export type LearnerColumn = 'learnerId' | 'firstName' | 'lastName' | 'email' | 'employeeId' | 'teams' | 'active' | 'reason' | 'deactivationDate';

/** The columns that hold ids: text, whose exact spelling matters (`0042` is not `42`). */
export type IdColumn = 'learnerId' | 'employeeId';

/** The name of each column in the file's format: what errors report as their column. */
export type ColumnNames = Readonly<Record<LearnerColumn, string>>;

/**
 * What a learner file says about one learner: its cells as the adapter read
 * them (surrounding spaces removed, formula neutralisation undone), `''` for
 * a blank cell — and a blank cell means "no change".
 */
export interface LearnerRow {
  readonly kind: 'row';
  /** The 1-based line of the file the row starts on (the header is line 1). */
  readonly line: number;
  readonly learnerId: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly employeeId: string;
  /** The team names the row lists, as written (an adapter splits a cell that holds several). */
  readonly teams: readonly string[];
  /** `Active`: `true`, `false`, or `null` when blank. */
  readonly active: boolean | null;
  /** Why, for the audit, on one line; `''` for none. */
  readonly reason: string;
  /** A calendar date `YYYY-MM-DD`, or `''` for none. */
  readonly deactivationDate: string;
  /**
   * Id cells the file stored as a number (or a date, which a workbook stores
   * as a number) rather than as text: their text is the adapter's reading of
   * the number, not necessarily what was typed. Such an id is taken only when
   * it is exactly the learner's.
   */
  readonly idsStoredAsNumbers?: readonly IdColumn[];
}

/** One thing a learner file yields, in file order. */
export type LearnerFileItem<C extends string> =
  /** The header was read: the format it matches, and the names its columns are reported by. Comes before any row. */
  | { readonly kind: 'header'; readonly format: ImportFormat; readonly columns: ColumnNames }
  | LearnerRow
  /** A row the adapter could not read (wrong number of cells, a value no column accepts): an error line. */
  | { readonly kind: 'line-error'; readonly line: number; readonly learnerId: string; readonly error: FileIssue<C> }
  /** A problem with the file as a whole (unreadable, encoding, header, quoting): nothing after it is read. */
  | { readonly kind: 'file-error'; readonly error: FileIssue<C> };

/** Facts about the bytes of a file. */
export interface FileFacts {
  /** SHA-256 of every byte, hex; `''` when the file was not read to its end. */
  readonly sha256: string;
  readonly bytes: number;
  /** The text encoding the file was read in (`utf-8`, `utf-16le`, …). */
  readonly encoding: string;
}

/**
 * A learner file as the import workflow reads it: its name, the format asked
 * for (if any), its items in order, and facts about its bytes. `C` is the
 * adapter's own error codes (syntax, encoding, header). A source that cannot
 * be read at all yields a `FILE_UNREADABLE` file error (a queued import then
 * stays queued), and one without a header an `EMPTY_FILE` error.
 */
export interface LearnerFileSource<C extends string = never> {
  /** The name the audit records. */
  readonly fileName: string;
  /** The format asked for; the header item says which one the file has. */
  readonly format?: ImportFormat;
  /** The file's items, read once, streaming: the header, then rows and line errors; a file error ends them. */
  read(): AsyncIterable<LearnerFileItem<C>>;
  /** Facts about the bytes read, complete once `read()` has ended. */
  facts(): FileFacts;
}
