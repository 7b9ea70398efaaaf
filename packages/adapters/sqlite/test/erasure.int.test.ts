import { readFileSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describeErasureContract } from '@learner-ledger/core/testing';
import { openSqliteEventStore } from '../src/index.js';
import { temporaryDirectory } from './support.js';

/** Every row of every table of the file, read with a connection of its own, as text (blobs as latin1). */
const rowsOf = (file: string): string => {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    return tables
      .map((table) => JSON.stringify(db.prepare(`SELECT * FROM "${table}"`).all(), (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('latin1') : value)))
      .join('\n');
  } finally {
    db.close();
  }
};

describeErasureContract('sqlite', async () => {
  const dir = temporaryDirectory('ll-erasure-');
  const file = dir.file();
  const store = await openSqliteEventStore({ path: file });
  return {
    store,
    keys: store.personalDataKeys(),
    // The rows, and the raw bytes of the file and its write-ahead log: nothing of an erased learner anywhere.
    rowsAsText: async () => [rowsOf(file), ...[file, `${file}-wal`].filter(existsSync).map((path) => readFileSync(path).toString('latin1'))].join('\n'),
    close: async () => {
      await store.close();
      dir.remove();
    },
  };
});
