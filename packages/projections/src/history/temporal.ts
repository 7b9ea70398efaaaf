import { EVENT_TYPES, isValidTimeZone, type EventEnvelope } from '@learner-ledger/core';
import type { Projection } from '../projection.js';
import { hasLearnerColumn, LEARNER_COLUMN } from '../projection-store.js';
import { Table, integer, text, type Row, type TableSpec } from '../table.js';

/** Epoch milliseconds (UTC) from which a version holds, inclusive. */
export const VALID_FROM = 'valid_from';
/** Epoch milliseconds (UTC) from which a version no longer holds; NULL while it is current. */
export const VALID_TO = 'valid_to';

/**
 * When an event takes effect: the latest `occurredAt` among the events of its
 * organization's stream up to and including it. Within one organization these
 * instants never decrease along the stream, so "as of t" is always a prefix of
 * the stream, and an answer as of t never changes once the stream has passed t.
 */
export const takesEffect = (clock: number | undefined, occurredAt: string): number => {
  const time = timeOf(occurredAt);
  return clock === undefined || time > clock ? time : clock;
};

// The events of one command share their occurredAt, and every history projection reads each event: parse it once.
let lastText: string | undefined;
let lastTime = 0;
const timeOf = (text: string): number => {
  if (text !== lastText) {
    lastTime = Date.parse(text);
    lastText = text;
  }
  return lastTime;
};

/** The time zone an organization's dates are read in: its onboarding's, when that is the first event of its stream, else UTC. */
export const zoneOfFirstEvent = (envelope: EventEnvelope): string =>
  envelope.streamVersion === 1 && envelope.event.type === 'OrganizationOnboarded' && isValidTimeZone(envelope.event.data.timeZone) ? envelope.event.data.timeZone : 'UTC';

/** The history table of a table: every version of every row, with the instants it held between and the position that made it. */
export const historySpecOf = (spec: TableSpec, name = `${spec.name}_history`): TableSpec => ({
  name,
  description: `Every version of the rows of ${spec.name}, with the instants (epoch ms) it held from and until (NULL: current), and the global position of the last event that shaped it.`,
  columns: [...spec.columns, integer(VALID_FROM), integer(VALID_TO, true), integer('position')],
  // Keyed by organization and instant first: the versions that held at an instant are one range of the key.
  primaryKey: ['org_id', VALID_FROM, ...spec.primaryKey.slice(1)],
  // A learner's versions are one range too: a catch-up restores the current ones of the learners its events name.
  indexes: hasLearnerColumn(spec) ? [[VALID_TO], ['org_id', LEARNER_COLUMN]] : [[VALID_TO]],
  openWhileNull: VALID_TO,
});

export interface ClockRow {
  [column: string]: string | number;
  org_id: string;
  /** The latest occurredAt seen in the organization's stream (epoch ms). */
  at: number;
  time_zone: string;
}

export const clockSpec = (name: string): TableSpec => ({
  name,
  description: 'Per organization: the latest occurredAt of its stream so far (epoch ms; when its next event takes effect at the earliest) and the time zone its dates are read in.',
  columns: [text('org_id'), integer('at'), text('time_zone')],
  primaryKey: ['org_id'],
});

/** State of a history projection: the base projection's current state, the versions of its rows, and each organization's clock. */
export interface HistoryState<S> {
  readonly base: S;
  readonly baseTables: readonly Table<Row>[];
  readonly versions: readonly Table<Row>[];
  /** Per base table: organization → row key → valid_from of the row's current version. */
  readonly current: readonly Map<string, Map<string, number>>[];
  readonly clocks: Table<ClockRow>;
  readonly extras: readonly Table<Row>[];
}

export interface HistoryOptions<S> {
  readonly name: string;
  readonly base: Projection<S>;
  /** Name of the clock table. */
  readonly clockTable: string;
  /** More tables the projection keeps beside the versions (e.g. a daily summary). */
  readonly extras?: () => readonly Table<Row>[];
  /** Runs after every event the base projection reads, once its row versions are recorded. */
  readonly after?: (state: HistoryState<S>, orgId: string, instant: number, clock: ClockRow) => void;
}

const SEPARATOR = '\u0000';
/** The in-memory key of a version (as {@link Table.keyOf} computes it from the history table's primary key). */
const versionKey = (spec: TableSpec, key: string, from: number): string => (spec.primaryKey.length === 1 ? String(from) : `${from}${SEPARATOR}${key}`);

const sameContent = (spec: TableSpec, a: Row, b: Row): boolean => {
  for (const column of spec.columns) {
    const x = a[column.name] ?? null;
    const y = b[column.name] ?? null;
    if (x === y) continue;
    if (column.kind !== 'json' || JSON.stringify(x) !== JSON.stringify(y)) return false;
  }
  return true;
};

const partition = (maps: Map<string, Map<string, number>>, orgId: string): Map<string, number> => {
  let rows = maps.get(orgId);
  if (!rows) maps.set(orgId, (rows = new Map()));
  return rows;
};

