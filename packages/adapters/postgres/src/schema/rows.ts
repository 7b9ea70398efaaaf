import type { StoredEvent } from '@learner-ledger/core';
import pg from 'pg';

/** The columns every read selects, in the order {@link toStoredEvent} expects. */
export const EVENT_COLUMNS = 'global_position, stream_id, stream_version, event_id, type, schema_version, data, metadata, chain';

const JSON_OIDS = new Set([114, 3802]);
const INT8_OID = 20;
const identity = (value: string): string => value;

/**
 * Type parsing pinned per query, so a process-wide `pg.types.setTypeParser`
 * elsewhere cannot change what the store returns: bigint positions arrive as
 * text (turned into bigint here), JSON columns are parsed once.
 */
export const queryTypes = {
  getTypeParser: ((oid: number, format?: string) => {
    if (JSON_OIDS.has(oid)) return JSON.parse;
    if (oid === INT8_OID) return identity;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** A row of {@link EVENT_COLUMNS} read with `rowMode: 'array'`. */
export type EventRow = [string, string, number, string, string, number, unknown, unknown, string | null];

export const toStoredEvent = (row: EventRow): StoredEvent => ({
  globalPosition: BigInt(row[0]),
  streamId: row[1],
  streamVersion: row[2],
  eventId: row[3],
  type: row[4],
  schemaVersion: row[5],
  data: row[6],
  metadata: row[7],
  // Left as text (a text column): parsed only by the readers that audit the chain.
  link: row[8] ?? undefined,
});
