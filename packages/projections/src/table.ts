/**
 * Read models are kept as tables: rows of plain values, partitioned by
 * organization and keyed by their primary key. The same rows are what the
 * SQLite and PostgreSQL projection stores write, so a reporting tool reading
 * `ll_*` tables sees exactly what the in-memory read model holds.
 */

/** How a column is stored: `json` columns hold arrays/objects (jsonb in PostgreSQL, text in SQLite). */
export type ColumnKind = 'text' | 'integer' | 'boolean' | 'json';

export interface ColumnSpec {
  readonly name: string;
  readonly kind: ColumnKind;
  /** Default false: the column always has a value. */
  readonly nullable?: boolean;
}

/** A table of a read model. The first primary-key column is always `org_id`. */
export interface TableSpec {
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
  readonly primaryKey: readonly string[];
  /** Extra indexes, each a list of columns. */
  readonly indexes?: readonly (readonly string[])[];
  /** One sentence for the documentation of the table. */
  readonly description: string;
  /**
   * A history table: a row is current while this column is NULL. Only current
   * rows are restored from a projection store and kept in memory; a row that
   * sets the column is written once and then forgotten by a tracked table.
   */
  readonly openWhileNull?: string;
}

/** A SQL view over a projection's own tables (the same SQL runs on SQLite and PostgreSQL). */
export interface ViewSpec {
  readonly name: string;
  readonly sql: string;
  readonly description: string;
}

export type CellValue = string | number | boolean | null | readonly unknown[] | Readonly<Record<string, unknown>>;
export type Row = Record<string, CellValue | undefined>;

/** What changed in a table since the last flush: rows to write (insert or replace) and rows to delete. */
export interface TableChanges {
  readonly table: string;
  readonly upserts: readonly Row[];
  readonly deletes: readonly Row[];
}

const SEPARATOR = '\u0000';
/** The key of a row inside its organization: the primary-key values after `org_id` (for a table keyed by `org_id` alone: the organization id). */
export const rowKey = (...parts: readonly (string | number)[]): string => (parts.length === 1 ? String(parts[0]) : parts.join(SEPARATOR));

/**
 * A table held in memory: organization → key → row. Rows are mutable objects
 * owned by the table; after changing one in place, call {@link Table.touch} so
 * the change is persisted. A row's nested values (arrays, objects) are
 * replaced, never changed in place: stores copy rows one level deep. Change
 * tracking is off until {@link Table.track}.
 */
export class Table<R extends Row> {
  private readonly byOrg = new Map<string, Map<string, R>>();
  private dirty: Map<string, Map<string, R>> | undefined;
  private readonly keyColumns: readonly string[];
  // Events arrive in runs of one organization: remember the last partition.
  private lastOrg: string | undefined;
  private lastRows: Map<string, R> | undefined;

  constructor(readonly spec: TableSpec) {
    if (spec.primaryKey[0] !== 'org_id') throw new Error(`Table ${spec.name}: the primary key must start with org_id`);
    this.keyColumns = spec.primaryKey.slice(1);
  }

  /** Starts recording changes for {@link Table.takeChanges}. */
  track(): void {
    this.dirty ??= new Map();
  }

  get tracking(): boolean {
    return this.dirty !== undefined;
  }

  private partition(orgId: string, create: boolean): Map<string, R> | undefined {
    if (orgId === this.lastOrg) return this.lastRows;
    let rows = this.byOrg.get(orgId);
    if (!rows && create) {
      rows = new Map();
      this.byOrg.set(orgId, rows);
    }
    if (rows) {
      this.lastOrg = orgId;
      this.lastRows = rows;
    }
    return rows;
  }

  get(orgId: string, key: string): R | undefined {
    return this.partition(orgId, false)?.get(key);
  }

  has(orgId: string, key: string): boolean {
    return this.partition(orgId, false)?.has(key) ?? false;
  }

  set(orgId: string, key: string, row: R): void {
    this.partition(orgId, true)!.set(key, row);
    if (this.dirty) this.mark(orgId, key, row);
  }

  /** Sets a row and tells whether its key is new (one map operation when changes are not tracked). */
  add(orgId: string, key: string, row: R): boolean {
    const rows = this.partition(orgId, true)!;
    const before = rows.size;
    rows.set(key, row);
    if (this.dirty) this.mark(orgId, key, row);
    return rows.size > before;
  }

  /** Deletes a row and tells whether it existed (one map operation when changes are not tracked). */
  remove(orgId: string, key: string): boolean {
    if (this.dirty) return this.delete(orgId, key) !== undefined;
    return this.partition(orgId, false)?.delete(key) ?? false;
  }

