import { execFileSync } from 'node:child_process';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { dirname, parse } from 'node:path';
import { StoreUnavailableError, WrongExpectedVersionError } from '@learner-ledger/core';
import { SqliteStoreError, openSqliteEventStore } from '../src/index.js';
import { holdWriteLock, startWriter } from './processes.js';
import { temporaryDirectory } from './support.js';

const event = (n: number, size = 10) => ({ eventId: `e-${n}`, type: 'ConditionTested', schemaVersion: 1, data: { n, padding: 'x'.repeat(size) }, metadata: { n } });

type Reported = { name: string; reason: string; message: string } | null;

/** Every directory above `path` lets other users through, so an unprivileged process can reach it. */
const reachableByOthers = (path: string): boolean => {
  for (let dir = path; ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === parse(dir).root) return true;
  }
};

/**
 * Tries to open a write-protected file for writing and append, returning the error.
 * File permissions do not bind root, so as root the attempt is made from a process
 * running as an unprivileged user when it can reach the sources, else against an
 * immutable file (chattr +i), which binds root too.
 */
const writeThroughReadOnlyFile = async (file: string, dir: string): Promise<Reported> => {
  const attemptHere = async (): Promise<Reported> => {
    try {
      const store = openSqliteEventStore({ path: file });
      await store.appendToStream('s', [event(2)]);
      await store.close();
      return null;
    } catch (error) {
      return error as SqliteStoreError;
    }
  };
  if (process.getuid?.() !== 0) return attemptHere();
  if (reachableByOthers(__dirname)) {
    chmodSync(dir, 0o755);
    const probe = startWriter(['probe-read-only', file, 'probe', '0'], { uid: 65534, gid: 65534 });
    return ((await probe.report) as { error: Reported }).error;
  }
  execFileSync('chattr', ['+i', file]);
  try {
    return await attemptHere();
  } finally {
    execFileSync('chattr', ['-i', file]);
  }
};

