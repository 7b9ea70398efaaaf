import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { type EventStore, organizationStreamId } from '@learner-ledger/core';
import { now, seconds, type Rate } from './measure.js';
import { COLUMNS, PG_TABLE, type RawRow, SQLITE_TABLE, toRawRow } from './raw.js';

/** The rows one organization's commands wrote, one group per command (its events, in order), setup left out. */
export const commandGroups = async (store: EventStore, orgId: string, skip: number): Promise<RawRow[][]> => {
  const groups = new Map<string, RawRow[]>();
  let fromVersion = skip + 1;
  for (;;) {
    const read = await store.readStream(organizationStreamId(orgId), { fromVersion, maxCount: 10_000 });
    for (const event of read.events) {
      const commandId = (event.metadata as { commandId: string }).commandId;
      const group = groups.get(commandId) ?? [];
      group.push(toRawRow(event));
      groups.set(commandId, group);
    }
    if (read.events.length < 10_000) break;
    fromVersion += read.events.length;
  }
  return [...groups.values()];
};

const rowsIn = (groups: readonly (readonly RawRow[])[]) => groups.reduce((n, g) => n + g.length, 0);

/**
 * pg alone, one transaction per command (one multi-row INSERT each, in
 * autocommit), from `connections` connections taking commands from one queue:
 * what the server does for independent writers without the ledger.
 */
export const pgTransactionPerCommand = async (url: string, groups: readonly (readonly RawRow[])[], connections: number): Promise<Rate> => {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const schema = `bench_tx_${process.pid}`;
  const table = `${schema}.events`;
  const clients = Array.from({ length: connections }, () => new pg.Client({ connectionString: url }));
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(PG_TABLE(table));
    await Promise.all(clients.map((c) => c.connect()));
    let next = 0;
    const start = now();
    await Promise.all(
      clients.map(async (client) => {
        for (;;) {
          const group = groups[next++];
          if (!group) return;
          const values: unknown[] = [];
          const tuples = group.map((r, j) => {
            values.push(r.eventId, r.streamId, r.streamVersion, r.type, r.schemaVersion, r.data, r.metadata);
            const b = j * 7;
            return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`;
          });
          await client.query(`INSERT INTO ${table} (${COLUMNS}) VALUES ${tuples.join(', ')}`, values);
        }
      }),
    );
    const elapsed = seconds(start);
    return { ops: rowsIn(groups), seconds: elapsed, perSecond: rowsIn(groups) / elapsed, runs: 1 };
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.end();
  }
};

/** better-sqlite3 alone, one transaction per command, in a fresh WAL file with the given `synchronous`. */
export const sqliteTransactionPerCommand = (groups: readonly (readonly RawRow[])[], synchronous: 'NORMAL' | 'FULL'): Rate => {
  const dir = mkdtempSync(join(tmpdir(), 'll-bench-tx-'));
  const db = new Database(join(dir, 'raw.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.exec(SQLITE_TABLE);
    const insert = db.prepare(`INSERT INTO events (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    const one = db.transaction((group: readonly RawRow[]) => {
      for (const r of group) insert.run(r.eventId, r.streamId, r.streamVersion, r.type, r.schemaVersion, r.data, r.metadata);
    });
    const start = now();
    for (const group of groups) one.immediate(group);
    const elapsed = seconds(start);
    return { ops: rowsIn(groups), seconds: elapsed, perSecond: rowsIn(groups) / elapsed, runs: 1 };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
};
