import type Database from 'better-sqlite3';
import {
  assertSqlIdentifiers,
  CheckpointConflictError,
  columnOf,
  definitionOf,
  hasLearnerColumn,
  LEARNER_COLUMN,
  rowBuilder,
  type AsOfReader,
  type ColumnSpec,
  type LoadOptions,
  type ProjectionCommit,
  type ProjectionDescription,
  type ProjectionStore,
  type Row,
  type StoredProjection,
  type TableSpec,
} from '@learner-ledger/projections';

/** The table holding one checkpoint per projection, next to the read-model tables. */
export const SQLITE_CHECKPOINT_TABLE = 'll_projection_checkpoints';

/** What the SQLite projection store runs on: a better-sqlite3 database, and optionally the event store's transaction function. */
export interface SqliteProjectionTarget {
  readonly database: Database.Database;
  /** Runs a synchronous function in one transaction (the SQLite event store's `transaction`). Default: the database's own. */
  readonly transaction?: <T>(fn: () => T) => T;
}

const SQL_TYPES: Record<ColumnSpec['kind'], string> = { text: 'TEXT', integer: 'INTEGER', boolean: 'INTEGER', json: 'TEXT' };

const encode = (column: ColumnSpec, value: unknown): unknown => {
  if (value === undefined || value === null) return null;
  switch (column.kind) {
    case 'boolean':
      return value ? 1 : 0;
    case 'json':
      return JSON.stringify(value);
    default:
      return value;
  }
};

const decode = (column: ColumnSpec, value: unknown): unknown => {
  if (value === null || value === undefined) return null;
  switch (column.kind) {
    case 'boolean':
      return value === 1 || value === 1n || value === true;
    case 'json':
      return JSON.parse(value as string);
    case 'integer':
      return Number(value);
    default:
      return value;
  }
};

interface TableStatements {
  readonly spec: TableSpec;
  readonly upsert: Database.Statement;
  readonly remove: Database.Statement;
}

/**
 * Keeps projections as SQLite tables (`ll_license_counts`, `ll_inactive_roster`,
 * `ll_team_memberships`, `ll_learner_directory`, `ll_audit_trail`,
 * `ll_anomalies`, … and the `ll_team_rosters` view) that reporting tools can
 * query, with their checkpoints in `ll_projection_checkpoints`. Every commit —
 * changed rows plus the new checkpoint — is one transaction: a crash leaves
 * both at the previous batch. When the stored table definition of a
 * projection differs from the library's, its tables are dropped and recreated
 * and the projection starts again from 0.
 */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const tableName = (spec: TableSpec): string => {
  if (!IDENTIFIER.test(spec.name)) throw new Error(`${JSON.stringify(spec.name)} is not a plain SQL identifier`);
  return spec.name;
};

/** The condition and values of a load: of a history table only the current rows (the projection never reads the others again), of some organizations when asked. */
const rowsToLoad = (spec: TableSpec, options: LoadOptions): { where: string; values: unknown[] } => {
  const conditions: string[] = [];
  const values: unknown[] = [];
  if (options.organizations !== undefined) {
    conditions.push('org_id IN (SELECT value FROM json_each(?))');
    values.push(JSON.stringify(options.organizations));
  }
  if (options.learners !== undefined && hasLearnerColumn(spec)) {
    conditions.push(`(org_id, ${LEARNER_COLUMN}) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))`);
    values.push(JSON.stringify(options.learners));
  }
  if (spec.openWhileNull !== undefined && !options.everyRow) conditions.push(`${spec.openWhileNull} IS NULL`);
  return { where: conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '', values };
};

interface PreparedRead {
  readonly statement: Database.Statement;
  readonly build: (values: readonly unknown[]) => Row;
}

export class SqliteProjectionStore implements ProjectionStore, AsOfReader {
  readonly name = 'sqlite';
  readonly database: Database.Database;
  private readonly transaction: <T>(fn: () => T) => T;
  private readonly statements = new Map<string, TableStatements>();
  private readonly reads = new Map<string, PreparedRead>();
  private readonly readCheckpoint: Database.Statement;
  private readonly writeCheckpoint: Database.Statement;

