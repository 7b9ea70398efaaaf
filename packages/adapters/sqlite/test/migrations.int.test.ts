import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { SqliteSchemaVersionError, SqliteStoreError, eventLogMigrations, latestVersion, openSqliteEventStore, runMigrations, schemaVersionOf } from '../src/index.js';
import { temporaryDirectory } from './support.js';

const event = (n: number) => ({ eventId: `e-${n}`, type: 'MigrationTested', schemaVersion: 1, data: { n }, metadata: {} });

/** Opening must throw; returns what it threw. */
const openingFails = (options: Parameters<typeof openSqliteEventStore>[0]): SqliteStoreError => {
  try {
    openSqliteEventStore(options).close();
  } catch (error) {
    expect(error).toBeInstanceOf(SqliteStoreError);
    return error as SqliteStoreError;
  }
  throw new Error('opening should have failed');
};

describe('sqlite schema migrations', () => {
  const temp = temporaryDirectory();
  afterAll(() => temp.remove());

  it('creates the schema in a new file, in WAL mode, and records the migration', async () => {
    const file = temp.file('fresh.db');
    const store = openSqliteEventStore({ path: file });
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.database.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(store.database.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(schemaVersionOf(store.database, 'events')).toBe(latestVersion(eventLogMigrations));
    const recorded = store.database.prepare('SELECT component, version, name FROM ll_schema_migrations ORDER BY version').all();
    expect(recorded).toEqual(eventLogMigrations.map((m) => ({ component: 'events', version: m.version, name: m.name })));
    await store.close();
  });

  it('re-opens a file without migrating it again and keeps its events', async () => {
    const file = temp.file('reopen.db');
    const first = openSqliteEventStore({ path: file, synchronous: 'FULL' });
    expect(first.database.pragma('synchronous', { simple: true })).toBe(2); // FULL
    await first.appendToStream('s', [event(1), event(2)]);
    await first.close();
    const second = openSqliteEventStore({ path: file, busyTimeoutMs: 1234 });
    expect(second.database.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(second.database.prepare('SELECT COUNT(*) FROM ll_schema_migrations').pluck().get()).toBe(eventLogMigrations.length);
    expect((await second.readStream('s')).events.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
    const appended = await second.appendToStream('s', [event(3)], { expectedVersion: 2 });
    expect(appended.lastPosition).toBe(3n);
    await second.close();
  });

  it('refuses a file written by a newer schema, naming the file and both versions, and leaves it byte-for-byte unchanged', () => {
    const file = temp.file('newer.db');
    openSqliteEventStore({ path: file }).close();
    const raw = new Database(file);
    const future = latestVersion(eventLogMigrations) + 1;
    raw.prepare(`INSERT INTO ll_schema_migrations (component, version, name, applied_at) VALUES ('events', ?, 'from the future', '2031-01-01T00:00:00Z')`).run(future);
    raw.close();
    const before = readFileSync(file);
    for (const options of [{ path: file }, { path: file, readonly: true }]) {
      const error = openingFails(options);
      expect(error).toBeInstanceOf(SqliteSchemaVersionError);
      expect(error.reason).toBe('schema-too-new');
      expect(error.message).toContain(file);
      expect(error.message).toContain(`version ${future}`);
      expect(error.message).toContain(`up to version ${latestVersion(eventLogMigrations)}`);
      expect(error.message).toContain('not changed');
      expect(readFileSync(file).equals(before)).toBe(true);
    }
  });

  it('refuses a newer file that is still in rollback-journal mode without switching it to WAL', () => {
    const file = temp.file('newer-rollback.db');
    const raw = new Database(file);
    raw.exec(`CREATE TABLE ll_schema_migrations (component TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (component, version));
              INSERT INTO ll_schema_migrations VALUES ('events', 99, 'future', '2031-01-01T00:00:00Z');`);
    raw.close();
    const before = readFileSync(file);
    const error = openingFails({ path: file });
    expect(error).toBeInstanceOf(SqliteSchemaVersionError);
    expect((error as SqliteSchemaVersionError).fileVersion).toBe(99);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a file that is not a SQLite database, and leaves it alone', () => {
    const file = temp.file('people.csv');
    writeFileSync(file, 'Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active\n0001,Ada,Lovelace,ada@acme.test,E-1,Sales,TRUE\n');
    const before = readFileSync(file);
    const error = openingFails({ path: file });
    expect(error.reason).toBe('not-a-database');
    expect(error.message).toContain(file);
    expect(error.message).toContain('not a SQLite database');
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a SQLite file whose pages are garbage after a valid header', () => {
    const file = temp.file('garbage.db');
    writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(4096, 0xab)]));
    const error = openingFails({ path: file });
    expect(['not-a-database', 'corrupt']).toContain(error.reason);
    expect(error.message).toContain(file);
  });

  it('says which path cannot be opened: a missing directory, a directory instead of a file', () => {
    const inMissingDirectory = temp.file('no/such/dir/ledger.db');
    const missing = openingFails({ path: inMissingDirectory });
    expect(missing.reason).toBe('cannot-open');
    expect(missing.message).toContain(inMissingDirectory);
    const directory = openingFails({ path: temp.dir });
    expect(directory.reason).toBe('cannot-open');
    expect(directory.message).toContain('is not a file');
  });

  it('opens read-only only a file that exists and is up to date, and never writes through it', async () => {
    const missing = openingFails({ path: temp.file('missing.db'), readonly: true });
    expect(missing.reason).toBe('cannot-open');
    expect(missing.message).toContain('does not exist');

    const outdated = temp.file('outdated.db');
    new Database(outdated).exec('CREATE TABLE unrelated (x)');
    const error = openingFails({ path: outdated, readonly: true });
    expect(error.reason).toBe('schema-outdated');
    expect(error.message).toContain('version 0');

    const file = temp.file('read-only.db');
    const writer = openSqliteEventStore({ path: file });
    await writer.appendToStream('s', [event(1)]);
    await writer.close();
    const reader = openSqliteEventStore({ path: file, readonly: true });
    expect((await reader.readStream('s')).currentVersion).toBe(1);
    await expect(reader.appendToStream('s', [event(2)])).rejects.toMatchObject({ name: 'StoreUnavailableError', reason: 'read-only', message: expect.stringContaining('nothing was written') });
    expect(() => reader.transaction(() => reader.database.prepare('DELETE FROM ll_events').run())).toThrow(/read-only/);
    expect(await reader.headPosition()).toBe(1n);
    await reader.close();
  });

  it('lets another component keep its own versioned schema in the same file', () => {
    const file = temp.file('components.db');
    const store = openSqliteEventStore({ path: file });
    const migrations = [
      { version: 1, name: 'create checkpoints', up: (db: Database.Database) => db.exec('CREATE TABLE demo_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL)') },
      { version: 2, name: 'add updated_at', up: (db: Database.Database) => db.exec('ALTER TABLE demo_checkpoints ADD COLUMN updated_at TEXT') },
    ];
    expect(runMigrations(store.database, { file, component: 'demo', migrations: migrations.slice(0, 1) })).toMatchObject({ fromVersion: 0, toVersion: 1 });
    expect(runMigrations(store.database, { file, component: 'demo', migrations })).toMatchObject({ fromVersion: 1, toVersion: 2, applied: ['2 add updated_at'] });
    expect(runMigrations(store.database, { file, component: 'demo', migrations })).toMatchObject({ fromVersion: 2, toVersion: 2, applied: [] });
    expect(() => runMigrations(store.database, { file, component: 'demo', migrations: migrations.slice(0, 1) })).toThrow(SqliteSchemaVersionError);
    expect(schemaVersionOf(store.database, 'events')).toBe(latestVersion(eventLogMigrations));
    // A migration that fails leaves nothing behind.
    const broken = [...migrations, { version: 3, name: 'broken', up: (db: Database.Database) => db.exec('CREATE TABLE half_done (x); SELECT * FROM no_such_table') }];
    expect(() => runMigrations(store.database, { file, component: 'demo', migrations: broken })).toThrow(/no_such_table/);
    expect(schemaVersionOf(store.database, 'demo')).toBe(2);
    expect(store.database.prepare(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'`).pluck().get()).toBe(0);
    store.close();
  });
});
