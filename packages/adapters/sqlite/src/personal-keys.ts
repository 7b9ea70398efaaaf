import type { Statement } from 'better-sqlite3';
import { newPersonalKey, type PersonalDataKeys } from '@learner-ledger/core';
import { describeSqliteFailure, SqliteStoreError } from './errors.js';
import { PERSONAL_KEYS_COMPONENT, personalKeyMigrations, runMigrations } from './schema/migrations.js';
import type { SqliteEventStore } from './store.js';

/** Learner ids per statement: well under SQLite's limit of bound parameters. */
const CHUNK = 500;

const chunks = <T>(items: readonly T[]): T[][] => {
  const result: T[][] = [];
  for (let at = 0; at < items.length; at += CHUNK) result.push(items.slice(at, at + CHUNK));
  return result;
};

/**
 * Learners' personal-data keys in the event store's file (`ll_personal_keys`).
 * Shredding sets the key to NULL with `secure_delete` on and checkpoints the
 * write-ahead log, so the key's bytes are overwritten in the file and leave
 * the WAL. Use {@link SqliteEventStore.personalDataKeys}.
 */
export class SqlitePersonalDataKeys implements PersonalDataKeys {
  private readonly selects = new Map<number, Statement>();
  /** Statements prepared once, on first use (a read-only file before the key table has none to prepare). */
  private readonly prepared = new Map<string, Statement>();
  /** A read-only file written before the key table has no keys: nothing in it is sealed. */
  private readonly hasTable: boolean;

  constructor(private readonly store: SqliteEventStore) {
    this.hasTable = store.database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'll_personal_keys'").get() !== undefined;
  }

  private statement(sql: string): Statement {
    let statement = this.prepared.get(sql);
    if (!statement) this.prepared.set(sql, (statement = this.store.database.prepare(sql)));
    return statement;
  }

  private get insert(): Statement {
    return this.statement('INSERT OR IGNORE INTO ll_personal_keys (org_id, learner_id, key, created_at) VALUES (?, ?, ?, ?)');
  }

  /** The insert that returns the key it wrote (nothing when a row was there: another writer's key, or a shredded one). */
  private get make(): Statement {
    return this.statement('INSERT OR IGNORE INTO ll_personal_keys (org_id, learner_id, key, created_at) VALUES (?, ?, ?, ?) RETURNING key');
  }

  private get shredOne(): Statement {
    return this.statement('UPDATE ll_personal_keys SET key = NULL, shredded_at = ? WHERE org_id = ? AND learner_id = ?');
  }

  private select(count: number): Statement {
    let statement = this.selects.get(count);
    if (!statement) {
      statement = this.store.database.prepare(`SELECT learner_id, key FROM ll_personal_keys WHERE org_id = ? AND key IS NOT NULL AND learner_id IN (${Array(count).fill('?').join(', ')})`);
      this.selects.set(count, statement);
    }
    return statement;
  }

  private read(orgId: string, learnerIds: readonly string[]): Map<string, Uint8Array> {
    const found = new Map<string, Uint8Array>();
    if (!this.hasTable) return found;
    for (const part of chunks([...new Set(learnerIds)])) {
      for (const row of this.select(part.length).all(orgId, ...part) as { learner_id: string; key: Buffer }[]) found.set(row.learner_id, new Uint8Array(row.key));
    }
    return found;
  }

  private writable(action: string): void {
    if (this.store.readonly) throw new SqliteStoreError('read-only', this.store.file, `${this.store.file} was opened read-only; ${action}`);
  }

  async keysOf(orgId: string, learnerIds: readonly string[]): Promise<ReadonlyMap<string, Uint8Array>> {
    try {
      return this.read(orgId, learnerIds);
    } catch (error) {
      throw describeSqliteFailure(error, this.store.file, { action: `reading the personal-data keys of ${orgId}`, busyTimeoutMs: this.store.busyTimeoutMs, wroteNothing: true });
    }
  }

  async ensureKeys(orgId: string, learnerIds: readonly string[]): Promise<ReadonlyMap<string, Uint8Array>> {
    const found = await this.keysOf(orgId, learnerIds);
    const missing = [...new Set(learnerIds)].filter((learnerId) => !found.has(learnerId));
    if (missing.length === 0) return found;
    this.writable('no personal-data key can be made');
    try {
      const now = new Date().toISOString();
      // INSERT OR IGNORE: a key another writer made first, or a shredded one, is kept as it is; the keys written come back.
      const make = this.make;
      const made = new Map(found);
      const unseen: string[] = [];
      this.store.transaction(() => {
        for (const learnerId of missing) {
          const row = make.get(orgId, learnerId, newPersonalKey(), now) as { key: Buffer } | undefined;
          if (row) made.set(learnerId, new Uint8Array(row.key));
          else unseen.push(learnerId);
        }
      });
      // Another writer's keys (and no shredded one) are read: those learners were not inserted here.
      for (const [learnerId, key] of this.read(orgId, unseen)) made.set(learnerId, key);
      return made;
    } catch (error) {
      throw describeSqliteFailure(error, this.store.file, { action: `making personal-data keys in ${orgId}`, busyTimeoutMs: this.store.busyTimeoutMs, wroteNothing: true });
    }
  }

  async shred(orgId: string, learnerIds: readonly string[]): Promise<void> {
    this.writable('no personal-data key can be shredded');
    const db = this.store.database;
    try {
      const now = new Date().toISOString();
      db.pragma('secure_delete = ON');
      const [insert, shredOne] = [this.insert, this.shredOne];
      this.store.transaction(() => {
        for (const learnerId of learnerIds) {
          insert.run(orgId, learnerId, null, now);
          shredOne.run(now, orgId, learnerId);
        }
      });
      // The key's old page may still be in the write-ahead log: copy it back into the file and empty the log.
      db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (error) {
      throw describeSqliteFailure(error, this.store.file, { action: `shredding personal-data keys in ${orgId}`, busyTimeoutMs: this.store.busyTimeoutMs, wroteNothing: false });
    }
  }
}

/** Brings the key table of the store's file up to date and returns its keys (on a read-only store: reads only). */
export const createSqlitePersonalDataKeys = (store: SqliteEventStore): SqlitePersonalDataKeys => {
  if (!store.readonly) {
    try {
      runMigrations(store.database, { file: store.file, component: PERSONAL_KEYS_COMPONENT, migrations: personalKeyMigrations });
    } catch (error) {
      throw describeSqliteFailure(error, store.file, { action: 'creating the personal-data key table', busyTimeoutMs: store.busyTimeoutMs, wroteNothing: true });
    }
  }
  return new SqlitePersonalDataKeys(store);
};
