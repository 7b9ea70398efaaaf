import type { AnyProjection } from './projection.js';
import { columnOf, type AsOfReader } from './read-model/port.js';
import type { Row, TableChanges, TableSpec, ViewSpec } from './table.js';

/** What a projection store needs to know of a projection: its name, tables and views. */
export interface ProjectionDescription {
  readonly name: string;
  readonly tables: readonly TableSpec[];
  readonly views?: readonly ViewSpec[];
}

/** What a projection store holds for one projection: its checkpoint and the rows of its tables. */
export interface StoredProjection {
  /** The last global position the stored rows include. */
  readonly checkpoint: bigint;
  readonly tables: Readonly<Record<string, readonly Row[]>>;
}

/** How much {@link ProjectionStore.load} returns. */
export interface LoadOptions {
  /** Also the rows of history tables that are no longer current (a runner never needs them; checks and exports do). Default false. */
  readonly everyRow?: boolean;
  /**
   * Only the rows of these organizations (a runner catching up over the new
   * events of a few organizations needs no other). A store that cannot
   * filter may return more rows (a runner is right with more, never with
   * fewer); the stores of this library return no others. Default: every organization.
   */
  readonly organizations?: readonly string[];
  /**
   * Of the tables with a `learner_id` column, only the rows of these
   * learners, each named with its organization (a runner catching up over
   * the new events of a few learners needs no other). The other tables are
   * loaded as `organizations` says. Same promise as `organizations`: more
   * rows are never wrong; the stores of this library return no others.
   */
  readonly learners?: readonly (readonly [orgId: string, learnerId: string])[];
}

/** One batch of a projection: its changed rows and new checkpoint, written together. */
export interface ProjectionCommit {
  readonly projection: ProjectionDescription;
  /** The checkpoint the writer started from: if the store holds another, someone else advanced it and nothing is written. */
  readonly expectedCheckpoint: bigint;
  readonly checkpoint: bigint;
  readonly changes: readonly TableChanges[];
}

/**
 * Where a runner keeps each projection's checkpoint and read model. A commit
 * writes the changed rows and the checkpoint in ONE transaction, so the rows
 * and the checkpoint never disagree, even after a crash.
 */
export interface ProjectionStore {
  /** A short name for messages: `memory`, `sqlite`, `postgres`. */
  readonly name: string;
  /**
   * Prepares storage for a projection (its tables and views) and returns what
   * is stored, or undefined when nothing is yet. Of a history table
   * ({@link TableSpec.openWhileNull}) only the current rows, unless `everyRow`.
   */
  load(projection: ProjectionDescription, options?: LoadOptions): Promise<StoredProjection | undefined>;
  /** Writes a batch and its checkpoint atomically. Throws {@link CheckpointConflictError} if the stored checkpoint is not the expected one. */
  commit(commit: ProjectionCommit): Promise<void>;
  /** Empties a projection's tables and sets its checkpoint to 0, atomically (a rebuild starts here). */
  reset(projection: ProjectionDescription): Promise<void>;
  /** The stored checkpoint of a projection, if any. */
  checkpoint(name: string): Promise<bigint | undefined>;
}

/** Another writer advanced the projection's checkpoint: nothing was written. */
export class CheckpointConflictError extends Error {
  override readonly name = 'CheckpointConflictError';
  readonly code = 'CHECKPOINT_CONFLICT';
  constructor(
    readonly projection: string,
    readonly expected: bigint,
    readonly actual: bigint | undefined,
  ) {
    super(`Projection ${projection}: expected checkpoint ${expected}, found ${actual ?? 'none'}; another runner is writing it, nothing was written`);
  }
}

/** The description of a projection for a projection store. */
export const describeProjection = (projection: AnyProjection): ProjectionDescription => ({
  name: projection.name,
  tables: projection.tables(projection.initialState()).map((table) => table.spec),
  ...(projection.views ? { views: projection.views } : {}),
});

/** The column that names a row's learner: what {@link LoadOptions.learners} selects on. */
export const LEARNER_COLUMN = 'learner_id';

/** Whether a table has a {@link LEARNER_COLUMN}. */
export const hasLearnerColumn = (spec: TableSpec): boolean => spec.columns.some((column) => column.name === LEARNER_COLUMN);

/** The primary-key values of a row, as one string. */
export const primaryKeyOf = (spec: TableSpec, row: Row): string => spec.primaryKey.map((column) => String(row[column])).join('\u0000');

/**
 * The in-memory projection store: checkpoints and rows kept in this process
 * (a new runner given the same instance resumes from them), and the
 * reference the SQL stores are tested against. Rows are copied in and out
 * (one level deep: projections replace nested arrays and objects, they never
 * change them in place), so nothing outside can change what it holds.
 */
export class InMemoryProjectionStore implements ProjectionStore, AsOfReader {
  readonly name = 'memory';
  private readonly projections = new Map<string, { checkpoint: bigint; tables: Map<string, Map<string, Row>> }>();

