import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { chainDigest, createLedger, InMemoryEventStore, organizationStreamId, proveEvent, verifyChain, verifyEventProof, type StoredEvent } from '@learner-ledger/core';
import { adminContext, randomHistory } from '@learner-ledger/core/testing';
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
    expect(store.database.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
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
    const second = openSqliteEventStore({ path: file, busyTimeoutMs: 1234, walAutocheckpointPages: 16_384 });
    expect(second.database.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(second.database.pragma('wal_autocheckpoint', { simple: true })).toBe(16_384);
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => openSqliteEventStore({ path: file, walAutocheckpointPages: bad })).toThrow(/walAutocheckpointPages must be a whole number of pages/);
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

  it('upgrades a file of version 2 by moving each chain link out of the metadata into its own column: the chain verifies, digests and proofs stay, readers see the same events', async () => {
    // A log as version 2 wrote it: the link inside the metadata JSON, behind events written before the chain (anchored).
    const orgId = 'acme-links';
    const memory = new InMemoryEventStore();
    const history = randomHistory(orgId, 7, 12);
    for (const [i, command] of history.entries()) await createLedger({ store: memory, snapshots: false, chain: i >= 3 }).execute(command, adminContext());
    const written = (await memory.readStream(organizationStreamId(orgId))).events;
    const digestBefore = await chainDigest(memory, orgId);
    expect(digestBefore._tag).toBe('Right');
    const file = temp.file('links-in-metadata.db');
    const old = new Database(file);
    runMigrations(old, { file, component: 'events', migrations: eventLogMigrations.slice(0, 2) });
    const insert = old.prepare('INSERT INTO ll_events (position, stream_id, stream_version, event_id, type, schema_version, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (const e of written) insert.run(Number(e.globalPosition), e.streamId, e.streamVersion, e.eventId, e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.metadata));
    // A row whose metadata is not JSON (a hand edit) is left as it is, and does not stop the upgrade.
    insert.run(written.length + 1, 'other', 1, 'x', 'Broken', 1, '{}', '{"chain": not json');
    old.close();

    const store = openSqliteEventStore({ path: file });
    try {
      expect(schemaVersionOf(store.database, 'events')).toBe(latestVersion(eventLogMigrations));
      const raw = store.database.prepare<[], { metadata: string; chain: string | null; stream_id: string }>('SELECT stream_id, metadata, chain FROM ll_events ORDER BY position').all();
      const ours = raw.filter((row) => row.stream_id !== 'other');
      expect(ours.some((row) => 'chain' in JSON.parse(row.metadata))).toBe(false);
      expect(ours.filter((row) => row.chain !== null)).toHaveLength(written.filter((e) => 'chain' in (e.metadata as object)).length);
      expect(raw.find((row) => row.stream_id === 'other')).toEqual({ stream_id: 'other', metadata: '{"chain": not json', chain: null });
      // Every event reads as it was written, its link (parsed from its column) where it was.
      const read = (await store.readStream(organizationStreamId(orgId))).events;
      const asAppended = (e: StoredEvent) => ({ ...e, metadata: e.link === undefined ? e.metadata : { ...(e.metadata as object), chain: JSON.parse(e.link) }, link: undefined });
      expect(read.map(asAppended)).toEqual(written.map((e) => ({ ...e, link: undefined })));
      const verification = await verifyChain(store, orgId);
      expect(verification.mismatch).toBeUndefined();
      expect(verification.unchainedEvents).toBeGreaterThan(0);
      const digest = await chainDigest(store, orgId);
      expect(digest).toEqual(digestBefore);
      // A proof taken after the upgrade checks against the digest taken before it, and shows the event as it was appended.
      const proof = await proveEvent(store, orgId, read.length, { digest: digestBefore._tag === 'Right' ? digestBefore.right : undefined });
      expect(proof._tag === 'Right' && proof.right.event.metadata).toEqual(written[read.length - 1]!.metadata);
      expect(proof._tag === 'Right' && digestBefore._tag === 'Right' && verifyEventProof(proof.right, digestBefore.right)._tag).toBe('Right');
      // The ledger goes on chaining after the upgraded events.
      const ledger = createLedger({ store, snapshots: false });
      for (const command of randomHistory(orgId, 8, 4).slice(3)) await ledger.execute(command, adminContext());
      const after = await verifyChain(store, orgId);
      expect(after.mismatch).toBeUndefined();
      expect(after.head.streamVersion).toBeGreaterThan(read.length);
    } finally {
      await store.close();
    }
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
