import type Database from 'better-sqlite3';
import { type AppendRequest, type AppendResult, WrongExpectedVersionError, linkApart, stampedTexts, versionMatches } from '@learner-ledger/core';

/** The prepared statements of the append path, prepared once per connection. */
export interface AppendStatements {
  readonly head: Database.Statement<[], number | null>;
  readonly streamVersion: Database.Statement<[string], number | null>;
  readonly insert: Database.Statement<[number, string, number, string, string, number, string, string, string | null]>;
}

export const prepareAppend = (db: Database.Database): AppendStatements => ({
  head: db.prepare<[], number | null>('SELECT MAX(position) FROM ll_events').pluck(),
  streamVersion: db.prepare<[string], number | null>('SELECT MAX(stream_version) FROM ll_events WHERE stream_id = ?').pluck(),
  insert: db.prepare('INSERT INTO ll_events (position, stream_id, stream_version, event_id, type, schema_version, data, metadata, chain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
});

/** A stream's current version (0 when it does not exist). */
export const currentStreamVersion = (statements: AppendStatements, streamId: string): number => statements.streamVersion.get(streamId) ?? 0;

const json = (value: unknown): string => JSON.stringify(value) ?? 'null';

/**
 * Appends to one or more streams. Must run inside one write transaction
 * (the caller opens it with BEGIN IMMEDIATE): every expected version is checked
 * first, then the events get consecutive positions after the current head.
 * Throws {@link WrongExpectedVersionError} before writing anything on a mismatch.
 */
export const appendToStreams = (statements: AppendStatements, requests: readonly AppendRequest[]): AppendResult[] => {
  const versions = requests.map((request) => {
    const current = currentStreamVersion(statements, request.streamId);
    if (!versionMatches(request.expectedVersion, current)) {
      throw new WrongExpectedVersionError(request.streamId, request.expectedVersion ?? 'any', current);
    }
    return current;
  });
  let position = statements.head.get() ?? 0;
  const insert = statements.insert;
  return requests.map((request, index) => {
    let version = versions[index]!;
    const firstPosition = request.events.length > 0 ? position + 1 : 0;
    for (const event of request.events) {
      position++;
      version++;
      // The chain link goes to its own column: readers that do not audit never parse it.
      const apart = linkApart(event);
      // A chained event's payload and metadata go as the canonical texts its link was computed from: not serialized a second time.
      const texts = stampedTexts(event);
      const data = texts !== undefined ? texts.data : json(event.data);
      const metadata = texts !== undefined ? texts.metadata : json(apart.metadata);
      insert.run(position, request.streamId, version, event.eventId, event.type, event.schemaVersion, data, metadata, apart.link === undefined ? null : json(apart.link));
    }
    return {
      streamId: request.streamId,
      nextExpectedVersion: version,
      createdNewStream: versions[index] === 0 && request.events.length > 0,
      firstPosition: BigInt(firstPosition),
      lastPosition: request.events.length > 0 ? BigInt(position) : 0n,
    };
  });
};
