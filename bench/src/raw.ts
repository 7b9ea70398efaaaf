import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { FORWARDS, type JSONType, KurrentDBClient, START, jsonEvent, streamNameFilter } from '@kurrent/kurrentdb-client';
import Database from 'better-sqlite3';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EventStore, StoredEvent } from '@learner-ledger/core';
import { readAllBatches } from '@learner-ledger/core';
import { now, seconds } from './measure.js';

/** One event as a raw driver sees it: the same columns and JSON payloads a store writes. */
export interface RawRow {
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: string;
  readonly metadata: string;
}

export interface Timing {
  readonly ops: number;
  readonly seconds: number;
}

/**
 * The raw-driver baselines of one store: what the driver does alone, without
 * the library, on rows of the same shape and content.
 */
export interface RawBaseline {
  readonly name: string;
  /** One row per transaction (the floor under one-decision-per-command). */
  singleRowTransactions(rows: readonly RawRow[]): Promise<Timing>;
  /** Every row in one bulk write (the ceiling of a bulk append). */
  bulkInsert(rows: readonly RawRow[]): Promise<Timing>;
  /** Reads back every row `bulkInsert` wrote, in order (the ceiling of a replay). */
  readAll(): Promise<Timing>;
  close(): Promise<void>;
  readonly describe: { single: string; bulk: string; read: string };
}

/** The store's whole log as raw rows (not timed). */
export const rawRowsOf = async (store: EventStore, limit = Number.POSITIVE_INFINITY): Promise<RawRow[]> => {
  const rows: RawRow[] = [];
  for await (const batch of readAllBatches(store, { maxCount: 10_000 })) {
    for (const e of batch.events) {
      if (rows.length >= limit) return rows;
      rows.push(toRawRow(e));
    }
  }
  return rows;
};

export const toRawRow = (e: StoredEvent): RawRow => ({
  eventId: e.eventId,
  streamId: e.streamId,
  streamVersion: e.streamVersion,
  type: e.type,
  schemaVersion: e.schemaVersion,
  data: JSON.stringify(e.data),
  metadata: JSON.stringify(e.metadata),
});

/** A fold as cheap as a license count gets: what a replay costs without decoding or a store. */
export const bareLicenseFold = (rows: readonly RawRow[] | readonly StoredEvent[]): number => {
  let inUse = 0;
  for (const row of rows) {
    if (row.type === 'LicenseAssigned') inUse++;
    else if (row.type === 'LicenseReleased') inUse--;
  }
  return inUse;
};

/** In memory: a bare array push per event, and a bare fold over the array. */
export class MemoryBaseline implements RawBaseline {
  readonly name = 'memory';
  readonly describe = { single: 'bare array push per event', bulk: 'bare array push of all events', read: 'bare fold over an in-memory array' };
  private array: RawRow[] = [];
  sink = 0;

  async singleRowTransactions(rows: readonly RawRow[]): Promise<Timing> {
    const array: RawRow[] = [];
    const start = now();
    for (const row of rows) array.push({ ...row });
    const s = seconds(start);
    this.sink += array.length;
    return { ops: rows.length, seconds: s };
  }

  async bulkInsert(rows: readonly RawRow[]): Promise<Timing> {
    const start = now();
    const array = rows.map((row) => ({ ...row }));
    const s = seconds(start);
    this.array = array;
    return { ops: rows.length, seconds: s };
  }

  async readAll(): Promise<Timing> {
    const start = now();
    this.sink += bareLicenseFold(this.array);
    return { ops: this.array.length, seconds: seconds(start) };
  }

  async close(): Promise<void> {
    this.array = [];
  }
}

// The same table the SQLite store creates (packages/adapters/sqlite/src/schema/migrations.ts).
export const SQLITE_TABLE = `CREATE TABLE events (
  position INTEGER PRIMARY KEY,
  stream_id TEXT NOT NULL,
  stream_version INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  data TEXT NOT NULL,
  metadata TEXT NOT NULL,
  UNIQUE (stream_id, stream_version)
)`;

/** better-sqlite3 alone: prepared inserts (per transaction, or all in one) and `.iterate()`. */
export class SqliteBaseline implements RawBaseline {
  readonly name = 'sqlite';
  readonly describe = {
    single: 'better-sqlite3 prepared insert, one transaction per row',
    bulk: 'better-sqlite3 prepared inserts in one transaction',
    read: 'better-sqlite3 .iterate() of the same rows',
  };
  private readonly dir = mkdtempSync(join(tmpdir(), 'll-bench-raw-sqlite-'));
  private files = 0;
  private last: Database.Database | undefined;
  sink = 0;