describe('sqlite store under bad conditions', () => {
  const temp = temporaryDirectory();
  afterAll(() => temp.remove());

  it('waits for another process that holds the write lock, within the busy timeout', async () => {
    const file = temp.file('wait.db');
    const store = openSqliteEventStore({ path: file, busyTimeoutMs: 10_000 });
    // The holder lets go 300 ms after the marker appears, and the marker is written after `started`: so the
    // append starts while the lock is held, and (waiting, not failing) finishes only once the holder let go.
    const marker = temp.file('wait.marker');
    const holder = await holdWriteLock(file, { marker, holdMs: 300 });
    const started = Date.now();
    writeFileSync(marker, '');
    const result = await store.appendToStream('patient', [event(1)]);
    const finished = Date.now();
    const releasedAt = await holder.released;
    expect(started).toBeLessThan(releasedAt);
    expect(finished).toBeGreaterThanOrEqual(releasedAt);
    expect(result.nextExpectedVersion).toBe(1);
    await store.close();
  });

  it('fails a write locked out beyond the busy timeout with StoreUnavailableError; nothing is written and a re-run succeeds', async () => {
    const file = temp.file('locked.db');
    const store = openSqliteEventStore({ path: file, busyTimeoutMs: 100 });
    await store.appendToStream('a', [event(1)]);
    const holder = await holdWriteLock(file, { until: 'released' });
    const failed = store.appendMany([
      { streamId: 'a', events: [event(2)], expectedVersion: 1 },
      { streamId: 'b', events: [event(3)], expectedVersion: 'no_stream' },
    ]);
    await expect(failed).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(failed).rejects.toMatchObject({
      reason: 'busy',
      file,
      message: expect.stringMatching(/locked by another connection or process.*busy timeout of 100 ms.*nothing was written/),
    });
    // Reads are not blocked by a writer in WAL mode.
    expect(await store.headPosition()).toBe(1n);
    holder.release();
    await holder.released;
    expect((await store.readStream('b')).currentVersion).toBe(0);
    const rerun = await store.appendMany([
      { streamId: 'a', events: [event(2)], expectedVersion: 1 },
      { streamId: 'b', events: [event(3)], expectedVersion: 'no_stream' },
    ]);
    expect(rerun.map((r) => r.lastPosition)).toEqual([2n, 3n]);
    await store.close();
  });

  it('reports a full disk as StoreUnavailableError, rolls the whole batch back, and works again once there is room', async () => {
    const file = temp.file('full.db');
    const store = openSqliteEventStore({ path: file });
    await store.appendToStream('kept', [event(1)]);
    const pages = store.database.pragma('page_count', { simple: true }) as number;
    store.database.pragma(`max_page_count = ${pages + 2}`); // SQLite reports SQLITE_FULL exactly as for a full disk
    const big = Array.from({ length: 50 }, (_, i) => event(100 + i, 2000));
    const attempt = store.appendMany([
      { streamId: 'kept', events: [event(2)], expectedVersion: 1 },
      { streamId: 'bulk', events: big },
    ]);
    await expect(attempt).rejects.toBeInstanceOf(SqliteStoreError);
    await expect(attempt).rejects.toMatchObject({ reason: 'disk-full', message: expect.stringMatching(/full.*nothing was written/) });
    expect(await store.headPosition()).toBe(1n);
    expect((await store.readStream('kept')).currentVersion).toBe(1);
    expect((await store.readStream('bulk')).currentVersion).toBe(0);
    store.database.pragma('max_page_count = 1073741823');
    const retried = await store.appendMany([
      { streamId: 'kept', events: [event(2)], expectedVersion: 1 },
      { streamId: 'bulk', events: big },
    ]);
    expect(retried[1]!.nextExpectedVersion).toBe(50);
    expect(await store.headPosition()).toBe(52n);
    await store.close();
  });

  it('refuses to open a write-protected file for writing, with a message that says so', async () => {
    const file = temp.file('protected.db');
    const setup = openSqliteEventStore({ path: file });
    await setup.appendToStream('s', [event(1)]);
    await setup.close();
    chmodSync(file, 0o444);
    const reported = await writeThroughReadOnlyFile(file, temp.dir);
    expect(reported).toMatchObject({ name: 'StoreUnavailableError', reason: 'read-only' });
    expect(reported!.message).toContain(file);
    expect(reported!.message).toMatch(/read-only.*nothing was written/);
    expect(statSync(file).mode & 0o777).toBe(0o444);
    chmodSync(file, 0o644);
    const reader = openSqliteEventStore({ path: file });
    expect((await reader.readStream('s')).currentVersion).toBe(1);
    await reader.close();
  });

  it('fails every call on a closed store with a clear error, and a waiting reader resolves false', async () => {
    const store = openSqliteEventStore({ path: temp.file('closed.db') });
    const waiting = store.waitForEvents(0n, { timeoutMs: 10_000 });
    await store.close();
    expect(await waiting).toBe(false);
    await store.close(); // idempotent
    await expect(store.appendToStream('s', [event(1)])).rejects.toMatchObject({ reason: 'closed' });
    await expect(store.readAll()).rejects.toMatchObject({ reason: 'closed' });
    await expect(store.headPosition()).rejects.toMatchObject({ reason: 'closed' });
    expect(await store.waitForEvents(0n)).toBe(false);
  });

  it('backs the version check with UNIQUE (stream_id, stream_version): a row that slips in is a conflict, and nothing is written', async () => {
    const store = openSqliteEventStore({ path: ':memory:' });
    await store.appendToStream('victim', [event(1)]);
    // A writer that does not take the lock first: it claims the version this append is about to write.
    store.database.exec(`
      CREATE TEMP TRIGGER sneak BEFORE INSERT ON ll_events WHEN NEW.stream_id = 'victim' AND NEW.event_id <> 'sneaked'
      BEGIN
        INSERT INTO ll_events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
        VALUES (NEW.stream_id, NEW.stream_version, 'sneaked', 'Sneaked', 1, '{}', '{}');
      END`);
    const attempt = store.appendToStream('victim', [event(2), event(3)], { expectedVersion: 1 });
    await expect(attempt).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await expect(attempt).rejects.toMatchObject({ streamId: 'victim', expected: 1 });
    store.database.exec('DROP TRIGGER sneak');
    expect((await store.readStream('victim')).events.map((e) => e.eventId)).toEqual(['e-1']);
    expect(await store.headPosition()).toBe(1n);
    await store.close();
  });

  it('keeps ids out of the SQL text: hostile stream ids are stored and matched verbatim', async () => {
    const store = openSqliteEventStore({ path: ':memory:' });
    const hostile = ["x'); DROP TABLE ll_events; --", 'a" OR 1=1 --', '%', '_', 'learner-ledger.org-acme\u0000tail'];
    for (const streamId of hostile) await store.appendToStream(streamId, [event(1)], { expectedVersion: 'no_stream' });
    for (const streamId of hostile) {
      const read = await store.readStream(streamId);
      expect(read.events.map((e) => e.streamId)).toEqual([streamId]);
      const filtered = await store.readAll({ streamIds: [streamId] });
      expect(filtered.events.map((e) => e.streamId)).toEqual([streamId]);
    }
    await expect(store.appendToStream(hostile[0]!, [event(2)], { expectedVersion: 'no_stream' })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(await store.headPosition()).toBe(BigInt(hostile.length));
    await store.close();
  });
});
