import {
  AppendOutcomeUnknownError,
  type AppendRequest,
  type AppendResult,
  StoreUnavailableError,
  WrongExpectedVersionError,
} from '@learner-ledger/core';
import type pg from 'pg';
import { type Reservation, appendWithCopy } from './copyAppend.js';
import { STORE_NAME, isConnectionLost, isServerBusy, messageOf } from './errors.js';
import type { SchemaNames } from './identifiers.js';
import { type PreparedAppend, describe, eventsDocument, payloadArrays, prepare } from './prepareAppend.js';
import { queryTypes } from './rows.js';

/** Escapes PostgreSQL's JSON functions refuse although the json type stores them: NUL, and a UTF-16 surrogate (JSON.stringify escapes only lone ones). */
const JSON_FUNCTIONS_REFUSE = /\\u0000|\\ud[89a-f]/;

export interface AppendContext {
  readonly pool: pg.Pool;
  readonly names: SchemaNames;
  /** `PostgreSQL at host:port/db`, for messages. */
  readonly target: string;
  /** Appends of at least this many events go through COPY instead of one INSERT statement. */
  readonly copyThreshold: number;
}

export type { Reservation };

const UNIQUE_VIOLATION = '23505';
const STREAM_VERSION_CONSTRAINT = 'events_stream_version_unique';

/**
 * Appends to one or more streams in one transaction: every expected version
 * is checked after the log head is locked, then every event is inserted, or
 * nothing is. Small appends are one statement (one round trip); large ones
 * are one message that reserves their positions and streams the rows with
 * COPY (two round trips, see copyAppend.ts).
 */
export const appendToStreams = async (context: AppendContext, requests: readonly AppendRequest[]): Promise<AppendResult[]> => {
  if (requests.length === 0) return [];
  const prepared = prepare(context.names.schema, requests);
  let client: pg.PoolClient;
  try {
    client = await context.pool.connect();
  } catch (error) {
    throw new StoreUnavailableError(STORE_NAME, `could not get a connection to ${context.target} (${messageOf(error)}); ${describe(prepared)} was not attempted, nothing was written`, error);
  }
  let released = false;
  try {
    const reservation = prepared.total >= context.copyThreshold ? await appendWithCopy(client, context.names, prepared) : await appendInOneStatement(client, context.names, prepared);
    throwOnConflict(prepared, reservation);
    return toResults(prepared, reservation);
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) throw error;
    if (isConnectionLost(error)) {
      client.release(true); // a broken connection never goes back to the pool
      released = true;
      return await confirmAfterLostConnection(context, prepared, error);
    }
    if ((error as { code?: string }).code === UNIQUE_VIOLATION && (error as { constraint?: string }).constraint === STREAM_VERSION_CONSTRAINT) {
      throw await conflictFromUniqueViolation(client, context.names, prepared, error);
    }
    if (isServerBusy(error)) {
      throw new StoreUnavailableError(STORE_NAME, `${describe(prepared)} failed on ${context.target}: ${messageOf(error)}; the transaction was rolled back, nothing was written`, error);
    }
    throw new Error(`${STORE_NAME} store: ${describe(prepared)} was refused by ${context.target}: ${messageOf(error)}; nothing was written`, { cause: error });
  } finally {
    if (!released) client.release();
  }
};

/**
 * The stream ids parameter, handed to `reserve_positions` only once the
 * append holds a shared advisory lock on each stream's key (the argument is
 * evaluated before the call): an append waits for a locked decide-and-append
 * of its streams to commit (see appendLocked.ts), so a decision taken under
 * the lock is never overtaken; shared locks do not wait for each other.
 */
const afterSharedLocks = (streamIds: string, lockKeys: string): string =>
  `(SELECT ${streamIds}::text[] FROM (SELECT count(pg_advisory_xact_lock_shared(k)) FROM unnest(${lockKeys}::bigint[]) AS k) AS locked)`;

/**
 * The whole append in one statement: its own transaction, or part of the
 * caller's. The events travel as one JSON document (an array of
 * `[event id, type, schema version, data, metadata, chain link]`), serialized once and
 * split by the server, which keeps each payload's text as written. With
 * `unlockKey`, the statement also lets go of that session-level advisory lock
 * once the events are in, just before it commits (see appendLocked.ts).
 */
