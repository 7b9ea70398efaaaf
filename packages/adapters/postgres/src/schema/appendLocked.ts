import { type LockedAppendResult, type LockedDecision, StoreUnavailableError, type StoredEvent, WrongExpectedVersionError } from '@learner-ledger/core';
import type pg from 'pg';
import { type AppendContext, appendInOneStatement, confirmAfterLostConnection, conflictFromUniqueViolation, throwOnConflict, toResults } from './appendToStreams.js';
import { appendWithCopy } from './copyAppend.js';
import { STORE_NAME, isConnectionLost, isServerBusy, messageOf } from './errors.js';
import { streamLockKey } from './lock-key.js';
import { type PreparedAppend, describe, prepare } from './prepareAppend.js';
import { readStream } from './readStream.js';
import { EVENT_COLUMNS, type EventRow, queryTypes, toStoredEvent } from './rows.js';

const UNIQUE_VIOLATION = '23505';
// eslint-disable-next-line no-control-regex
const NUL = /\u0000/;

/** Stream ids that may be written into SQL text between single quotes as they are: what the ledger's organization streams look like. */
const PLAIN_STREAM_ID = /^[A-Za-z0-9_.:-]{1,200}$/;

/**
 * Takes the stream's lock (session-level: it outlives the statement), then
 * reads the events after `afterVersion`. The lock is granted only once the
 * last holder committed: it lets go of its session lock inside its append,
 * but that append holds the same key shared until its commit (see
 * appendToStreams.ts), so the read sees its events. A plain stream id needs
 * one round trip (two statements in one message, each reading what committed
 * before it ran); any other id is passed as a parameter, in a second one.
 */
const lockAndReadTail = async (client: pg.PoolClient, context: AppendContext, key: bigint, streamId: string, afterVersion: number): Promise<StoredEvent[]> => {
  const lock = `SELECT pg_advisory_lock(${key})`;
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
 * Decide-and-append under an advisory lock keyed by the stream: writers of
 * every process that use it wait for each other, while appends to other
 * streams go on, and plain appends of the stream wait for the one in
 * progress (they take the key shared, see appendToStreams.ts). Two round
 * trips hold the lock (three from `copyThreshold` events): take it and read
 * the events the caller lacks; then, once the caller decided, append in one
 * statement, or one COPY message (see copyAppend.ts), that lets go of the
 * lock and commits. The lock waits up to the pool's `lock_timeout`.
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
  const key = streamLockKey(context.names.schema, streamId);
  let client: pg.PoolClient;
  try {
    client = await context.pool.connect();
  } catch (error) {
    throw new StoreUnavailableError(STORE_NAME, `could not get a connection to ${context.target} (${messageOf(error)}); the append to stream ${streamId} was not attempted, nothing was written`, error);
  }
  // A session lock must never go back to the pool: let go of it, or of the connection.
  let mayHoldLock = true;
  let broken = false;
  let step: 'lock' | 'decide' | 'append' = 'lock';
  let decision: LockedDecision<T> | undefined;
  let sent: PreparedAppend | undefined;
  try {
    const tail = await lockAndReadTail(client, context, key, streamId, afterVersion);
    step = 'decide';
    decision = decide(tail);
    step = 'append';
    if (decision.events.length === 0) return { value: decision.value };
    sent = prepare(context.names.schema, [{ streamId, events: decision.events, expectedVersion: afterVersion + tail.length }]);
    const reservation = sent.total >= context.copyThreshold ? await appendWithCopy(client, context.names, sent, key) : await appendInOneStatement(client, context.names, sent, key);
    throwOnConflict(sent, reservation);
    mayHoldLock = false;
    return { value: decision.value, append: toResults(sent, reservation)[0]! };
  } catch (error) {
    if (isConnectionLost(error)) {
      // The session, and its lock, ended with the connection.
      broken = true;
      mayHoldLock = false;
      client.release(true);
      if (sent && decision) return { value: decision.value, append: (await confirmAfterLostConnection(context, sent, error))[0]! };
      throw new StoreUnavailableError(STORE_NAME, `connection lost while ${step === 'lock' ? 'waiting for the lock of' : 'deciding on'} ${where} (${messageOf(error)}); nothing was written`, error);
    }
    if (error instanceof WrongExpectedVersionError || step === 'decide') throw error;
    if (sent && (error as { code?: string }).code === UNIQUE_VIOLATION) throw await conflictFromUniqueViolation(client, context.names, sent, error);
    if (isServerBusy(error)) {
      const what = step === 'lock' ? `waiting for the lock of ${where} (another writer held it longer than the lock timeout)` : `${sent ? describe(sent) : 'the append'} on ${context.target}`;
      throw new StoreUnavailableError(STORE_NAME, `${what} failed: ${messageOf(error)}; nothing was written`, error);
    }
    throw new Error(`${STORE_NAME} store: ${sent ? describe(sent) : `the append to stream ${streamId}`} was refused by ${context.target}: ${messageOf(error)}; nothing was written`, { cause: error });
  } finally {
    if (!broken) {
      if (mayHoldLock) await client.query('SELECT pg_advisory_unlock_all()').then(() => client.release(), () => client.release(true));
      else client.release();
    }
  }
};
