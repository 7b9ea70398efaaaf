import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteEventStore } from '@learner-ledger/sqlite';
import { openStoreAt, parseStoreLocation } from '../src/index.js';

/** The store location's `synchronous` reaches the SQLite file the CLI opens. */
test('sqlite:<path>?synchronous=full opens the file with synchronous FULL; without it, NORMAL', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-cli-sync-'));
  try {
    const levels: number[] = [];
    for (const text of [`sqlite:${path.join(dir, 'full.db')}?synchronous=full`, `sqlite:${path.join(dir, 'normal.db')}`]) {
      const store = await openStoreAt(parseStoreLocation(text, dir));
      if (!(store instanceof SqliteEventStore)) throw new Error(`${text} did not open a SQLite store`);
      levels.push(store.database.pragma('synchronous', { simple: true }) as number);
      await store.close();
    }
    // SQLite's codes: 1 NORMAL, 2 FULL.
    expect(levels).toEqual([2, 1]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
