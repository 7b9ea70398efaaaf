import type pg from 'pg';
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
import { DEFAULT_SCHEMA, quoteIdentifier, schemaNameProblem } from './schema/identifiers.js';

/** The table holding one checkpoint per projection, next to the read-model tables. */
export const POSTGRES_CHECKPOINT_TABLE = 'll_projection_checkpoints';

/** What the PostgreSQL projection store runs on: a pool, and optionally the event store's transaction runner and schema. */
export interface PostgresProjectionTarget {
  readonly pool: pg.Pool;
  /** Runs `work` in one transaction (the PostgreSQL event store's `withTransaction`). Default: BEGIN/COMMIT on a pooled client. */
  readonly withTransaction?: <T>(work: (client: pg.PoolClient) => Promise<T>) => Promise<T>;
  /** The event store's schema names; the read models go in the same schema unless told otherwise. */
  readonly names?: { readonly schema: string };
}

export interface PostgresProjectionStoreOptions {
  /** The schema of the read-model tables. Default: the event store's schema, else `learner_ledger`. */
  readonly schema?: string;
}

const SQL_TYPES: Record<ColumnSpec['kind'], string> = { text: 'text', integer: 'bigint', boolean: 'boolean', json: 'jsonb' };
/** Rows per INSERT/DELETE statement (kept well under PostgreSQL's 65 535 parameters). */
const CHUNK = 500;

const encode = (column: ColumnSpec, value: unknown): unknown => {
  if (value === undefined || value === null) return null;
  return column.kind === 'json' ? JSON.stringify(value) : value;
};

const decode = (column: ColumnSpec, value: unknown): unknown => {
  if (value === null || value === undefined) return null;
  return column.kind === 'integer' ? Number(value) : value;
};

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** The condition and values of a load: of a history table only the current rows (the projection never reads the others again), of some organizations when asked. */
const rowsToLoad = (spec: TableSpec, options: LoadOptions): { where: string; values: unknown[] } => {
  const conditions: string[] = [];
  const values: unknown[] = [];
  if (options.organizations !== undefined) {
    values.push([...options.organizations]);
    conditions.push(`org_id = ANY($${values.length}::text[])`);
  }
  if (options.learners !== undefined && hasLearnerColumn(spec)) {
    values.push(options.learners.map(([orgId]) => orgId), options.learners.map(([, learnerId]) => learnerId));
    conditions.push(`(org_id, ${LEARNER_COLUMN}) IN (SELECT * FROM unnest($${values.length - 1}::text[], $${values.length}::text[]))`);
  }
  if (spec.openWhileNull !== undefined && !options.everyRow) conditions.push(`${spec.openWhileNull} IS NULL`);
  return { where: conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '', values };
};

const decodeRow = (spec: TableSpec, raw: Record<string, unknown>): Row => {
  const row: Row = {};
  for (const column of spec.columns) row[column.name] = decode(column, raw[column.name]) as Row[string];
  return row;
};

const plainTransaction = (pool: pg.Pool) => async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
};

/**
 * Keeps projections as PostgreSQL tables in the event store's schema
 * (`ll_license_counts`, `ll_inactive_roster`, `ll_team_memberships`,
 * `ll_learner_directory`, `ll_audit_trail`, `ll_anomalies`, … and the
 * `ll_team_rosters` view) that reporting tools can query, with their
 * checkpoints in `ll_projection_checkpoints`. Every commit — changed rows plus
 * the new checkpoint, whose row is locked first so two runners cannot both
 * advance it — is one transaction. When the stored table definition of a
 * projection differs from the library's, its tables are dropped and recreated
 * and the projection starts again from 0.
 */
export class PostgresProjectionStore implements ProjectionStore, AsOfReader {
  readonly name = 'postgres';
  readonly schema: string;
  private readonly quotedSchema: string;
  private readonly run: <T>(work: (client: pg.PoolClient) => Promise<T>) => Promise<T>;
  private readonly checkpoints: string;

  constructor(
    readonly pool: pg.Pool,
    options: PostgresProjectionStoreOptions & { readonly withTransaction?: PostgresProjectionTarget['withTransaction'] } = {},
  ) {
    this.schema = options.schema ?? DEFAULT_SCHEMA;
    const problem = schemaNameProblem(this.schema);
    if (problem) throw new TypeError(`postgres projection store: ${problem}`);
    this.quotedSchema = quoteIdentifier(this.schema);
    this.checkpoints = `${this.quotedSchema}.${POSTGRES_CHECKPOINT_TABLE}`;
    this.run = options.withTransaction ?? plainTransaction(pool);
  }

  private table(name: string): string {
    if (!IDENTIFIER.test(name)) throw new Error(`${JSON.stringify(name)} is not a plain SQL identifier`);
    return `${this.quotedSchema}.${name}`;
  }

