import type { ProjectionDescription, ProjectionStore } from '../projection-store.js';
import type { Row, TableSpec } from '../table.js';

/**
 * What a projection store offers to answer as-of questions from the
 * time-indexed tables of {@link asOfProjections} with index lookups instead of
 * a fold. The SQLite and PostgreSQL projection stores implement it (and the
 * in-memory one, by scanning). Column names come from the table specs and
 * are checked against them; values are bound, never spliced into SQL.
 */
export interface AsOfReader {
  /** The stored checkpoint of a projection, or undefined when none is stored or the stored tables have another definition (a rebuild is due). */
  checkpointOf(projection: ProjectionDescription): Promise<bigint | undefined>;
  /** The rows of a history table for one organization that held at `at` (epoch ms): `valid_from ≤ at` and `valid_to` NULL or `> at`; only `columns` when given. */
  rowsAt(table: TableSpec, orgId: string, at: number, columns?: readonly string[]): Promise<Row[]>;
  /** The rows of one organization whose `column` lies between `from` and `to` (both included), ordered by it. */
  rowsBetween(table: TableSpec, orgId: string, column: string, from: number | string, to: number | string): Promise<Row[]>;
  /** The row of one organization with the greatest `column` below `before`. */
  lastRowBefore(table: TableSpec, orgId: string, column: string, before: number | string): Promise<Row | undefined>;
}

/** A projection store that can also answer as-of questions from its tables. */
export type ReadModelStore = ProjectionStore & AsOfReader;

/** Whether a projection store can answer as-of questions from its tables. */
export const isReadModelStore = (store: ProjectionStore): store is ReadModelStore => {
  const candidate = store as Partial<AsOfReader>;
  return typeof candidate.rowsAt === 'function' && typeof candidate.rowsBetween === 'function' && typeof candidate.lastRowBefore === 'function' && typeof candidate.checkpointOf === 'function';
};

/** Checks that `column` is a column of `table` (names reach SQL text). */
export const columnOf = (table: TableSpec, column: string): string => {
  if (!table.columns.some((c) => c.name === column)) throw new Error(`Table ${table.name} has no column ${JSON.stringify(column)}`);
  return column;
};