export const appendInOneStatement = async (client: pg.PoolClient, names: SchemaNames, p: PreparedAppend, unlockKey?: bigint): Promise<Reservation> => {
  const requestIndexes = new Array<number>(p.total);
  const offsets = new Array<number>(p.total);
  let k = 0;
  p.counts.forEach((count, index) => {
    for (let offset = 1; offset <= count; offset++, k++) {
      requestIndexes[k] = index + 1;
      offsets[k] = offset;
    }
  });
  const unlock = (parameter: number) => (unlockKey === undefined ? '' : `, pg_advisory_unlock($${parameter})`);
  const suffix = unlockKey === undefined ? '' : '_unlock';
  const unlockValue = unlockKey === undefined ? [] : [unlockKey.toString()];
  const document = eventsDocument(p);
  // PostgreSQL's JSON functions refuse the escape \u0000 and lone surrogates (JSON.stringify writes those as \udXXX; the json type stores both): such payloads go as json[] instead.
  const statement = JSON_FUNCTIONS_REFUSE.test(document)
    ? {
        name: `ll_${names.statementTag}_append_arrays${suffix}`,
        text: `SELECT current_versions, first_position, conflict${unlock(13)} FROM ${names.appendEvents}(
                 ${afterSharedLocks('$1', '$12')}, $2::text[], $3::integer[], $4::integer[], $5::integer[], $6::text[], $7::text[], $8::integer[], $9::json[], $10::json[], $11::text[])`,
        values: [p.streamIds, p.expected, p.counts, requestIndexes, offsets, p.eventIds, p.types, p.schemaVersions, ...payloadArrays(p), p.lockKeys, ...unlockValue],
      }
    : {
        name: `ll_${names.statementTag}_append_json${suffix}`,
        text: `WITH r AS (SELECT current_versions, first_position, conflict FROM ${names.reservePositions}(${afterSharedLocks('$1', '$7')}, $2::text[], $3::integer[])),
               ins AS (
                 INSERT INTO ${names.events} (global_position, stream_id, stream_version, event_id, type, schema_version, data, metadata, chain)
                 SELECT r.first_position + u.ord - 1, ($1::text[])[u.req], r.current_versions[u.req] + u.off, e.v->>0, e.v->>1, (e.v->>2)::integer, e.v->3, e.v->4, e.v->>5
                   FROM r, unnest($4::integer[], $5::integer[]) WITH ORDINALITY AS u(req, off, ord)
                   JOIN json_array_elements($6::json) WITH ORDINALITY AS e(v, ord) ON e.ord = u.ord
                  WHERE r.conflict IS NULL)
               SELECT current_versions, first_position, conflict${unlock(8)} FROM r`,
        values: [p.streamIds, p.expected, p.counts, requestIndexes, offsets, document, p.lockKeys, ...unlockValue],
      };
  const result = await client.query<Reservation>({ ...statement, types: queryTypes });
  const reservation = result.rows[0]!;
  throwOnConflict(p, reservation);
  return reservation;
};

export const throwOnConflict = (p: PreparedAppend, reservation: Reservation): void => {
  if (reservation.conflict === null) return;
  const index = reservation.conflict - 1;
  const request = p.requests[index]!;
  throw new WrongExpectedVersionError(request.streamId, request.expectedVersion ?? 'any', reservation.current_versions[index]!);
};

export const toResults = (p: PreparedAppend, reservation: Reservation): AppendResult[] => {
  let position = BigInt(reservation.first_position);
  return p.requests.map((request, index) => {
    const count = p.counts[index]!;
    const current = reservation.current_versions[index]!;
    const first = count > 0 ? position : 0n;
    position += BigInt(count);
    return {
      streamId: request.streamId,
      nextExpectedVersion: current + count,
      createdNewStream: current === 0 && count > 0,
      firstPosition: first,
      lastPosition: count > 0 ? position - 1n : 0n,
    };
  });
};

