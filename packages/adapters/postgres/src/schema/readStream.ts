import type { ReadStreamOptions, ReadStreamResult, StoredEvent } from '@learner-ledger/core';
import type pg from 'pg';
import type { SchemaNames } from './identifiers.js';
import { EVENT_COLUMNS, type EventRow, queryTypes, toStoredEvent } from './rows.js';

type ReadStreamRow = [number, ...EventRow];

/**
 * One stream's events from a version on, and its current version, in one
 * statement (so both come from the same snapshot).
 */
export const readStream = async (
  db: pg.Pool | pg.PoolClient,
  names: SchemaNames,
  streamId: string,
  options: ReadStreamOptions = {},
): Promise<ReadStreamResult> => {
  const fromVersion = Math.max(1, options.fromVersion ?? 1);
  const maxCount = options.maxCount === undefined ? null : Math.max(0, Math.floor(options.maxCount));
  const result = await db.query<ReadStreamRow>({
    name: `ll_${names.statementTag}_read_stream`,
    text: `WITH head AS (SELECT coalesce(max(stream_version), 0) AS current_version FROM ${names.events} WHERE stream_id = $1)
           SELECT head.current_version, e.* FROM head
           LEFT JOIN LATERAL (
             SELECT ${EVENT_COLUMNS} FROM ${names.events}
              WHERE stream_id = $1 AND stream_version >= $2
              ORDER BY stream_version LIMIT $3) e ON true
           ORDER BY e.stream_version`,
    values: [streamId, fromVersion, maxCount],
    rowMode: 'array',
    types: queryTypes,
  });
  const currentVersion = result.rows[0]?.[0] ?? 0;
  const events: StoredEvent[] = [];
  for (const row of result.rows) {
    if (row[1] === null) continue; // the head row when no event is in range
    events.push(toStoredEvent(row.slice(1) as EventRow));
  }
  return { streamId, currentVersion, events };
};