  /** Records that a row was changed in place. */
  touch(orgId: string, key: string, row: R): void {
    if (this.dirty) this.mark(orgId, key, row);
  }

  delete(orgId: string, key: string): R | undefined {
    const rows = this.partition(orgId, false);
    const row = rows?.get(key);
    if (row === undefined) return undefined;
    rows!.delete(key);
    if (this.dirty) this.mark(orgId, key, row);
    return row;
  }

  private mark(orgId: string, key: string, row: R): void {
    let keys = this.dirty!.get(orgId);
    if (!keys) {
      keys = new Map();
      this.dirty!.set(orgId, keys);
    }
    keys.set(key, row);
  }

  /** The rows of one organization, in insertion order. */
  rowsOf(orgId: string): IterableIterator<R> {
    return (this.byOrg.get(orgId) ?? new Map<string, R>()).values();
  }

  sizeOf(orgId: string): number {
    return this.byOrg.get(orgId)?.size ?? 0;
  }

  orgIds(): IterableIterator<string> {
    return this.byOrg.keys();
  }

  /** Every row, organization by organization. */
  *allRows(): IterableIterator<R> {
    for (const rows of this.byOrg.values()) yield* rows.values();
  }

  /** The key of a row, computed from its primary-key columns (the organization id itself for one-row-per-organization tables). */
  keyOf(row: Row): string {
    if (this.keyColumns.length === 0) return String(row.org_id);
    return rowKey(...this.keyColumns.map((column) => row[column] as string | number));
  }

  /** Replaces the content with stored rows (restore after a restart); records no changes. */
  load(rows: Iterable<R>): void {
    this.clear();
    for (const row of rows) this.partition(row.org_id as string, true)!.set(this.keyOf(row), row);
  }

  clear(): void {
    this.byOrg.clear();
    this.lastOrg = undefined;
    this.lastRows = undefined;
    if (this.dirty) this.dirty = new Map();
  }

  /** True when rows changed since the last {@link Table.takeChanges}. */
  hasChanges(): boolean {
    return this.dirty !== undefined && this.dirty.size > 0;
  }

  /** The changes since the last call, and forgets them (and, in a history table, the rows that are no longer current). */
  takeChanges(): TableChanges {
    const upserts: Row[] = [];
    const deletes: Row[] = [];
    const closing = this.spec.openWhileNull;
    if (this.dirty) {
      for (const [orgId, keys] of this.dirty) {
        const rows = this.byOrg.get(orgId);
        for (const [key, row] of keys) {
          const current = rows?.get(key);
          if (current !== undefined) {
            upserts.push({ ...current });
            // Written once closed: the projection never reads it again.
            if (closing !== undefined && current[closing] !== null && current[closing] !== undefined) rows!.delete(key);
          } else deletes.push(row);
        }
      }
      this.dirty = new Map();
    }
    return { table: this.spec.name, upserts, deletes };
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Builds rows from arrays of the given columns' values (what SQL drivers
 * return in their array modes), as object literals of one shape: many times
 * faster than assigning computed keys one by one, which is what reading a
 * roster of thousands of rows costs. `decode` turns a stored non-text value
 * into the row's value. The names are checked plain SQL identifiers, so they
 * are safe in the generated code.
 */
export const rowBuilder = (columns: readonly ColumnSpec[], decode: (column: ColumnSpec, value: unknown) => unknown): ((values: readonly unknown[]) => Row) => {
  // `__proto__` in an object literal would set the prototype instead of a field.
  for (const column of columns) if (!IDENTIFIER.test(column.name) || column.name === '__proto__') throw new Error(`${JSON.stringify(column.name)} is not a plain SQL identifier`);
  const decoders = columns.map((column) => (value: unknown) => (value === null || value === undefined ? null : decode(column, value)));
  const fields = columns.map((column, i) => `${column.name}: ${column.kind === 'text' ? `v[${i}] ?? null` : `d[${i}](v[${i}])`}`);
  return new Function('d', `return (v) => ({ ${fields.join(', ')} });`)(decoders) as (values: readonly unknown[]) => Row;
};

/** Column helpers for table specs. */
export const text = (name: string, nullable = false): ColumnSpec => ({ name, kind: 'text', nullable });
export const integer = (name: string, nullable = false): ColumnSpec => ({ name, kind: 'integer', nullable });
export const boolean = (name: string, nullable = false): ColumnSpec => ({ name, kind: 'boolean', nullable });
export const json = (name: string, nullable = false): ColumnSpec => ({ name, kind: 'json', nullable });
