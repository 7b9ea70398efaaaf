import { randomUUID } from 'node:crypto';
import { StoreUnavailableError, type NewStoredEvent } from '@learner-ledger/core';
import { openPostgresEventStore, type PostgresEventStore } from '../src/index.js';
import { type CuttableProxy, dropSchema, freshStore, sleep, startProxy, withClient } from './support.js';

const event = (n: number): NewStoredEvent => ({
  eventId: randomUUID(),
  type: 'LearnerRegistered',
  schemaVersion: 1,
  data: { n, email: `learner${n}@acme.test`, note: 'x'.repeat(200) },
  metadata: { line: n },
});

/**
 * A connection that dies in the middle of a multi-row append. To stop the
 * writer at a known point, another transaction holds an uncommitted row at
 * the position the writer's 300th event will take: the writer inserts 299
 * rows, then waits on that row, and is terminated while it waits.
 */
const terminateMidAppend = async (schema: string, copyThreshold: number): Promise<void> => {
  const store = await freshStore(schema, { copyThreshold });
  try {
    await store.appendToStream('org-before', [event(0)]);
    const head = await store.headPosition();
    const streamId = `org-${schema}`;
    const batch = Array.from({ length: 1000 }, (_, i) => event(i + 1));
    await withClient(async (blocker) => {
      await blocker.query('BEGIN');
      await blocker.query(
        `INSERT INTO ${store.names.events} (global_position, stream_id, stream_version, event_id, type, schema_version, data, metadata)
         VALUES ($1, 'blocker', 1, 'blocker', 'Blocker', 1, '{}', '{}')`,
        [(head + 300n).toString()],
      );
      const appending = store.appendToStream(streamId, batch, { expectedVersion: 'no_stream' }).then(
        () => undefined,
        (error: unknown) => error,
      );
      const pid = await waitForBlockedWriter(blocker, schema);
      const { rows } = await blocker.query<{ terminated: boolean }>('SELECT pg_terminate_backend($1) AS terminated', [pid]);
      expect(rows[0]!.terminated).toBe(true);
      const error = await appending;
      await blocker.query('ROLLBACK');
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toMatch(/connection to PostgreSQL at .* lost during the append of 1000 event\(s\) to stream org-/);
      expect((error as Error).message).toMatch(/rolled back, nothing was written/);
    });
    // Nothing of the batch is in the log, the head did not move.
    expect(await store.headPosition()).toBe(head);
    expect((await store.readStream(streamId)).currentVersion).toBe(0);
    expect((await store.readAll({ after: head })).events).toEqual([]);
    // The same append, run again on the same store, succeeds in full.
    const retry = await store.appendToStream(streamId, batch, { expectedVersion: 'no_stream' });
    expect(retry.nextExpectedVersion).toBe(1000);
    expect(retry.firstPosition).toBe(head + 1n);
    const read = await store.readStream(streamId);
    expect(read.events.map((e) => e.eventId)).toEqual(batch.map((e) => e.eventId));
  } finally {
    await store.close();
  }
};

/** The pid of the store's backend once it is mid-append: holding rows in `events` and waiting on the blocker. */
/** Waits until another session waits for a lock the blocker holds (the log head's row). */
const waitForWriterOnTheHead = async (blocker: import('pg').Client): Promise<void> => {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    const { rows } = await blocker.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database() AND pg_backend_pid() = ANY(pg_blocking_pids(pid))`,
    );
    if (rows[0]) return;
    await sleep(10);
  }
  throw new Error('the writer never waited for the log head');
};

const waitForBlockedWriter = async (client: import('pg').Client, schema: string): Promise<number> => {
  // Up to 30 s: on a busy machine the writer's connection and its first 299 rows can take a while.
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT a.pid FROM pg_stat_activity a
        WHERE a.pid <> pg_backend_pid() AND a.datname = current_database() AND a.wait_event_type = 'Lock'
          AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.relation = $1::regclass AND l.mode = 'RowExclusiveLock')`,
      [`"${schema}".events`],
    );
    if (rows[0]) return rows[0].pid;
    await sleep(10);
  }
  const { rows } = await client.query(`SELECT pid, state, wait_event_type, wait_event, left(query, 60) AS query FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database()`);
  throw new Error(`the writer never reached the blocked row: ${JSON.stringify(rows)}`);
};

