import { jsonEvent, type EventData, type JSONEventType, type ResolvedEvent } from '@kurrent/kurrentdb-client';
import type { GlobalPosition, NewStoredEvent, StoredEvent } from '@learner-ledger/core';
import { MAX_LOG_POSITION, positionProblem } from './position.js';

/**
 * KurrentDB keeps an event's id and type natively; the port's schema version
 * travels in the event's JSON metadata under a reserved key, stripped on read.
 * When the caller's metadata is a plain object without the reserved keys it is
 * stored as is, plus the schema version, so other KurrentDB tools see it
 * unchanged. Anything else (an array, a string, an object that already uses a
 * reserved key) is wrapped under {@link WRAPPED_METADATA_KEY}.
 */
export const SCHEMA_VERSION_KEY = 'learner-ledger/schemaVersion';
export const WRAPPED_METADATA_KEY = 'learner-ledger/metadata';

/**
 * `json`: metadata as a JSON object (single-stream appends).
 * `properties`: string keys and string values only, which is what
 * KurrentDB's multi-stream append accepts; the caller's metadata is then
 * stored as a JSON string under {@link WRAPPED_METADATA_KEY}.
 */
export type MetadataForm = 'json' | 'properties';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

/** The metadata object stored for an event (see {@link SCHEMA_VERSION_KEY}). */
export const encodeMetadata = (schemaVersion: number, metadata: unknown, form: MetadataForm): Record<string, unknown> => {
  if (form === 'properties') {
    return { [SCHEMA_VERSION_KEY]: String(schemaVersion), [WRAPPED_METADATA_KEY]: JSON.stringify(metadata ?? null) };
  }
  if (isPlainObject(metadata) && !(SCHEMA_VERSION_KEY in metadata) && !(WRAPPED_METADATA_KEY in metadata)) {
    return { ...metadata, [SCHEMA_VERSION_KEY]: schemaVersion };
  }
  return { [SCHEMA_VERSION_KEY]: schemaVersion, [WRAPPED_METADATA_KEY]: metadata ?? null };
};

/** Thrown when a stored event cannot be turned back into the port's shape. */
export class KurrentDbEventFormatError extends Error {
  override readonly name = 'KurrentDbEventFormatError';
  constructor(
    readonly streamId: string,
    readonly streamVersion: number,
    detail: string,
  ) {
    super(`kurrentdb store: event ${streamVersion} of stream ${streamId} ${detail}`);
  }
}

/**
 * The caller's metadata and schema version from stored metadata: the inverse
 * of {@link encodeMetadata} for both forms. Events written by other tools
 * (no reserved key) read as schema version 1 with their metadata untouched.
 */
export const decodeMetadata = (stored: unknown, where: { streamId: string; streamVersion: number }): { schemaVersion: number; metadata: unknown } => {
  if (!isPlainObject(stored) || !(SCHEMA_VERSION_KEY in stored)) return { schemaVersion: 1, metadata: stored };
  const rawVersion = stored[SCHEMA_VERSION_KEY];
  const schemaVersion = typeof rawVersion === 'string' && /^\d+$/.test(rawVersion) ? Number(rawVersion) : rawVersion;
  if (typeof schemaVersion !== 'number' || !Number.isSafeInteger(schemaVersion) || schemaVersion < 0) {
    throw new KurrentDbEventFormatError(where.streamId, where.streamVersion, `has schema version ${JSON.stringify(rawVersion)} under "${SCHEMA_VERSION_KEY}"; expected a non-negative integer`);
  }
  if (WRAPPED_METADATA_KEY in stored) {
    const wrapped = stored[WRAPPED_METADATA_KEY];
    if (typeof wrapped !== 'string' || typeof rawVersion !== 'string') return { schemaVersion, metadata: wrapped };
    try {
      return { schemaVersion, metadata: JSON.parse(wrapped) as unknown };
    } catch {
      throw new KurrentDbEventFormatError(where.streamId, where.streamVersion, `has metadata under "${WRAPPED_METADATA_KEY}" that is not JSON`);
    }
  }
  const { [SCHEMA_VERSION_KEY]: _version, ...metadata } = stored;
  return { schemaVersion, metadata };
};

