import type Database from 'better-sqlite3';
import type { GlobalPosition, ReadAllBatch, ReadAllOptions, StoredEvent } from '@learner-ledger/core';

/** A row as read with `.raw()`: position, stream id, version, event id, type, schema version, data, metadata, chain link. */
type LogRow = [number, string, number, string, string, number, string, string, string | null];

const COLUMNS = 'position, stream_id, stream_version, event_id, type, schema_version, data, metadata, chain';

/** Up to this many stream ids are read through the stream index and merged; more are filtered while scanning the log. */
const MERGE_LIMIT = 16;

export interface ReadAllStatements {
  readonly log: Database.Statement<[number | bigint, number], LogRow>;
  readonly head: Database.Statement<[], number | null>;
  readonly stream: Database.Statement<[string, number, number], LogRow>;
  readonly streamVersion: Database.Statement<[string], number | null>;
  readonly positionOf: Database.Statement<[string, number], number | undefined>;
  readonly logOfStreams: Database.Statement<[number | bigint, string, number], LogRow>;
  readonly logSkipping: Database.Statement<[number | bigint, string, number], LogRow>;
}

export const prepareReadAll = (db: Database.Database): ReadAllStatements => ({
  log: db.prepare<[number | bigint, number], LogRow>(`SELECT ${COLUMNS} FROM ll_events WHERE position > ? ORDER BY position LIMIT ?`).raw(),
  head: db.prepare<[], number | null>('SELECT MAX(position) FROM ll_events').pluck(),
  stream: db.prepare<[string, number, number], LogRow>(`SELECT ${COLUMNS} FROM ll_events WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?`).raw(),
  streamVersion: db.prepare<[string], number | null>('SELECT MAX(stream_version) FROM ll_events WHERE stream_id = ?').pluck(),
  positionOf: db.prepare<[string, number], number | undefined>('SELECT position FROM ll_events WHERE stream_id = ? AND stream_version = ?').pluck(),
  logOfStreams: db
    .prepare<[number | bigint, string, number], LogRow>(
      `SELECT ${COLUMNS} FROM ll_events WHERE position > ? AND stream_id IN (SELECT value FROM json_each(?)) ORDER BY position LIMIT ?`,
    )
    .raw(),
  logSkipping: db
    .prepare<[number | bigint, string, number], LogRow>(
      `SELECT ${COLUMNS} FROM ll_events WHERE position > ? AND type NOT IN (SELECT value FROM json_each(?)) ORDER BY position LIMIT ?`,
    )
    .raw(),
});

export const toStoredEvent = (row: LogRow): StoredEvent => ({
  eventId: row[3],
  type: row[4],
  schemaVersion: row[5],
  data: JSON.parse(row[6]),
  metadata: JSON.parse(row[7]),
  streamId: row[1],
  streamVersion: row[2],
  globalPosition: BigInt(row[0]),
  // Left as text: parsed only by the readers that audit the chain.
  link: row[8] ?? undefined,
});

/** Whether a read reports the head of the log beside its rows, so must run in a read transaction (one snapshot). */
export const readsHead = (options: ReadAllOptions): boolean => options.streamIds !== undefined || (options.skipTypes !== undefined && options.skipTypes.length > 0);

/**
 * Reads the global log forward from `after`. Without a filter this is a single
 * range scan of the primary key (one statement, so one snapshot). With a
 * stream filter or types to skip (see {@link readsHead}), run it inside a read
 * transaction: the batch and the head it reports must come from the same snapshot.
 */
export const readAll = (statements: ReadAllStatements, options: ReadAllOptions = {}): ReadAllBatch => {
  const after = options.after ?? 0n;
  const maxCount = Math.max(0, options.maxCount ?? 1000);
  if (options.streamIds !== undefined) return readStreamsOfLog(statements, after, maxCount, options.streamIds);
  if (options.skipTypes !== undefined && options.skipTypes.length > 0) return readSkippingTypes(statements, after, maxCount, options.skipTypes);
  // One row more than asked tells whether the batch reached the end of the log.
  const rows = statements.log.all(after, maxCount + 1);
  const count = Math.min(rows.length, maxCount);
  const events: StoredEvent[] = new Array(count);
  for (let i = 0; i < count; i++) events[i] = toStoredEvent(rows[i]!);
  return { events, lastPosition: count > 0 ? events[count - 1]!.globalPosition : after, isEnd: rows.length <= maxCount };
};

/** The log without the events of `skipTypes`, filtered by SQLite: their rows never reach JavaScript. */
const readSkippingTypes = (statements: ReadAllStatements, after: GlobalPosition, maxCount: number, skipTypes: readonly string[]): ReadAllBatch => {
  const rows = statements.logSkipping.all(after, JSON.stringify(skipTypes), maxCount + 1);
  const count = Math.min(rows.length, maxCount);
  const events: StoredEvent[] = new Array(count);
  for (let i = 0; i < count; i++) events[i] = toStoredEvent(rows[i]!);
  if (rows.length > maxCount) return { events, lastPosition: count > 0 ? events[count - 1]!.globalPosition : after, isEnd: false };
  // Every event up to the head was read or skipped: the reader may continue from the head.
  const head = BigInt(statements.head.get() ?? 0);
  return { events, lastPosition: head > after ? head : after, isEnd: true };
};

const readStreamsOfLog = (statements: ReadAllStatements, after: GlobalPosition, maxCount: number, streamIds: readonly string[]): ReadAllBatch => {
  const unique = [...new Set(streamIds)];
  let rows: LogRow[];
  if (unique.length <= MERGE_LIMIT) {
    rows = [];
    for (const streamId of unique) {
      const from = firstVersionAfter(statements, streamId, after);
      if (from !== undefined) rows.push(...statements.stream.all(streamId, from, maxCount + 1));
    }
    rows.sort((a, b) => a[0] - b[0]);
  } else {
    rows = statements.logOfStreams.all(after, JSON.stringify(unique), maxCount + 1);
  }
  if (rows.length > maxCount) {
    const events = rows.slice(0, maxCount).map(toStoredEvent);
    return { events, lastPosition: events.length > 0 ? events[events.length - 1]!.globalPosition : after, isEnd: false };
  }
  // Every matching event up to the head is in this batch: the reader may continue from the head.
  const head = BigInt(statements.head.get() ?? 0);
  return { events: rows.map(toStoredEvent), lastPosition: head > after ? head : after, isEnd: true };
};

/**
 * The first version of a stream whose position is after `after`, found by
 * binary search on the (stream_id, stream_version) index: within a stream,
 * versions and positions grow together.
 */
const firstVersionAfter = (statements: ReadAllStatements, streamId: string, after: GlobalPosition): number | undefined => {
  const current = statements.streamVersion.get(streamId) ?? 0;
  if (current === 0) return undefined;
  if (after <= 0n) return 1;
  let low = 1;
  let high = current + 1;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (BigInt(statements.positionOf.get(streamId, middle)!) > after) high = middle;
    else low = middle + 1;
  }
  return low <= current ? low : undefined;
};
