import { createHash } from 'node:crypto';
import { type LockedAppendResult, type LockedDecision, StoreUnavailableError, type StoredEvent, WrongExpectedVersionError } from '@learner-ledger/core';
import type pg from 'pg';
import {
  type AppendContext,
  type PreparedAppend,
  appendInOneStatement,
  confirmAfterLostConnection,
  conflictFromUniqueViolation,
  copyInTransaction,
  describe,
  prepare,
  toResults,
} from './appendToStreams.js';
import { STORE_NAME, isConnectionLost, isServerBusy, messageOf } from './errors.js';
import { readStream } from './readStream.js';
import { EVENT_COLUMNS, type EventRow, queryTypes, toStoredEvent } from './rows.js';

const UNIQUE_VIOLATION = '23505';
// eslint-disable-next-line no-control-regex
const NUL = /\u0000/;

/**
 * The advisory-lock key of a stream: 64 bits of a hash of the schema and the
 * stream id, written into the SQL as a number (no text reaches the SQL). Two
 * streams that share a key only wait for each other.
 */
export const streamLockKey = (schema: string, streamId: string): bigint =>
  createHash('sha256').update(`learner-ledger:stream:${schema}\u0000${streamId}`).digest().readBigInt64BE(0);

/** Stream ids that may be written into SQL text between single quotes as they are: what the ledger's organization streams look like. */
const PLAIN_STREAM_ID = /^[A-Za-z0-9_.:-]{1,200}$/;

/**
 * Opens the transaction, waits for the stream's lock and reads the events
 * after `afterVersion`. A plain stream id needs one round trip (three
 * statements in one message, each reading what committed before it ran, so
 * the read sees the last holder's commit); any other id is passed as a
 * parameter, in a second round trip.
 */
const lockAndReadTail = async (client: pg.PoolClient, context: AppendContext, streamId: string, afterVersion: number): Promise<StoredEvent[]> => {
  const lock = `BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(${streamLockKey(context.names.schema, streamId)})`;
  if (!PLAIN_STREAM_ID.test(streamId) || !Number.isSafeInteger(afterVersion)) {
    await client.query(lock);
    return [...(await readStream(client, context.names, streamId, { fromVersion: afterVersion + 1 })).events];
  }
  const results = (await client.query({
    text: `${lock}; SELECT ${EVENT_COLUMNS} FROM ${context.names.events} WHERE stream_id = '${streamId}' AND stream_version > ${Math.max(0, afterVersion)} ORDER BY stream_version`,
    rowMode: 'array',
    types: queryTypes,
  })) as unknown as pg.QueryArrayResult<EventRow>[];
  return results[results.length - 1]!.rows.map(toStoredEvent);
};

/**
 * Decide-and-append under a transaction-level advisory lock keyed by the
 * stream: writers of every process that use it wait for each other, one
 * transaction at a time, while appends to other streams go on. Inside the
 * lock: read the events the caller lacks, decide, append (which takes the log
 * head's row lock only from the append to the commit, as every append does),
 * commit. The lock waits up to the pool's `lock_timeout`.
 */
export const appendLocked = async <T>(
  context: AppendContext,
  streamId: string,
  afterVersion: number,
  decide: (tail: readonly StoredEvent[]) => LockedDecision<T>,
): Promise<LockedAppendResult<T>> => {
  if (typeof streamId !== 'string' || streamId.length === 0 || NUL.test(streamId)) {
    throw new TypeError(`${STORE_NAME} store: a stream id must be a non-empty string without NUL characters, got ${JSON.stringify(streamId)}; nothing was written`);
  }
  const where = `stream ${streamId} on ${context.target}`;
  let client: pg.PoolClient;
  try {
    client = await context.pool.connect();
  } catch (error) {
    throw new StoreUnavailableError(STORE_NAME, `could not get a connection to ${context.target} (${messageOf(error)}); the append to stream ${streamId} was not attempted, nothing was written`, error);
  }
  let released = false;
  let step: 'lock' | 'decide' | 'append' = 'lock';
  let decision: LockedDecision<T> | undefined;
  let sent: PreparedAppend | undefined;
  try {
    const tail = await lockAndReadTail(client, context, streamId, afterVersion);
    step = 'decide';
    decision = decide(tail);
    step = 'append';
    if (decision.events.length === 0) {
      await client.query('ROLLBACK');
      return { value: decision.value };
    }
    sent = prepare([{ streamId, events: decision.events, expectedVersion: afterVersion + tail.length }]);
    const reservation = sent.total >= context.copyThreshold ? await copyInTransaction(client, context.names, sent) : await appendInOneStatement(client, context.names, sent);
    await client.query('COMMIT');
    return { value: decision.value, append: toResults(sent, reservation)[0]! };
  } catch (error) {
    if (isConnectionLost(error)) {
      client.release(true); // a broken connection never goes back to the pool
      released = true;
      if (sent && decision) return { value: decision.value, append: (await confirmAfterLostConnection(context, sent, error))[0]! };
      throw new StoreUnavailableError(STORE_NAME, `connection lost while ${step === 'lock' ? 'waiting for the lock of' : 'deciding on'} ${where} (${messageOf(error)}); the transaction was rolled back, nothing was written`, error);
    }
    await client.query('ROLLBACK').catch(() => undefined);
    if (error instanceof WrongExpectedVersionError || step === 'decide') throw error;
    if (sent && (error as { code?: string }).code === UNIQUE_VIOLATION) throw await conflictFromUniqueViolation(client, context.names, sent, error);
    if (isServerBusy(error)) {
      const what = step === 'lock' ? `waiting for the lock of ${where} (another writer held it longer than the lock timeout)` : `${sent ? describe(sent) : 'the append'} on ${context.target}`;
      throw new StoreUnavailableError(STORE_NAME, `${what} failed: ${messageOf(error)}; the transaction was rolled back, nothing was written`, error);
    }
    throw new Error(`${STORE_NAME} store: ${sent ? describe(sent) : `the append to stream ${streamId}`} was refused by ${context.target}: ${messageOf(error)}; nothing was written`, { cause: error });
  } finally {
    if (!released) client.release();
  }
};