/** A row of the base table became `row` at `instant`: close its current version and open another (or amend one opened at the same instant). */
const recordVersion = (state: HistoryState<unknown>, index: number, row: Row, instant: number, position: number): void => {
  const base = state.baseTables[index]!;
  const versions = state.versions[index]!;
  const orgId = row.org_id as string;
  const key = base.keyOf(row);
  const current = partition(state.current[index]!, orgId);
  const from = current.get(key);
  const next: Row = {};
  for (const column of base.spec.columns) next[column.name] = row[column.name] ?? null;
  if (from !== undefined) {
    const openKey = versionKey(base.spec, key, from);
    const open = versions.get(orgId, openKey)!;
    if (sameContent(base.spec, open, next)) return;
    if (from === instant) {
      // Several changes at one instant: only the last is ever observable.
      versions.set(orgId, openKey, { ...next, [VALID_FROM]: from, [VALID_TO]: null, position });
      return;
    }
    open[VALID_TO] = instant;
    versions.touch(orgId, openKey, open);
  }
  versions.set(orgId, versionKey(base.spec, key, instant), { ...next, [VALID_FROM]: instant, [VALID_TO]: null, position });
  current.set(key, instant);
};

/** A row of the base table was deleted at `instant`. */
const closeVersion = (state: HistoryState<unknown>, index: number, row: Row, instant: number): void => {
  const base = state.baseTables[index]!;
  const versions = state.versions[index]!;
  const orgId = row.org_id as string;
  const key = base.keyOf(row);
  const current = partition(state.current[index]!, orgId);
  const from = current.get(key);
  if (from === undefined) return;
  current.delete(key);
  const openKey = versionKey(base.spec, key, from);
  if (from === instant) {
    // Opened and closed at the same instant: it never held.
    versions.delete(orgId, openKey);
    return;
  }
  const open = versions.get(orgId, openKey);
  if (!open) return;
  open[VALID_TO] = instant;
  versions.touch(orgId, openKey, open);
};

/**
 * Turns a projection of the current state into a time-indexed one: it folds
 * every event into the base projection, and each time a row of a base table
 * changes it closes the row's current version at the instant the event takes
 * effect ({@link takesEffect}) and opens a new one. "The base state as of t"
 * is then the versions with `valid_from ≤ t < valid_to`: an index lookup in
 * SQL instead of a fold. Only current versions are kept in memory and
 * restored; the base state is rebuilt from them.
 */
export const historyProjection = <S>(options: HistoryOptions<S>): Projection<HistoryState<S>> => {
  const { base } = options;
  const baseReads = new Set<string>(base.reads);
  const initialState = (): HistoryState<S> => {
    const state = base.initialState();
    const baseTables = base.tables(state);
    for (const table of baseTables) table.track();
    return {
      base: state,
      baseTables,
      versions: baseTables.map((table) => new Table<Row>(historySpecOf(table.spec))),
      current: baseTables.map(() => new Map()),
      clocks: new Table<ClockRow>(clockSpec(options.clockTable)),
      extras: options.extras?.() ?? [],
    };
  };
  const apply = (state: HistoryState<S>, envelope: EventEnvelope): HistoryState<S> => {
    const orgId = envelope.metadata.orgId;
    let clock = state.clocks.get(orgId, orgId);
    if (!clock) {
      clock = { org_id: orgId, at: takesEffect(undefined, envelope.metadata.occurredAt), time_zone: zoneOfFirstEvent(envelope) };
      state.clocks.set(orgId, orgId, clock);
    } else {
      const instant = takesEffect(clock.at, envelope.metadata.occurredAt);
      if (instant !== clock.at) {
        clock.at = instant;
        state.clocks.touch(orgId, orgId, clock);
      }
    }
    if (!baseReads.has(envelope.event.type)) return state;
    base.apply(state.base, envelope);
    const position = Number(envelope.globalPosition);
    state.baseTables.forEach((table, index) => {
      if (!table.hasChanges()) return;
      const changes = table.takeChanges();
      for (const row of changes.deletes) closeVersion(state as HistoryState<unknown>, index, row, clock.at);
      for (const row of changes.upserts) recordVersion(state as HistoryState<unknown>, index, row, clock.at, position);
    });
    options.after?.(state, orgId, clock.at, clock);
    return state;
  };
  const restored = (state: HistoryState<S>): void => {
    state.baseTables.forEach((table, index) => {
      const current = state.current[index]!;
      current.clear();
      const rows: Row[] = [];
      for (const version of state.versions[index]!.allRows()) {
        const row: Row = {};
        for (const column of table.spec.columns) row[column.name] = version[column.name] ?? null;
        rows.push(row);
        partition(current, row.org_id as string).set(table.keyOf(row), version[VALID_FROM] as number);
      }
      table.load(rows);
    });
    base.restored?.(state.base);
  };
  return {
    name: options.name,
    reads: EVENT_TYPES,
    initialState,
    apply,
    tables: (state) => [...state.versions, state.clocks, ...state.extras],
    restored,
    // Versions, clocks and extras are kept per organization; `after` is given the event's organization only.
    ...(base.scopedByOrganization ? { scopedByOrganization: true } : {}),
    // A version carries its base row's learner; clocks and extras name none.
    ...(base.scopedByOrganization && base.scopedByLearner ? { scopedByLearner: true } : {}),
  };
};