  async load(projection: ProjectionDescription, options: LoadOptions = {}): Promise<StoredProjection | undefined> {
    const stored = this.projections.get(projection.name);
    if (!stored) return undefined;
    const tables: Record<string, Row[]> = {};
    const organizations = options.organizations === undefined ? undefined : new Set(options.organizations);
    const learners = options.learners === undefined ? undefined : new Set(options.learners.map(([orgId, learnerId]) => `${orgId}\u0000${learnerId}`));
    for (const spec of projection.tables) {
      const open = spec.openWhileNull === undefined || options.everyRow ? undefined : spec.openWhileNull;
      const byLearner = learners !== undefined && hasLearnerColumn(spec) ? learners : undefined;
      const rows: Row[] = [];
      for (const row of stored.tables.get(spec.name)?.values() ?? []) {
        if (organizations !== undefined && !organizations.has(row.org_id as string)) continue;
        if (byLearner !== undefined && !byLearner.has(`${String(row.org_id)}\u0000${String(row[LEARNER_COLUMN])}`)) continue;
        if (open !== undefined && row[open] !== null && row[open] !== undefined) continue;
        rows.push({ ...row });
      }
      tables[spec.name] = rows;
    }
    return { checkpoint: stored.checkpoint, tables };
  }

  async checkpointOf(projection: ProjectionDescription): Promise<bigint | undefined> {
    return this.projections.get(projection.name)?.checkpoint;
  }

  async rowsAt(table: TableSpec, orgId: string, at: number, columns?: readonly string[]): Promise<Row[]> {
    for (const column of columns ?? []) columnOf(table, column);
    return this.rowsOf(table, orgId)
      .filter((row) => (row['valid_from'] as number) <= at && (row['valid_to'] === null || row['valid_to'] === undefined || (row['valid_to'] as number) > at))
      .map((row) => (columns ? Object.fromEntries(columns.map((column) => [column, row[column] ?? null])) : { ...row }));
  }

  async rowsBetween(table: TableSpec, orgId: string, column: string, from: number | string, to: number | string): Promise<Row[]> {
    columnOf(table, column);
    return this.rowsOf(table, orgId)
      .filter((row) => (row[column] as number | string) >= from && (row[column] as number | string) <= to)
      .sort((a, b) => ((a[column] as number | string) < (b[column] as number | string) ? -1 : 1))
      .map((row) => ({ ...row }));
  }

  async lastRowBefore(table: TableSpec, orgId: string, column: string, before: number | string): Promise<Row | undefined> {
    columnOf(table, column);
    let last: Row | undefined;
    for (const row of this.rowsOf(table, orgId)) if ((row[column] as number | string) < before && (last === undefined || (row[column] as number | string) > (last[column] as number | string))) last = row;
    return last ? { ...last } : undefined;
  }

  private rowsOf(table: TableSpec, orgId: string): Row[] {
    for (const stored of this.projections.values()) {
      const rows = stored.tables.get(table.name);
      if (rows) return [...rows.values()].filter((row) => row.org_id === orgId);
    }
    return [];
  }

  async commit(commit: ProjectionCommit): Promise<void> {
    const name = commit.projection.name;
    const stored = this.projections.get(name);
    const actual = stored?.checkpoint ?? 0n;
    if (actual !== commit.expectedCheckpoint) throw new CheckpointConflictError(name, commit.expectedCheckpoint, stored?.checkpoint);
    const copies = commit.changes.map((change) => ({ ...change, upserts: change.upserts.map((row) => ({ ...row })) }));
    const target = stored ?? { checkpoint: 0n, tables: new Map<string, Map<string, Row>>() };
    for (const change of copies) {
      const spec = commit.projection.tables.find((table) => table.name === change.table);
      if (!spec) throw new Error(`Projection ${name} has no table ${change.table}`);
      let rows = target.tables.get(spec.name);
      if (!rows) target.tables.set(spec.name, (rows = new Map()));
      for (const row of change.deletes) rows.delete(primaryKeyOf(spec, row));
      for (const row of change.upserts) rows.set(primaryKeyOf(spec, row), row);
    }
    target.checkpoint = commit.checkpoint;
    this.projections.set(name, target);
  }

  async reset(projection: ProjectionDescription): Promise<void> {
    this.projections.set(projection.name, { checkpoint: 0n, tables: new Map() });
  }

  async checkpoint(name: string): Promise<bigint | undefined> {
    return this.projections.get(name)?.checkpoint;
  }
}

/**
 * A fingerprint of a projection's tables and views. SQL projection stores keep
 * it beside the checkpoint: when a new version of the library changes a
 * projection's tables, the stored fingerprint differs and the projection is
 * rebuilt from 0 instead of being read with the wrong columns.
 */
export const definitionOf = (projection: ProjectionDescription): string =>
  JSON.stringify({
    tables: projection.tables.map((t) => ({
      name: t.name,
      columns: t.columns.map((c) => [c.name, c.kind, c.nullable ?? false]),
      primaryKey: t.primaryKey,
      indexes: t.indexes ?? [],
      ...(t.openWhileNull !== undefined ? { openWhileNull: t.openWhileNull } : {}),
    })),
    views: (projection.views ?? []).map((v) => ({ name: v.name, sql: v.sql })),
  });

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
/** Checks that the table, view and column names of a projection are plain SQL identifiers (they reach SQL text). */
export const assertSqlIdentifiers = (projection: ProjectionDescription): void => {
  const names = [projection.name.replace(/-/g, '_'), ...projection.tables.flatMap((t) => [t.name, ...t.columns.map((c) => c.name)]), ...(projection.views ?? []).map((v) => v.name)];
  for (const name of names) if (!IDENTIFIER.test(name)) throw new Error(`Projection ${projection.name}: ${JSON.stringify(name)} is not a plain SQL identifier`);
};
