import { StoreUnavailableError } from '@learner-ledger/core';
import type { PostgresEventStore } from '../src/index.js';
import { freshStore } from './support.js';

describe('postgres store transactions for tables next to the events', () => {
  let store: PostgresEventStore;
  let table: string;
  beforeAll(async () => {
    store = await freshStore('ll_test_transaction', { maxConnections: 2 });
    table = `${store.names.quotedSchema}.read_model`;
    await store.pool.query(`CREATE TABLE ${table} (id text PRIMARY KEY, value integer NOT NULL)`);
  });
  afterAll(() => store.close());

  const rows = async () => (await store.pool.query(`SELECT id, value FROM ${table} ORDER BY id`)).rows;

  it('commits what the work wrote and returns its result', async () => {
    const result = await store.withTransaction(async (client) => {
      await client.query(`INSERT INTO ${table} VALUES ('a', 1), ('b', 2)`);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await rows()).toEqual([{ id: 'a', value: 1 }, { id: 'b', value: 2 }]);
  });

  it('rolls back everything when the work throws, and passes the error on', async () => {
    const failing = store.withTransaction(async (client) => {
      await client.query(`UPDATE ${table} SET value = 100`);
      throw new Error('projection failed');
    });
    await expect(failing).rejects.toThrow('projection failed');
    await expect(store.withTransaction((client) => client.query(`INSERT INTO ${table} VALUES ('a', 9)`))).rejects.toThrow(/duplicate key/);
    expect(await rows()).toEqual([{ id: 'a', value: 1 }, { id: 'b', value: 2 }]);
  });

  it('always gives the connection back, so a small pool never runs dry', async () => {
    for (let i = 0; i < 10; i++) {
      await store.withTransaction(async () => Promise.reject(new Error(`failure ${i}`))).catch(() => undefined);
    }
    expect(store.pool.waitingCount).toBe(0);
    expect(store.pool.totalCount).toBeLessThanOrEqual(2);
    expect(store.pool.idleCount).toBe(store.pool.totalCount);
    await store.withTransaction((client) => client.query('SELECT 1'));
  });

  it('says the transaction was rolled back when its connection is lost', async () => {
    const lost = store.withTransaction(async (client) => {
      await client.query(`UPDATE ${table} SET value = 100`);
      await client.query('SELECT pg_terminate_backend(pg_backend_pid())');
    });
    await expect(lost).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(lost).rejects.toThrow(/postgres store: connection to PostgreSQL at .* lost during a transaction .*; it was rolled back, nothing was written/);
    expect(await rows()).toEqual([{ id: 'a', value: 1 }, { id: 'b', value: 2 }]);
  });
});