  constructor(private readonly pragmas: { journalMode: string; synchronous: string }) {}

  private fresh(): Database.Database {
    if (this.last) {
      const file = this.last.name;
      this.last.close();
      rmSync(file, { force: true });
      rmSync(`${file}-wal`, { force: true });
      rmSync(`${file}-shm`, { force: true });
    }
    const db = new Database(join(this.dir, `raw-${this.files++}.db`));
    db.pragma(`journal_mode = ${this.pragmas.journalMode}`);
    db.pragma(`synchronous = ${this.pragmas.synchronous}`);
    db.exec(SQLITE_TABLE);
    this.last = db;
    return db;
  }

  private insertStatement(db: Database.Database) {
    return db.prepare('INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)');
  }

  async singleRowTransactions(rows: readonly RawRow[]): Promise<Timing> {
    const db = this.fresh();
    const insert = this.insertStatement(db);
    const one = db.transaction((r: RawRow) => insert.run(r.eventId, r.streamId, r.streamVersion, r.type, r.schemaVersion, r.data, r.metadata));
    const start = now();
    for (const r of rows) one(r);
    return { ops: rows.length, seconds: seconds(start) };
  }

  async bulkInsert(rows: readonly RawRow[]): Promise<Timing> {
    const db = this.fresh();
    const insert = this.insertStatement(db);
    const all = db.transaction((batch: readonly RawRow[]) => {
      for (const r of batch) insert.run(r.eventId, r.streamId, r.streamVersion, r.type, r.schemaVersion, r.data, r.metadata);
    });
    const start = now();
    all(rows);
    return { ops: rows.length, seconds: seconds(start) };
  }

  async readAll(): Promise<Timing> {
    const db = this.last!;
    const select = db.prepare('SELECT position, event_id, stream_id, stream_version, type, schema_version, data, metadata FROM events ORDER BY position');
    const start = now();
    let count = 0;
    let inUse = 0;
    for (const row of select.iterate() as Iterable<{ type: string }>) {
      count++;
      if (row.type === 'LicenseAssigned') inUse++;
    }
    this.sink += inUse;
    return { ops: count, seconds: seconds(start) };
  }

