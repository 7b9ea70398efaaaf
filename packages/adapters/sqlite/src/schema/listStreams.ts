import type Database from 'better-sqlite3';
import { type ListStreamsOptions, type ListStreamsResult, listLimit, streamIdRange } from '@learner-ledger/core';

type ListParameters = { from: string; to?: string; type?: string; limit: number };

/**
 * The stream listings, one prepared statement per shape of query (lower bound
 * inclusive or not, an upper bound or not, a first-event type or not), each a
 * range scan of the partial index `ll_events_stream_starts` (one row per stream).
 */
export class ListStreamsStatements {
  private readonly statements = new Map<string, Database.Statement<[ListParameters], string>>();

  constructor(private readonly db: Database.Database) {}

  statement(fromInclusive: boolean, bounded: boolean, typed: boolean): Database.Statement<[ListParameters], string> {
    const key = `${fromInclusive}/${bounded}/${typed}`;
    let statement = this.statements.get(key);
    if (!statement) {
      const where = [`stream_version = 1`, `stream_id ${fromInclusive ? '>=' : '>'} @from`, ...(bounded ? ['stream_id < @to'] : []), ...(typed ? ['type = @type'] : [])];
      statement = this.db.prepare<[ListParameters], string>(`SELECT stream_id FROM ll_events WHERE ${where.join(' AND ')} ORDER BY stream_id LIMIT @limit`).pluck();
      this.statements.set(key, statement);
    }
    return statement;
  }
}

/** Lists stream ids by prefix: O(log n + ids returned), whatever the size of the log. */
export const listStreams = (statements: ListStreamsStatements, options: ListStreamsOptions = {}): ListStreamsResult => {
  const range = streamIdRange(options);
  const limit = listLimit(options);
  const { firstEventType } = options;
  const parameters: ListParameters = {
    from: range.from,
    // One more row than asked says whether the listing is at its end; -1 is no limit.
    limit: limit === undefined ? -1 : limit + 1,
    ...(range.to !== undefined ? { to: range.to } : {}),
    ...(firstEventType !== undefined ? { type: firstEventType } : {}),
  };
  const ids = statements.statement(range.fromInclusive, range.to !== undefined, firstEventType !== undefined).all(parameters);
  if (limit === undefined || ids.length <= limit) return { streamIds: ids, isEnd: true };
  return { streamIds: ids.slice(0, limit), isEnd: false };
};