  constructor(target: SqliteProjectionTarget | Database.Database) {
    const isTarget = 'database' in target && typeof (target as SqliteProjectionTarget).database?.prepare === 'function';
    this.database = isTarget ? (target as SqliteProjectionTarget).database : (target as Database.Database);
    const own = isTarget ? (target as SqliteProjectionTarget).transaction : undefined;
    this.transaction = own ? own.bind(target) : <T>(fn: () => T): T => this.database.transaction(fn).immediate();
    this.database.exec(
      `CREATE TABLE IF NOT EXISTS ${SQLITE_CHECKPOINT_TABLE} (` +
        'projection TEXT PRIMARY KEY, position INTEGER NOT NULL, definition TEXT NOT NULL, updated_at TEXT NOT NULL)',
    );
    this.readCheckpoint = this.database.prepare(`SELECT position, definition FROM ${SQLITE_CHECKPOINT_TABLE} WHERE projection = ?`).safeIntegers(true);
    this.writeCheckpoint = this.database.prepare(
      `INSERT INTO ${SQLITE_CHECKPOINT_TABLE} (projection, position, definition, updated_at) VALUES (?, ?, ?, ?) ` +
        'ON CONFLICT (projection) DO UPDATE SET position = excluded.position, definition = excluded.definition, updated_at = excluded.updated_at',
    );
  }

  async load(projection: ProjectionDescription, options: LoadOptions = {}): Promise<StoredProjection | undefined> {
    assertSqlIdentifiers(projection);
    const definition = definitionOf(projection);
    return this.transaction(() => {
      const stored = this.readCheckpoint.get(projection.name) as { position: bigint; definition: string } | undefined;
      if (stored && stored.definition !== definition) this.dropTables(projection, stored.definition);
      this.createTables(projection);
      if (!stored) return undefined;
      if (stored.definition !== definition) {
        this.writeCheckpoint.run(projection.name, 0n, definition, new Date().toISOString());
        return undefined;
      }
      const tables: Record<string, Row[]> = {};
      for (const spec of projection.tables) {
        const { where, values } = rowsToLoad(spec, options);
        // Arrays built into rows of one shape: restoring a large organization reads a row per learner and more.
        const read = this.read(spec, `load:${where}`, undefined, (list) => `SELECT ${list} FROM ${tableName(spec)}${where}`);
        tables[spec.name] = (read.statement.all(...values) as unknown[][]).map(read.build);
      }
      return { checkpoint: stored.position, tables };
    });
  }

  async commit(commit: ProjectionCommit): Promise<void> {
    const { projection } = commit;
    const definition = definitionOf(projection);
    this.transaction(() => {
      const stored = this.readCheckpoint.get(projection.name) as { position: bigint } | undefined;
      const actual = stored?.position ?? 0n;
      if (actual !== commit.expectedCheckpoint) throw new CheckpointConflictError(projection.name, commit.expectedCheckpoint, stored?.position);
      for (const change of commit.changes) {
        const statements = this.statementsFor(projection, change.table);
        const keyColumns = statements.spec.primaryKey.map((name) => statements.spec.columns.find((c) => c.name === name)!);
        for (const row of change.deletes) statements.remove.run(keyColumns.map((column) => encode(column, row[column.name])));
        for (const row of change.upserts) statements.upsert.run(statements.spec.columns.map((column) => encode(column, row[column.name])));
      }
      this.writeCheckpoint.run(projection.name, commit.checkpoint, definition, new Date().toISOString());
    });
  }

  async reset(projection: ProjectionDescription): Promise<void> {
    assertSqlIdentifiers(projection);
    this.transaction(() => {
      const stored = this.readCheckpoint.get(projection.name) as { definition: string } | undefined;
      this.dropTables(projection, stored?.definition);
      this.createTables(projection);
      this.writeCheckpoint.run(projection.name, 0n, definitionOf(projection), new Date().toISOString());
    });
  }

  async checkpoint(name: string): Promise<bigint | undefined> {
    return (this.readCheckpoint.get(name) as { position: bigint } | undefined)?.position;
  }

  async checkpointOf(projection: ProjectionDescription): Promise<bigint | undefined> {
    const stored = this.readCheckpoint.get(projection.name) as { position: bigint; definition: string } | undefined;
    return stored && stored.definition === definitionOf(projection) ? stored.position : undefined;
  }

  async rowsAt(table: TableSpec, orgId: string, at: number, columns?: readonly string[]): Promise<Row[]> {
    const read = this.read(table, 'at', columns, (list) => `SELECT ${list} FROM ${tableName(table)} WHERE org_id = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)`);
    return (read.statement.all(orgId, at, at) as unknown[][]).map(read.build);
  }

  async rowsBetween(table: TableSpec, orgId: string, column: string, from: number | string, to: number | string): Promise<Row[]> {
    const read = this.read(table, `between:${column}`, undefined, (list) => `SELECT ${list} FROM ${tableName(table)} WHERE org_id = ? AND ${columnOf(table, column)} BETWEEN ? AND ? ORDER BY ${column}`);
    return (read.statement.all(orgId, from, to) as unknown[][]).map(read.build);
  }

