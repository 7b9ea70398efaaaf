import type { EventEnvelope, EventType } from '@learner-ledger/core';
import type { Row, Table, TableChanges, TableSpec, ViewSpec } from './table.js';

/**
 * A projection: a pure reducer over decoded events. `apply` may update the
 * state in place (for speed) and returns it; it never reads a clock, a store
 * or anything but the state and the envelope, so replaying the same events
 * always gives the same state.
 */
export interface Projection<S> {
  /** Stable name: the key of its checkpoint. */
  readonly name: string;
  /** The event types `apply` reads; the runner does not even decode the others for it. */
  readonly reads: readonly EventType[];
  readonly initialState: () => S;
  readonly apply: (state: S, envelope: EventEnvelope) => S;
  /** The tables that hold the state (what a projection store persists and restores). */
  readonly tables: (state: S) => readonly Table<Row>[];
  /** Rebuilds derived in-memory indexes after the tables were loaded from a projection store. */
  readonly restored?: (state: S) => void;
  /** SQL views over the projection's tables, created by the SQL projection stores. */
  readonly views?: readonly ViewSpec[];
  /**
   * True when applying an event of an organization reads and changes only that
   * organization's rows (and what `restored` derives from them): a runner may
   * then restore only the organizations whose events it applies
   * (the runner's `organizations` option).
   */
  readonly scopedByOrganization?: boolean;
  /**
   * True, beside {@link Projection.scopedByOrganization}, when applying an
   * event reads and changes, of the tables with a `learner_id` column, only
   * the rows of the learner the event names (`data.learnerId`), and none for
   * an event that names no learner: a runner may then restore only the
   * learners whose events it applies (the runner's `learners` option).
   */
  readonly scopedByLearner?: boolean;
}

/** A projection of any state, as the runner holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProjection = Projection<any>;

/** The table specs of a projection (from a fresh state). */
export const tableSpecsOf = (projection: AnyProjection): readonly TableSpec[] =>
  projection.tables(projection.initialState()).map((table) => table.spec);

/** Folds envelopes into a fresh state, skipping the types the projection does not read. */
export const foldEnvelopes = <S>(projection: Projection<S>, envelopes: Iterable<EventEnvelope>, state: S = projection.initialState()): S => {
  const reads = new Set<string>(projection.reads);
  for (const envelope of envelopes) if (reads.has(envelope.event.type)) state = projection.apply(state, envelope);
  return state;
};

/** Every row of every table of a state, sorted by key: a comparable, JSON-friendly picture of a read model. */
export const dumpTables = <S>(projection: Projection<S>, state: S): Record<string, Row[]> => {
  const dump: Record<string, Row[]> = {};
  for (const table of projection.tables(state)) {
    const rows = [...table.allRows()].map((row) => ({ row: normalizeRow(table.spec, row), key: `${String(row.org_id)}\u0000${table.keyOf(row)}` }));
    rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    dump[table.spec.name] = rows.map((entry) => entry.row);
  }
  return dump;
};

/** A row with exactly the spec's columns, `undefined` as `null`. */
export const normalizeRow = (spec: TableSpec, row: Row): Row => {
  const result: Row = {};
  for (const column of spec.columns) result[column.name] = row[column.name] ?? null;
  return result;
};

/** Collects the changes of every table of a state since the last call. */
export const takeChanges = <S>(projection: Projection<S>, state: S): TableChanges[] =>
  projection.tables(state).map((table) => table.takeChanges());

/** Turns on change tracking in every table of a state. */
export const trackChanges = <S>(projection: Projection<S>, state: S): void => {
  for (const table of projection.tables(state)) table.track();
};