/**
 * The connection dropped while appending. If the server had not committed,
 * the transaction is gone and nothing was written; but a drop right after
 * COMMIT leaves the outcome open. So look: wait for the log-head lock (no
 * append of ours can still be in flight once we hold it) and check whether
 * the events are there.
 */
export const confirmAfterLostConnection = async (context: AppendContext, p: PreparedAppend, lost: unknown): Promise<AppendResult[]> => {
  const what = `connection to ${context.target} lost during ${describe(p)} (${messageOf(lost)})`;
  let landed: AppendResult[] | undefined;
  try {
    landed = await findLandedAppend(context, p);
  } catch (error) {
    throw new AppendOutcomeUnknownError(
      STORE_NAME,
      p.streamIds,
      `${what}; whether the append committed could not be confirmed (${messageOf(error)}): it landed whole or not at all, so running the same command again is safe`,
      lost,
    );
  }
  if (landed) return landed;
  throw new StoreUnavailableError(STORE_NAME, `${what}; the transaction was rolled back, nothing was written, and the append can be retried`, lost);
};

const findLandedAppend = async (context: AppendContext, p: PreparedAppend): Promise<AppendResult[] | undefined> => {
  if (p.total === 0) return undefined;
  const client = await context.pool.connect();
  let failed: unknown;
  try {
    await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    await client.query(`SET LOCAL lock_timeout = '10s'`);
    await client.query(`SELECT 1 FROM ${context.names.logHead} WHERE id FOR SHARE`);
    const found: Array<{ count: number; first: string | null; last: string | null; first_version: number | null; last_version: number }> = [];
    let k = 0;
    for (let index = 0; index < p.requests.length; index++) {
      const ids = p.eventIds.slice(k, k + p.counts[index]!);
      k += p.counts[index]!;
      const { rows } = await client.query({
        text: `SELECT count(*)::integer AS count, min(global_position)::text AS first, max(global_position)::text AS last,
                      min(stream_version) AS first_version, coalesce(max(stream_version), (SELECT max(stream_version) FROM ${context.names.events} WHERE stream_id = $1), 0) AS last_version
                 FROM ${context.names.events} WHERE stream_id = $1 AND event_id = ANY($2::text[])`,
        values: [p.streamIds[index], ids],
      });
      found.push(rows[0]);
    }
    await client.query('ROLLBACK');
    const complete = found.every((row, index) => row.count === p.counts[index]);
    if (found.every((row) => row.count === 0)) return undefined;
    if (!complete) throw new Error('some of the events are in the log under other appends (event ids reused?)');
    return p.requests.map((request, index) => {
      const row = found[index]!;
      const count = p.counts[index]!;
      return {
        streamId: request.streamId,
        nextExpectedVersion: row.last_version,
        createdNewStream: count > 0 && row.first_version === 1,
        firstPosition: count > 0 ? BigInt(row.first!) : 0n,
        lastPosition: count > 0 ? BigInt(row.last!) : 0n,
      };
    });
  } catch (error) {
    failed = error;
    throw error;
  } finally {
    client.release(failed !== undefined && isConnectionLost(failed) ? true : undefined);
  }
};

export const conflictFromUniqueViolation = async (client: pg.PoolClient, names: SchemaNames, p: PreparedAppend, error: unknown): Promise<Error> => {
  // Key (stream_id, stream_version)=(<stream>, <version>) already exists.
  const detail = (error as { detail?: string }).detail ?? '';
  const match = /=\((.*), (\d+)\) already exists/.exec(detail);
  const index = Math.max(0, match ? p.streamIds.indexOf(match[1]!) : 0);
  const request = p.requests[index]!;
  try {
    const { rows } = await client.query<{ version: number }>(
      `SELECT coalesce(max(stream_version), 0) AS version FROM ${names.events} WHERE stream_id = $1`,
      [request.streamId],
    );
    return new WrongExpectedVersionError(request.streamId, request.expectedVersion ?? 'any', rows[0]?.version ?? 0);
  } catch {
    return new WrongExpectedVersionError(request.streamId, request.expectedVersion ?? 'any', -1);
  }
};