/** The client's event for a port event; checks what KurrentDB would refuse with a less helpful message. */
export const toEventData = (event: NewStoredEvent, form: MetadataForm): EventData<JSONEventType> => {
  if (typeof event.eventId !== 'string' || !UUID.test(event.eventId)) {
    throw new TypeError(`kurrentdb store: event id ${JSON.stringify(event.eventId)} is not a UUID; KurrentDB identifies events by UUID`);
  }
  if (typeof event.type !== 'string' || event.type.length === 0 || event.type.startsWith('$')) {
    throw new TypeError(`kurrentdb store: event type ${JSON.stringify(event.type)} must be a non-empty name not starting with "$" (reserved for KurrentDB system events)`);
  }
  if (!Number.isSafeInteger(event.schemaVersion) || event.schemaVersion < 0) {
    throw new TypeError(`kurrentdb store: schema version ${String(event.schemaVersion)} of event ${event.eventId} must be a non-negative integer`);
  }
  if (event.data === undefined) {
    throw new TypeError(`kurrentdb store: event ${event.eventId} has no data; KurrentDB stores JSON, which has no undefined`);
  }
  return jsonEvent<JSONEventType>({
    id: event.eventId,
    type: event.type,
    // The client types data as object, array or string; any JSON value is serialised the same way.
    data: event.data as JSONEventType['data'],
    metadata: encodeMetadata(event.schemaVersion, event.metadata, form),
  });
};

/** The port's stored event for an event the client read; refuses what the port cannot carry, naming the event. */
export const fromResolvedEvent = (resolved: ResolvedEvent): StoredEvent => {
  const recorded = resolved.event;
  if (!recorded) throw new Error('kurrentdb store: the server returned a link without its event');
  const streamVersion = Number(recorded.revision + 1n);
  const where = { streamId: recorded.streamId, streamVersion };
  if (!recorded.isJson) throw new KurrentDbEventFormatError(recorded.streamId, streamVersion, `(type ${recorded.type}) is not a JSON event`);
  const problem = positionProblem(recorded.position);
  if (problem !== undefined) {
    const old = recorded.position === undefined || recorded.position.commit > MAX_LOG_POSITION ? ' (servers before EventStoreDB 22.6 send no log position with stream reads)' : '';
    throw new KurrentDbEventFormatError(recorded.streamId, streamVersion, `${problem}${old}`);
  }
  const { schemaVersion, metadata } = decodeMetadata(recorded.metadata, where);
  return {
    eventId: recorded.id,
    type: recorded.type,
    schemaVersion,
    data: recorded.data,
    metadata,
    streamId: recorded.streamId,
    streamVersion,
    globalPosition: recorded.position!.commit,
  };
};

/** The global position of an event the client read (append read-backs, the head of the log). */
export const positionOf = (resolved: ResolvedEvent): GlobalPosition => {
  const recorded = resolved.event ?? resolved.link;
  if (!recorded) throw new Error('kurrentdb store: the server returned a read result without an event');
  const problem = positionProblem(recorded.position);
  if (problem !== undefined) throw new KurrentDbEventFormatError(recorded.streamId, Number(recorded.revision + 1n), problem);
  return recorded.position!.commit;
};

/**
 * One position of `$all` as `readAll` sees it: an event of the port, or a
 * record it passes over (still a position to read on from). Passed over are
 * KurrentDB's own events in the store's streams — a tombstone
 * (`$streamDeleted`), a link (`$>`), stream metadata, any type starting with
 * "$" — and events that are not JSON (other tools may write binary events).
 */
export type LogEntry =
  | { readonly kind: 'event'; readonly position: GlobalPosition; readonly event: StoredEvent }
  | { readonly kind: 'passed-over'; readonly position: GlobalPosition; readonly reason: string };

export const toLogEntry = (resolved: ResolvedEvent): LogEntry => {
  const recorded = resolved.event ?? resolved.link;
  if (!recorded) throw new Error('kurrentdb store: the server returned a read result without an event');
  const position = positionOf(resolved);
  const what = `event ${recorded.revision + 1n} of stream ${recorded.streamId} (type ${recorded.type})`;
  if (!resolved.event) return { kind: 'passed-over', position, reason: `${what} is a link whose event is gone` };
  if (recorded.type.startsWith('$')) return { kind: 'passed-over', position, reason: `${what} is a KurrentDB system event` };
  if (!recorded.isJson) return { kind: 'passed-over', position, reason: `${what} is not JSON` };
  return { kind: 'event', position, event: fromResolvedEvent(resolved) };
};