  /** Serializes schema changes of concurrent openers and makes sure the checkpoint table exists. */
  private async prepare(client: pg.PoolClient): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`learner-ledger projections ${this.schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.quotedSchema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${this.checkpoints} (projection text PRIMARY KEY, position bigint NOT NULL, definition text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`,
    );
  }

  async load(projection: ProjectionDescription, options: LoadOptions = {}): Promise<StoredProjection | undefined> {
    assertSqlIdentifiers(projection);
    const definition = definitionOf(projection);
    return this.run(async (client) => {
      await this.prepare(client);
      const found = await client.query<{ position: string; definition: string }>(`SELECT position, definition FROM ${this.checkpoints} WHERE projection = $1`, [projection.name]);
      const stored = found.rows[0];
      if (stored && stored.definition !== definition) await this.dropTables(client, projection, stored.definition);
      await this.createTables(client, projection);
      if (!stored || stored.definition !== definition) {
        await this.writeCheckpoint(client, projection.name, 0n, definition);
        return undefined;
      }
      const tables: Record<string, Row[]> = {};
      for (const spec of projection.tables) {
        const { where, values } = rowsToLoad(spec, options);
        const result = await client.query<Record<string, unknown>>(`SELECT ${spec.columns.map((c) => c.name).join(', ')} FROM ${this.table(spec.name)}${where}`, values);
        tables[spec.name] = result.rows.map((raw) => decodeRow(spec, raw));
      }
      return { checkpoint: BigInt(stored.position), tables };
    });
  }

  async commit(commit: ProjectionCommit): Promise<void> {
    const { projection } = commit;
    await this.run(async (client) => {
      const found = await client.query<{ position: string }>(`SELECT position FROM ${this.checkpoints} WHERE projection = $1 FOR UPDATE`, [projection.name]);
      const stored = found.rows[0] ? BigInt(found.rows[0].position) : undefined;
      if ((stored ?? 0n) !== commit.expectedCheckpoint) throw new CheckpointConflictError(projection.name, commit.expectedCheckpoint, stored);
      for (const change of commit.changes) {
        const spec = projection.tables.find((t) => t.name === change.table);
        if (!spec) throw new Error(`Projection ${projection.name} has no table ${change.table}`);
        for (let i = 0; i < change.deletes.length; i += CHUNK) await this.deleteRows(client, spec, change.deletes.slice(i, i + CHUNK));
        for (let i = 0; i < change.upserts.length; i += CHUNK) await this.upsertRows(client, spec, change.upserts.slice(i, i + CHUNK));
      }
      await this.writeCheckpoint(client, projection.name, commit.checkpoint, definitionOf(projection));
    });
  }

  async reset(projection: ProjectionDescription): Promise<void> {
    assertSqlIdentifiers(projection);
    await this.run(async (client) => {
      await this.prepare(client);
      const found = await client.query<{ definition: string }>(`SELECT definition FROM ${this.checkpoints} WHERE projection = $1 FOR UPDATE`, [projection.name]);
      await this.dropTables(client, projection, found.rows[0]?.definition);
      await this.createTables(client, projection);
      await this.writeCheckpoint(client, projection.name, 0n, definitionOf(projection));
    });
  }

  async checkpoint(name: string): Promise<bigint | undefined> {
    try {
      const found = await this.pool.query<{ position: string }>(`SELECT position FROM ${this.checkpoints} WHERE projection = $1`, [name]);
      return found.rows[0] ? BigInt(found.rows[0].position) : undefined;
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') return undefined; // no checkpoint table yet
      throw error;
    }
  }

  async checkpointOf(projection: ProjectionDescription): Promise<bigint | undefined> {
    try {
      const found = await this.pool.query<{ position: string; definition: string }>(`SELECT position, definition FROM ${this.checkpoints} WHERE projection = $1`, [projection.name]);
      const stored = found.rows[0];
      return stored && stored.definition === definitionOf(projection) ? BigInt(stored.position) : undefined;
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') return undefined; // no checkpoint table yet
      throw error;
    }
  }

  async rowsAt(table: TableSpec, orgId: string, at: number, columns?: readonly string[]): Promise<Row[]> {
    const chosen = columns ? columns.map((name) => table.columns.find((c) => c.name === columnOf(table, name))!) : table.columns;
    const result = await this.pool.query<unknown[]>({
      text: `SELECT ${chosen.map((c) => c.name).join(', ')} FROM ${this.table(table.name)} WHERE org_id = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2)`,
      values: [orgId, at],
      rowMode: 'array',
    });
    return result.rows.map(this.builder(chosen));
  }

  private readonly builders = new Map<string, (values: readonly unknown[]) => Row>();
  /** One row builder per column list, kept for the next read. */
  private builder(columns: readonly ColumnSpec[]): (values: readonly unknown[]) => Row {
    const key = columns.map((c) => `${c.name}:${c.kind}`).join(',');
    let build = this.builders.get(key);
    if (!build) this.builders.set(key, (build = rowBuilder(columns, decode)));
    return build;
  }

  async rowsBetween(table: TableSpec, orgId: string, column: string, from: number | string, to: number | string): Promise<Row[]> {
    const result = await this.pool.query<Record<string, unknown>>({
      text: `SELECT ${this.columns(table)} FROM ${this.table(table.name)} WHERE org_id = $1 AND ${columnOf(table, column)} BETWEEN $2 AND $3 ORDER BY ${column}`,
      values: [orgId, from, to],
    });
    return result.rows.map((raw) => decodeRow(table, raw));
  }

  async lastRowBefore(table: TableSpec, orgId: string, column: string, before: number | string): Promise<Row | undefined> {
    const result = await this.pool.query<Record<string, unknown>>({
      text: `SELECT ${this.columns(table)} FROM ${this.table(table.name)} WHERE org_id = $1 AND ${columnOf(table, column)} < $2 ORDER BY ${column} DESC LIMIT 1`,
      values: [orgId, before],
    });
    return result.rows[0] ? decodeRow(table, result.rows[0]) : undefined;
  }

  private columns(table: TableSpec): string {
    return table.columns.map((c) => columnOf(table, c.name)).join(', ');
  }

  private async writeCheckpoint(client: pg.PoolClient, name: string, position: bigint, definition: string): Promise<void> {
    await client.query(
      `INSERT INTO ${this.checkpoints} (projection, position, definition, updated_at) VALUES ($1, $2, $3, now()) ` +
        'ON CONFLICT (projection) DO UPDATE SET position = EXCLUDED.position, definition = EXCLUDED.definition, updated_at = EXCLUDED.updated_at',
      [name, position.toString(), definition],
    );
  }

  private async upsertRows(client: pg.PoolClient, spec: TableSpec, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = spec.columns.map((c) => c.name);
    const values: unknown[] = [];
    const tuples = rows.map((row) => `(${spec.columns.map((column) => `$${values.push(encode(column, row[column.name]))}`).join(', ')})`);
    const others = columns.filter((c) => !spec.primaryKey.includes(c));
    const conflict = others.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${others.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
    await client.query(`INSERT INTO ${this.table(spec.name)} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (${spec.primaryKey.join(', ')}) ${conflict}`, values);
  }

  private async deleteRows(client: pg.PoolClient, spec: TableSpec, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    const keyColumns = spec.primaryKey.map((name) => spec.columns.find((c) => c.name === name)!);
    const values: unknown[] = [];
    const tuples = rows.map((row) => `(${keyColumns.map((column) => `$${values.push(encode(column, row[column.name]))}::${SQL_TYPES[column.kind]}`).join(', ')})`);
    await client.query(`DELETE FROM ${this.table(spec.name)} WHERE (${spec.primaryKey.join(', ')}) IN (${tuples.join(', ')})`, values);
  }

  private async createTables(client: pg.PoolClient, projection: ProjectionDescription): Promise<void> {
    for (const spec of projection.tables) {
      const columns = spec.columns.map((c) => `${c.name} ${SQL_TYPES[c.kind]}${c.nullable ? '' : ' NOT NULL'}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.table(spec.name)} (${columns.join(', ')}, PRIMARY KEY (${spec.primaryKey.join(', ')}))`);
      for (const index of spec.indexes ?? []) {
        await client.query(`CREATE INDEX IF NOT EXISTS ${spec.name}_by_${index.join('_')} ON ${this.table(spec.name)} (${index.join(', ')})`);
      }
    }
    if ((projection.views ?? []).length > 0) {
      // View SQL names tables without a schema: resolve them in ours (for this transaction only).
      await client.query(`SELECT set_config('search_path', $1, true)`, [this.quotedSchema]);
      for (const view of projection.views ?? []) await client.query(`CREATE OR REPLACE VIEW ${this.table(view.name)} AS ${view.sql}`);
    }
  }

  private async dropTables(client: pg.PoolClient, projection: ProjectionDescription, storedDefinition: string | undefined): Promise<void> {
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
    for (const view of views) await client.query(`DROP VIEW IF EXISTS ${this.table(view)}`);
    for (const table of names) await client.query(`DROP TABLE IF EXISTS ${this.table(table)} CASCADE`);
  }
}

/**
 * A projection store in the same PostgreSQL schema as the events: pass the
 * PostgreSQL event store (its pool, transactions and schema are used) or any
 * `pg` pool.
 *
 * @example
 * const store = await openPostgresEventStore({ connectionString: process.env.DATABASE_URL! });
 * const runner = new ProjectionRunner({ store, projections: allProjections, projectionStore: createPostgresProjectionStore(store) });
 * await runner.catchUp(); // then: SELECT * FROM learner_ledger.ll_license_counts
 */
export const createPostgresProjectionStore = (target: PostgresProjectionTarget | pg.Pool, options: PostgresProjectionStoreOptions = {}): PostgresProjectionStore => {
  const isTarget = 'pool' in target && typeof (target as PostgresProjectionTarget).pool?.connect === 'function';
  if (!isTarget) return new PostgresProjectionStore(target as pg.Pool, options);
  const t = target as PostgresProjectionTarget;
  return new PostgresProjectionStore(t.pool, {
    schema: options.schema ?? t.names?.schema ?? DEFAULT_SCHEMA,
    ...(t.withTransaction ? { withTransaction: t.withTransaction.bind(t) } : {}),
  });
};
