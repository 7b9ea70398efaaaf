import type Database from 'better-sqlite3';
import type { ReadStreamOptions, ReadStreamResult, StoredEvent } from '@learner-ledger/core';

/** A row as read with `.raw()`: position, version, event id, type, schema version, data, metadata, chain link. */
type StreamRow = [number, number, string, string, number, string, string, string | null];

export interface ReadStreamStatements {
  readonly events: Database.Statement<[string, number, number], StreamRow>;
  readonly version: Database.Statement<[string], number | null>;
}

export const prepareReadStream = (db: Database.Database): ReadStreamStatements => ({
  events: db
    .prepare<[string, number, number], StreamRow>(
      `SELECT position, stream_version, event_id, type, schema_version, data, metadata, chain
         FROM ll_events WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?`,
    )
    .raw(),
  version: db.prepare<[string], number | null>('SELECT MAX(stream_version) FROM ll_events WHERE stream_id = ?').pluck(),
});

/** Reads a stream forward. Run inside a (read) transaction so the version and the events agree. */
export const readStream = (statements: ReadStreamStatements, streamId: string, options: ReadStreamOptions = {}): ReadStreamResult => {
  const currentVersion = statements.version.get(streamId) ?? 0;
  const fromVersion = Math.max(1, options.fromVersion ?? 1);
  const limit = options.maxCount === undefined ? -1 : Math.max(0, options.maxCount);
  const events: StoredEvent[] = [];
  if (currentVersion >= fromVersion && limit !== 0) {
    for (const row of statements.events.all(streamId, fromVersion, limit)) {
      events.push({
        eventId: row[2],
        type: row[3],
        schemaVersion: row[4],
        data: JSON.parse(row[5]),
        metadata: JSON.parse(row[6]),
        streamId,
        streamVersion: row[1],
        globalPosition: BigInt(row[0]),
        // Left as text: parsed only by the readers that audit the chain.
        link: row[7] ?? undefined,
      });
    }
  }
  return { streamId, currentVersion, events };
};
