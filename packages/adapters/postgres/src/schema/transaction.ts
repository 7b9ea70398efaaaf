import { StoreUnavailableError } from '@learner-ledger/core';
import type pg from 'pg';
import { STORE_NAME, isConnectionLost, isServerBusy, messageOf } from './errors.js';

/**
 * Runs `work` in one READ COMMITTED transaction on one pooled connection:
 * COMMIT when it resolves, ROLLBACK when it throws, and the connection always
 * goes back to the pool (or is discarded when it broke).
 */
export const withTransaction = async <T>(pool: pg.Pool, target: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw new StoreUnavailableError(STORE_NAME, `could not get a connection to ${target} (${messageOf(error)}); the transaction was not started, nothing was written`, error);
  }
  let broken = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    const result = await work(client);
    try {
      await client.query('COMMIT');
    } catch (error) {
      if (!isConnectionLost(error)) throw error;
      broken = true;
      throw new StoreUnavailableError(
        STORE_NAME,
        `connection to ${target} lost while committing a transaction (${messageOf(error)}); whether it committed is unknown: check before running it again`,
        error,
      );
    }
    return result;
  } catch (error) {
    if (error instanceof StoreUnavailableError && broken) throw error;
    if (isConnectionLost(error)) {
      broken = true;
      throw new StoreUnavailableError(STORE_NAME, `connection to ${target} lost during a transaction (${messageOf(error)}); it was rolled back, nothing was written`, error);
    }
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    if (isServerBusy(error)) {
      throw new StoreUnavailableError(STORE_NAME, `a transaction failed on ${target} (${messageOf(error)}); it was rolled back, nothing was written`, error);
    }
    throw error;
  } finally {
    client.release(broken || undefined);
  }
};
