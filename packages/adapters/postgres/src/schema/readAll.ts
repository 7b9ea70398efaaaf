import type { GlobalPosition, ReadAllBatch, ReadAllOptions, StoredEvent } from '@learner-ledger/core';
import type pg from 'pg';
import type { SchemaNames } from './identifiers.js';
import { EVENT_COLUMNS, type EventRow, queryTypes, toStoredEvent } from './rows.js';

/** Default batch size, as in the port. */
export const DEFAULT_READ_ALL_COUNT = 1000;

/**
 * A batch of the global log after a position, in one query. It asks for one
 * row more than it returns, to know whether the batch reached the end.
 * Positions are safe to poll by: appends commit in position order (see
 * migrations.ts), so nothing can appear later below a position already read.
 * `skipTypes` is not applied: every event comes, and the reader passes over those it does not need.
 */
export const readAll = async (db: pg.Pool | pg.PoolClient, names: SchemaNames, options: ReadAllOptions = {}): Promise<ReadAllBatch> => {
  const after: GlobalPosition = options.after ?? 0n;
  const maxCount = Math.max(0, Math.floor(options.maxCount ?? DEFAULT_READ_ALL_COUNT));
  if (options.streamIds !== undefined && options.streamIds.length === 0) return { events: [], lastPosition: after, isEnd: true };
  const filtered = options.streamIds !== undefined;
  const result = await db.query<EventRow>({
    // The filtered read is planned per call: a few small streams read best through the
    // (stream_id, stream_version) index, a large one through the position index.
    ...(filtered ? {} : { name: `ll_${names.statementTag}_read_all` }),
    text: filtered
      ? `SELECT ${EVENT_COLUMNS} FROM ${names.events} WHERE global_position > $1 AND stream_id = ANY($3::text[]) ORDER BY global_position LIMIT $2`
      : `SELECT ${EVENT_COLUMNS} FROM ${names.events} WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
    values: filtered ? [after.toString(), maxCount + 1, options.streamIds] : [after.toString(), maxCount + 1],
    rowMode: 'array',
    types: queryTypes,
  });
  const rows = result.rows;
  const count = Math.min(rows.length, maxCount);
  const events: StoredEvent[] = new Array(count);
  for (let i = 0; i < count; i++) events[i] = toStoredEvent(rows[i]!);
  return {
    events,
    lastPosition: count > 0 ? events[count - 1]!.globalPosition : after,
    isEnd: rows.length <= maxCount,
  };
};
