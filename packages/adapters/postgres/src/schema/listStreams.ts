import { type ListStreamsOptions, type ListStreamsResult, listLimit, streamIdRange } from '@learner-ledger/core';
import type pg from 'pg';
import type { SchemaNames } from './identifiers.js';

/**
 * Lists stream ids by prefix with a range scan of the partial index
 * `events_stream_starts` (one row per stream, in "C" collation so a prefix is
 * one contiguous range whatever the database's collation): O(log n + ids
 * returned), whatever the size of the log.
 */
export const listStreams = async (db: pg.Pool | pg.PoolClient, names: SchemaNames, options: ListStreamsOptions = {}): Promise<ListStreamsResult> => {
  const range = streamIdRange(options);
  const limit = listLimit(options);
  const { firstEventType } = options;
  const values: unknown[] = [range.from];
  const where = ['stream_version = 1', `stream_id COLLATE "C" ${range.fromInclusive ? '>=' : '>'} $1`];
  if (range.to !== undefined) where.push(`stream_id COLLATE "C" < $${values.push(range.to)}`);
  if (firstEventType !== undefined) where.push(`type = $${values.push(firstEventType)}`);
  // One more row than asked says whether the listing is at its end; NULL is no limit.
  const limitParameter = `$${values.push(limit === undefined ? null : limit + 1)}`;
  const shape = `${range.fromInclusive ? 'i' : 'x'}${range.to !== undefined ? 'b' : ''}${firstEventType !== undefined ? 't' : ''}`;
  const result = await db.query<[string]>({
    name: `ll_${names.statementTag}_list_streams_${shape}`,
    text: `SELECT stream_id FROM ${names.events} WHERE ${where.join(' AND ')} ORDER BY stream_id COLLATE "C" LIMIT ${limitParameter}`,
    values,
    rowMode: 'array',
  });
  const ids = result.rows.map((row) => row[0]);
  if (limit === undefined || ids.length <= limit) return { streamIds: ids, isEnd: true };
  return { streamIds: ids.slice(0, limit), isEnd: false };
};