describe('postgres store when the connection is lost', () => {
  it('rolls back a one-statement multi-row append whose backend is terminated, says nothing was written, and a retry succeeds', async () => {
    await terminateMidAppend('ll_test_terminate', 100_000);
  });

  it('rolls back a COPY append whose backend is terminated, says nothing was written, and a retry succeeds', async () => {
    await terminateMidAppend('ll_test_terminate_copy', 1);
  });

  it('keeps working after the server drops its idle connections', async () => {
    const store = await freshStore('ll_test_idle_drop', { maxConnections: 2 });
    try {
      await store.appendToStream('org-idle', [event(1)]);
      await withClient((client) =>
        client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND application_name = 'learner-ledger' AND query LIKE '%ll_test_idle_drop%'`),
      );
      await sleep(50);
      // The first call may meet a dead connection; it then fails cleanly and the next one runs on a new connection.
      let result = await store.appendToStream('org-idle', [event(2)], { expectedVersion: 1 }).catch((error: unknown) => error);
      if (result instanceof StoreUnavailableError) {
        expect(result.message).toMatch(/nothing was written/);
        result = await store.appendToStream('org-idle', [event(2)], { expectedVersion: 1 });
      }
      expect(result).toMatchObject({ nextExpectedVersion: 2 });
      expect((await store.readStream('org-idle')).currentVersion).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('gives up on a locked log after the lock timeout, writes nothing, and succeeds once the lock is gone', async () => {
    const store = await freshStore('ll_test_locked', { lockTimeoutMs: 300 });
    try {
      await store.appendToStream('org-locked', [event(1)]);
      await withClient(async (other) => {
        await other.query('BEGIN');
        await other.query(`LOCK TABLE ${store.names.logHead} IN EXCLUSIVE MODE`);
        const failure = await store.appendToStream('org-locked', [event(2)], { expectedVersion: 1 }).catch((error: unknown) => error);
        await other.query('ROLLBACK');
        expect(failure).toBeInstanceOf(StoreUnavailableError);
        expect((failure as Error).message).toMatch(/the append of 1 event\(s\) to stream org-locked failed on PostgreSQL at .*: canceling statement due to lock timeout; the transaction was rolled back, nothing was written/);
      });
      expect((await store.readStream('org-locked')).currentVersion).toBe(1);
      expect((await store.appendToStream('org-locked', [event(2)], { expectedVersion: 1 })).nextExpectedVersion).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('fails to open with a clear error when the server cannot be reached', async () => {
    const opening = openPostgresEventStore({ connectionString: 'postgres://nobody:secret@127.0.0.1:1/ledger', schema: 'll_unreachable', connectionTimeoutMs: 2000 });
    await expect(opening).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(opening).rejects.toThrow(/postgres store: cannot connect to PostgreSQL at 127\.0\.0\.1:1\/ledger: .*ECONNREFUSED/);
    await expect(opening).rejects.not.toThrow(/secret/);
  });

  it('says the store is unavailable while the network is down, and works again once it is back', async () => {
    await dropSchema('ll_test_network');
    const proxy = await startProxy();
    const store = await openPostgresEventStore({ connectionString: proxy.url, schema: 'll_test_network', connectionTimeoutMs: 2000 });
    try {
      await store.appendToStream('org-network', [event(1)]);
      await proxy.cut();
      await sleep(50); // let the pool notice its connections are gone
      const failure = await store.appendToStream('org-network', [event(2)], { expectedVersion: 1 }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StoreUnavailableError);
      expect((failure as Error).message).toMatch(/PostgreSQL at 127\.0\.0\.1:\d+\/postgres.*nothing was written/);
      await expect(store.readStream('org-network')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.readAll()).rejects.toThrow(/postgres store: reading the log after position 0 failed on PostgreSQL at/);
      await proxy.restore();
      const retry = await store.appendToStream('org-network', [event(2)], { expectedVersion: 1 });
      expect(retry.nextExpectedVersion).toBe(2);
    } finally {
      await store.close();
      await proxy.close();
    }
  });

  const loseTheAnswer = async (schema: string, copyThreshold: number): Promise<{ outcome: unknown; batch: NewStoredEvent[]; head: bigint; store: PostgresEventStore; proxy: CuttableProxy }> => {
    await dropSchema(schema);
    const proxy = await startProxy();
    const store = await openPostgresEventStore({ connectionString: proxy.url, schema, copyThreshold });
    const head = await store.headPosition();
    const batch = Array.from({ length: 1000 }, (_, i) => event(i + 1));
    const outcome = await withClient(async (blocker) => {
      await blocker.query('BEGIN');
      await blocker.query(
        `INSERT INTO ${store.names.events} (global_position, stream_id, stream_version, event_id, type, schema_version, data, metadata)
         VALUES ($1, 'blocker', 1, 'blocker', 'Blocker', 1, '{}', '{}')`,
        [(head + 300n).toString()],
      );
      const appending = store.appendToStream('org-lost-answer', batch, { expectedVersion: 'no_stream' }).catch((error: unknown) => error);
      await waitForBlockedWriter(blocker, schema);
      // The client loses its connection while the server side waits on the blocker.
      await proxy.cut();
      await proxy.restore();
      await sleep(200);
      await blocker.query('ROLLBACK');
      return appending;
    });
    return { outcome, batch, head, store, proxy };
  };

  it('finds out that a one-statement append committed after all when the network failed before the answer came back', async () => {
    // The server does not notice the lost client while it runs the statement, so it commits.
    const { outcome, batch, head, store, proxy } = await loseTheAnswer('ll_test_lost_answer', 100_000);
    try {
      expect(outcome).toMatchObject({ nextExpectedVersion: 1000, createdNewStream: true, firstPosition: head + 1n, lastPosition: head + 1000n });
      const read = await store.readStream('org-lost-answer');
      expect(read.events.map((e) => e.eventId)).toEqual(batch.map((e) => e.eventId));
    } finally {
      await store.close();
      await proxy.close();
    }
  });

  it('finds out that a COPY append did not commit when the network failed before its rows were sent', async () => {
    // The append's message waits for the log head's row, held by another transaction; its rows go out only once the
    // server asks for them, so when the connection is cut first the server never gets them and rolls back.
    const schema = 'll_test_lost_copy';
    await dropSchema(schema);
    const proxy = await startProxy();
    const store = await openPostgresEventStore({ connectionString: proxy.url, schema, copyThreshold: 1 });
    try {
      const head = await store.headPosition();
      const batch = Array.from({ length: 1000 }, (_, i) => event(i + 1));
      const outcome = await withClient(async (blocker) => {
        await blocker.query('BEGIN');
        await blocker.query(`SELECT position FROM ${store.names.logHead} WHERE id FOR UPDATE`);
        const appending = store.appendToStream('org-lost-answer', batch, { expectedVersion: 'no_stream' }).catch((error: unknown) => error);
        await waitForWriterOnTheHead(blocker);
        await proxy.cut();
        await proxy.restore();
        await sleep(200);
        await blocker.query('ROLLBACK');
        return appending;
      });
      expect(outcome).toBeInstanceOf(StoreUnavailableError);
      expect((outcome as Error).message).toMatch(/lost during the append of 1000 event\(s\) to stream org-lost-answer .*rolled back, nothing was written/);
      expect(await store.headPosition()).toBe(head);
      expect((await store.readStream('org-lost-answer')).currentVersion).toBe(0);
    } finally {
      await store.close();
      await proxy.close();
    }
  });

  it('answers a COPY append cut in the middle of its rows as what happened: all of it committed, or nothing', async () => {
    // The commit travels with the rows: whether the server got every row before the cut depends on the sockets'
    // buffers, so either outcome is right; what the store answers must be what the log holds.
    const { outcome, batch, head, store, proxy } = await loseTheAnswer('ll_test_lost_copy_rows', 1);
    try {
      const read = await store.readStream('org-lost-answer');
      if (outcome instanceof Error) {
        expect(outcome).toBeInstanceOf(StoreUnavailableError);
        expect(outcome.message).toMatch(/lost during the append of 1000 event\(s\) to stream org-lost-answer .*rolled back, nothing was written/);
        expect(await store.headPosition()).toBe(head);
        expect(read.currentVersion).toBe(0);
      } else {
        expect(outcome).toMatchObject({ nextExpectedVersion: 1000, createdNewStream: true, firstPosition: head + 1n, lastPosition: head + 1000n });
        expect(read.events.map((e) => e.eventId)).toEqual(batch.map((e) => e.eventId));
      }
    } finally {
      await store.close();
      await proxy.close();
    }
  });
});