  async lastRowBefore(table: TableSpec, orgId: string, column: string, before: number | string): Promise<Row | undefined> {
    const read = this.read(table, `before:${column}`, undefined, (list) => `SELECT ${list} FROM ${tableName(table)} WHERE org_id = ? AND ${columnOf(table, column)} < ? ORDER BY ${column} DESC LIMIT 1`);
    const values = read.statement.get(orgId, before) as unknown[] | undefined;
    return values ? read.build(values) : undefined;
  }

  /** A prepared read returning arrays of the chosen columns (default: all), kept for the next call (dropping a projection's tables clears these). */
  private read(table: TableSpec, kind: string, names: readonly string[] | undefined, sql: (list: string) => string): PreparedRead {
    const key = `${table.name}:${kind}:${names?.join(',') ?? '*'}`;
    let read = this.reads.get(key);
    if (!read) {
      const columns = names ? names.map((name) => table.columns.find((c) => c.name === columnOf(table, name))!) : table.columns;
      read = { statement: this.database.prepare(sql(columns.map((c) => c.name).join(', '))).raw(true), build: rowBuilder(columns, decode) };
      this.reads.set(key, read);
    }
    return read;
  }

  private createTables(projection: ProjectionDescription): void {
    for (const spec of projection.tables) {
      const columns = spec.columns.map((c) => `${c.name} ${SQL_TYPES[c.kind]}${c.nullable ? '' : ' NOT NULL'}`);
      // A history table is read by ranges of its key (an organization's versions by instant): stored in key order, a range is contiguous.
      const layout = spec.openWhileNull !== undefined ? ' WITHOUT ROWID' : '';
      this.database.exec(`CREATE TABLE IF NOT EXISTS ${spec.name} (${columns.join(', ')}, PRIMARY KEY (${spec.primaryKey.join(', ')}))${layout}`);
      for (const index of spec.indexes ?? []) this.database.exec(`CREATE INDEX IF NOT EXISTS ${spec.name}_by_${index.join('_')} ON ${spec.name} (${index.join(', ')})`);
    }
    for (const view of projection.views ?? []) this.database.exec(`CREATE VIEW IF NOT EXISTS ${view.name} AS ${view.sql}`);
  }

  /** Drops the tables and views of a projection: the current ones and those of a stored older definition. */
  private dropTables(projection: ProjectionDescription, storedDefinition: string | undefined): void {
    const names = new Set(projection.tables.map((t) => t.name));
    const views = new Set((projection.views ?? []).map((v) => v.name));
    if (storedDefinition) {
      try {
        const old = JSON.parse(storedDefinition) as { tables?: { name: string }[]; views?: { name: string }[] };
        for (const table of old.tables ?? []) if (/^[a-z_][a-z0-9_]*$/.test(table.name)) names.add(table.name);
        for (const view of old.views ?? []) if (/^[a-z_][a-z0-9_]*$/.test(view.name)) views.add(view.name);
      } catch {
        // An unreadable definition: drop what the current one names.
      }
    }
    for (const view of views) this.database.exec(`DROP VIEW IF EXISTS ${view}`);
    for (const table of names) this.database.exec(`DROP TABLE IF EXISTS ${table}`);
    for (const key of [...this.statements.keys()]) if (names.has(key)) this.statements.delete(key);
    this.reads.clear();
  }

  private statementsFor(projection: ProjectionDescription, table: string): TableStatements {
    let statements = this.statements.get(table);
    if (statements) return statements;
    const spec = projection.tables.find((t) => t.name === table);
    if (!spec) throw new Error(`Projection ${projection.name} has no table ${table}`);
    const columns = spec.columns.map((c) => c.name);
    const others = columns.filter((c) => !spec.primaryKey.includes(c));
    const conflict = others.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${others.map((c) => `${c} = excluded.${c}`).join(', ')}`;
    statements = {
      spec,
      upsert: this.database.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ON CONFLICT (${spec.primaryKey.join(', ')}) ${conflict}`),
      remove: this.database.prepare(`DELETE FROM ${table} WHERE ${spec.primaryKey.map((c) => `${c} = ?`).join(' AND ')}`),
    };
    this.statements.set(table, statements);
    return statements;
  }
}

/**
 * A projection store in the same SQLite file as the events: pass the
 * SQLite event store (its transactions are used) or any better-sqlite3
 * database.
 *
 * @example
 * const store = openSqliteEventStore({ path: './learner-ledger.db' });
 * const runner = new ProjectionRunner({ store, projections: allProjections, projectionStore: createSqliteProjectionStore(store) });
 * await runner.catchUp(); // then: SELECT * FROM ll_license_counts
 */
export const createSqliteProjectionStore = (target: SqliteProjectionTarget | Database.Database): SqliteProjectionStore => new SqliteProjectionStore(target);
