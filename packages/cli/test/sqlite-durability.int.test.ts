import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteEventStore } from '@learner-ledger/sqlite';
import { BULK_WAL_AUTOCHECKPOINT_PAGES, forBulkWrites, openStoreAt, parseStoreLocation, runCli, type StoreLocation } from '../src/index.js';

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

/** An import writes in bulk: its SQLite file checkpoints the WAL every 64 MB, where every other command keeps SQLite's 4 MB. */
test('import and process-due open a SQLite file with fewer, larger WAL checkpoints; other commands do not', async () => {
  expect(forBulkWrites({ kind: 'sqlite', path: '/x.db' })).toEqual({ kind: 'sqlite', path: '/x.db', walAutocheckpointPages: BULK_WAL_AUTOCHECKPOINT_PAGES });
  expect(forBulkWrites({ kind: 'sqlite', path: '/x.db', walAutocheckpointPages: 50 })).toEqual({ kind: 'sqlite', path: '/x.db', walAutocheckpointPages: 50 });
  expect(forBulkWrites({ kind: 'memory' })).toEqual({ kind: 'memory' });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-cli-wal-'));
  try {
    const file = path.join(dir, 'ledger.db');
    const opened: { location: StoreLocation; pages: number }[] = [];
    let out = '';
    const run = async (...argv: string[]) => {
      out = '';
      const code = await runCli(['--store', file, ...argv], {
        stdout: (text) => {
          out += text;
        },
        stderr: () => undefined,
        env: {},
        cwd: dir,
        stderrIsTTY: false,
        clock: () => '2026-03-02T09:00:00.000Z',
        openStore: async (location: StoreLocation) => {
          const store = await openStoreAt(location);
          if (!(store instanceof SqliteEventStore)) throw new Error('not a SQLite store');
          opened.push({ location, pages: store.database.pragma('wal_autocheckpoint', { simple: true }) as number });
          return store;
        },
      });
      return { code, json: () => JSON.parse(out) };
    };
    expect((await run('org', 'create', 'acme', '--name', 'Acme', '--seats', '5')).code).toBe(0);
    expect((await run('team', 'create', 'acme', 'Sales')).code).toBe(0);
    const csv = path.join(dir, 'sales.csv');
    fs.writeFileSync(csv, 'Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active\n0001,Ada,Lovelace,ada@acme.test,,Sales,TRUE\n');
    expect((await run('import', 'acme', csv, '--format', 'data-services', '--team', 'Sales')).code).toBe(0);
    expect((await run('process-due')).code).toBe(0);
    expect((await run('report', 'licenses', 'acme', '--json')).json().inUse).toBe(1);
    expect(opened.map((o) => o.pages)).toEqual([1000, 1000, BULK_WAL_AUTOCHECKPOINT_PAGES, BULK_WAL_AUTOCHECKPOINT_PAGES, 1000]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