  async close(): Promise<void> {
    this.last?.close();
    this.last = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// The same table the PostgreSQL store creates (packages/adapters/postgres/src/schema/migrations.ts).
export const PG_TABLE = (table: string) => `CREATE TABLE ${table} (
  global_position BIGSERIAL PRIMARY KEY,
  stream_id TEXT NOT NULL,
  stream_version INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  data JSON NOT NULL,
  metadata JSON NOT NULL,
  recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (stream_id, stream_version)
)`;

export const COLUMNS = 'event_id, stream_id, stream_version, type, schema_version, data, metadata';

const copyText = (value: string): string => value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

/** pg alone: per-row INSERT transactions, multi-row INSERT and COPY, and a plain keyset-paged SELECT. */
export class PostgresBaseline implements RawBaseline {
  readonly name = 'postgres';
  readonly describe = {
    single: 'pg INSERT of one row per transaction',
    bulk: 'pg COPY FROM STDIN of the same rows (multi-row INSERT reported beside it)',
    read: 'plain pg SELECT of the same rows, keyset-paged 10,000 a query',
  };
  private readonly client: pg.Client;
  private readonly schema = `bench_raw_${process.pid}`;
  private tables = 0;
  private last = '';
  private connected: Promise<void>;

  constructor(connectionString: string) {
    this.client = new pg.Client({ connectionString });
    this.connected = this.client.connect().then(async () => {
      await this.client.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
      await this.client.query(`CREATE SCHEMA ${this.schema}`);
    });
  }

  private async fresh(): Promise<string> {
    await this.connected;
    if (this.last) await this.client.query(`DROP TABLE ${this.last}`);
    const table = `${this.schema}.events_${this.tables++}`;
    await this.client.query(PG_TABLE(table));
    this.last = table;
    return table;
  }

  async singleRowTransactions(rows: readonly RawRow[]): Promise<Timing> {
    const table = await this.fresh();
    const text = `INSERT INTO ${table} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`;
    const start = now();
    for (const r of rows) {
      await this.client.query({ name: `single-${table}`, text, values: [r.eventId, r.streamId, r.streamVersion, r.type, r.schemaVersion, r.data, r.metadata] });
    }
    return { ops: rows.length, seconds: seconds(start) };
  }

  /** Multi-row INSERT, 1,000 rows a statement, in one transaction. */
  async multiRowInsert(rows: readonly RawRow[]): Promise<Timing> {
    const table = await this.fresh();
    const start = now();
    await this.client.query('BEGIN');
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = rows.slice(i, i + 1000);
      const values: unknown[] = [];
      const tuples = chunk.map((r, j) => {
        values.push(r.eventId, r.streamId, r.streamVersion, r.type, r.schemaVersion, r.data, r.metadata);
        const b = j * 7;
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`;
      });
      await this.client.query(`INSERT INTO ${table} (${COLUMNS}) VALUES ${tuples.join(', ')}`, values);
    }
    await this.client.query('COMMIT');
    return { ops: rows.length, seconds: seconds(start) };
  }

  async bulkInsert(rows: readonly RawRow[]): Promise<Timing> {
    const table = await this.fresh();
    const start = now();
    await this.client.query('BEGIN');
    const copy = this.client.query(copyFrom(`COPY ${table} (${COLUMNS}) FROM STDIN`));
    const lines = function* () {
      let buffer = '';
      for (const r of rows) {
        buffer += `${r.eventId}\t${copyText(r.streamId)}\t${r.streamVersion}\t${copyText(r.type)}\t${r.schemaVersion}\t${copyText(r.data)}\t${copyText(r.metadata)}\n`;
        if (buffer.length > 1 << 16) {
          yield buffer;
          buffer = '';
        }
      }
      if (buffer) yield buffer;
    };
    await pipeline(Readable.from(lines()), copy);
    await this.client.query('COMMIT');
    return { ops: rows.length, seconds: seconds(start) };
  }

  async readAll(): Promise<Timing> {
    const table = this.last;
    const start = now();
    let count = 0;
    let after = '0';
    for (;;) {
      const result = await this.client.query<{ global_position: string; type: string }>({
        name: `read-${table}`,
        text: `SELECT global_position, ${COLUMNS} FROM ${table} WHERE global_position > $1 ORDER BY global_position LIMIT 10000`,
        values: [after],
      });
      count += result.rows.length;
      if (result.rows.length < 10_000) break;
      after = result.rows[result.rows.length - 1]!.global_position;
    }
    return { ops: count, seconds: seconds(start) };
  }

  async close(): Promise<void> {
    await this.connected.catch(() => undefined);
    await this.client.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`).catch(() => undefined);
    await this.client.end();
  }
}

/** The KurrentDB client alone: one event per append, 1,000 events per append, and a filtered `$all` read. */
export class KurrentDbBaseline implements RawBaseline {
  readonly name = 'kurrentdb';
  readonly describe = {
    single: 'KurrentDB client appendToStream of one event per call',
    bulk: 'KurrentDB client appendToStream of 1,000 events a call',
    read: 'KurrentDB client readAll of the same events, filtered by stream prefix',
  };
  private readonly client: KurrentDBClient;
  private readonly prefix = `bench-raw-${Date.now().toString(36)}-${process.pid}`;
  private runs = 0;
  private lastPrefix = '';

  constructor(connectionString: string) {
    this.client = KurrentDBClient.connectionString(connectionString);
  }

  private events(rows: readonly RawRow[]) {
    return rows.map((r) => ({ streamId: r.streamId, event: jsonEvent({ id: randomUUID(), type: r.type, data: JSON.parse(r.data) as JSONType, metadata: JSON.parse(r.metadata) as JSONType }) }));
  }

  async singleRowTransactions(rows: readonly RawRow[]): Promise<Timing> {
    const prefix = `${this.prefix}-${this.runs++}-`;
    const events = this.events(rows);
    const start = now();
    for (const e of events) await this.client.appendToStream(`${prefix}${e.streamId}`, e.event);
    return { ops: rows.length, seconds: seconds(start) };
  }

  async bulkInsert(rows: readonly RawRow[]): Promise<Timing> {
    const prefix = `${this.prefix}-${this.runs++}-`;
    const events = this.events(rows);
    const start = now();
    for (let i = 0; i < events.length; ) {
      const streamId = events[i]!.streamId;
      const chunk = [];
      while (i < events.length && events[i]!.streamId === streamId && chunk.length < 1000) chunk.push(events[i++]!.event);
      await this.client.appendToStream(`${prefix}${streamId}`, chunk);
    }
    this.lastPrefix = prefix;
    return { ops: rows.length, seconds: seconds(start) };
  }

  async readAll(): Promise<Timing> {
    const start = now();
    let count = 0;
    const filter = streamNameFilter({ prefixes: [this.lastPrefix] });
    for await (const resolved of this.client.readAll({ fromPosition: START, direction: FORWARDS, filter })) if (resolved.event) count++;
    return { ops: count, seconds: seconds(start) };
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}
