import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { CURRENT_EVENT_CODECS, type DomainEvent, type EventType } from './events.js';
import { compileCopyWithout, compileFastCheck, type FastCheck } from './fast-checks.js';
import { orgIdOfStream } from './ids.js';
import { CHAIN_KEY, metadataWithoutLink, stampedApart, type LinkApart } from './chain/link.js';
import { EventMetadata } from './metadata.js';
import type { GlobalPosition, NewStoredEvent, StoredEvent } from './store/port.js';

/** A decoded event with its metadata and place in the log. */
export interface EventEnvelope<Ev extends DomainEvent = DomainEvent> {
  readonly event: Ev;
  readonly metadata: EventMetadata;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly globalPosition: GlobalPosition;
}

/** Why a stored event could not be read, naming where it is. */
export interface EventDecodeError {
  readonly code: 'EVENT_DECODE_FAILED' | 'UNKNOWN_EVENT_TYPE' | 'UNSUPPORTED_SCHEMA_VERSION';
  readonly streamId: string;
  readonly streamVersion: number;
  readonly globalPosition: GlobalPosition;
  readonly type: string;
  readonly schemaVersion: number;
  /** Dotted path of the failing field, e.g. `data.learnerId` or `metadata.actor.kind`. */
  readonly field?: string;
  readonly message: string;
}

/** Raised by writers when an event fails its own codec: a bug in the caller, never stored. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  readonly code = 'INVALID_EVENT';
  constructor(
    readonly type: string,
    readonly field: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** Turns an event of `fromVersion` into the shape of `fromVersion + 1`. */
export type Upcaster = (data: unknown) => unknown;

const upcasters = new Map<string, Upcaster>();
const key = (type: string, version: number) => `${type}@${version}`;

/** Registers how to read version `fromVersion` of `type` as version `fromVersion + 1`. */
export const registerUpcaster = (type: string, fromVersion: number, upcast: Upcaster): void => {
  upcasters.set(key(type, fromVersion), upcast);
};

// LearnerDeactivated v1 did not record the teams its move removed: read it as "none recorded".
registerUpcaster('LearnerDeactivated', 1, (data) => ({ removedTeams: [], ...(data as object) }));

/** The first failing field of an io-ts validation, as a dotted path and a sentence. */
export const describeValidation = (errors: t.Errors): { field: string | undefined; message: string } => {
  const first = errors[0];
  if (!first) return { field: undefined, message: 'invalid value' };
  const keys: string[] = [];
  first.context.forEach((entry, index) => {
    const parent = first.context[index - 1]?.type;
    // Intersection and union members are indexed by number; they are not fields.
    const isMemberIndex = parent instanceof t.IntersectionType || parent instanceof t.UnionType;
    if (entry.key !== '' && !isMemberIndex) keys.push(entry.key);
  });
  const field = keys.length > 0 ? keys.join('.') : undefined;
  const expected = first.message ?? first.context[first.context.length - 1]?.type.name ?? 'a valid value';
  const got = first.value === undefined ? 'but it is missing' : `got ${JSON.stringify(first.value)}`;
  return { field, message: `${field ?? 'value'}: expected ${expected}, ${got}` };
};

/**
 * Encodes an event for the store, validating it (and its metadata) against the
 * current codecs first: nothing invalid is ever written.
 */
export const encodeEvent = (event: DomainEvent, metadata: EventMetadata): NewStoredEvent => {
  const entry = CURRENT_EVENT_CODECS[event.type as EventType];
  if (!entry) throw new InvalidEventError(event.type, 'type', `Unknown event type ${event.type}`);
  // The checks compiled from the codecs first (they accept nothing the codecs refuse), then the codecs' own guards; decoding only to name the failing field.
  const checked = WRITE_CHECKS.get(event.type)?.(event) === true || (entry.codec as t.Mixed).is(event) ? undefined : entry.codec.decode(event);
  if (checked && E.isLeft(checked)) {
    const { field, message } = describeValidation(checked.left);
    throw new InvalidEventError(event.type, field, `${event.type}: ${message}`);
  }
  const meta = isMetadata(metadata) || EventMetadata.is(metadata) ? undefined : EventMetadata.decode(metadata);
  if (meta && E.isLeft(meta)) {
    const { field, message } = describeValidation(meta.left);
    throw new InvalidEventError(event.type, `metadata.${field ?? ''}`, `${event.type} metadata: ${message}`);
  }
  return {
    eventId: metadata.eventId,
    type: event.type,
    schemaVersion: entry.version,
    data: event.data,
    metadata,
  };
};

const orgMatches = (streamId: string, orgId: string): boolean => {
  const streamOrgId = orgIdOfStream(streamId);
  return streamOrgId === undefined || streamOrgId === orgId;
};

/** What reading needs of one event type: its current schema version and the check compiled from its codec. */
interface EventReader {
  readonly version: number;
  /** Checks the event's `data` (the `type` is the key the reader was found by). */
  readonly data: FastCheck;
}

const READERS: ReadonlyMap<string, EventReader> = new Map(
  Object.entries(CURRENT_EVENT_CODECS).map(([type, entry]) => [type, { version: entry.version, data: compileFastCheck(entry.codec.props.data as t.Mixed) }]),
);
const isMetadata: FastCheck = compileFastCheck(EventMetadata);
/** Each current event codec compiled whole (type and data), for checking events before they are written. */
const WRITE_CHECKS: ReadonlyMap<string, FastCheck> = new Map(Object.entries(CURRENT_EVENT_CODECS).map(([type, entry]) => [type, compileFastCheck(entry.codec as t.Mixed)]));
const copyMetadataWithoutLink = compileCopyWithout(EventMetadata, CHAIN_KEY);

/** {@link metadataWithoutLink}, by the copy compiled from the metadata codec when the metadata holds its keys only (a spread costs several times more). */
const envelopeMetadata = (metadata: unknown): unknown => {
  if (metadata === null || typeof metadata !== 'object' || !(CHAIN_KEY in metadata) || Array.isArray(metadata)) return metadata;
  return copyMetadataWithoutLink(metadata) ?? metadataWithoutLink(metadata);
};

/**
 * An appended event's metadata split into what a store that keeps the chain
 * link apart writes: the metadata without its link and the link (undefined
 * when it has none). Free for an event as `chainEvents` stamped it; any
 * other is split by the same copy decoding uses.
 */
export const linkApart = (event: { readonly metadata: unknown }): LinkApart => {
  const stamped = stampedApart(event as NewStoredEvent);
  if (stamped !== undefined) return stamped;
  const metadata = event.metadata;
  const without = envelopeMetadata(metadata);
  if (without === metadata) return { metadata, link: undefined };
  // Only an own key is written: JSON text holds no inherited one.
  return { metadata: without, link: Object.prototype.hasOwnProperty.call(metadata, CHAIN_KEY) ? (metadata as Record<string, unknown>)[CHAIN_KEY] : undefined };
};

/** Whether this library knows an event type at all (at any schema version). */
export const isKnownEventType = (type: string): type is EventType => READERS.has(type);

// Events arrive stream by stream: the organization of the last stream asked about is remembered.
let lastStreamId = '';
let lastStreamOrgId: string | undefined;
const orgIdOfStreamRemembered = (streamId: string): string | undefined => {
  if (streamId !== lastStreamId) {
    lastStreamOrgId = orgIdOfStream(streamId);
    lastStreamId = streamId;
  }
  return lastStreamOrgId;
};

/** Set on a stored event that passed the read checks when a store took it and that nothing can change since. */
const CHECKED_ON_WRITE: unique symbol = Symbol('checked on write');
/** Set on such an event when its metadata carries a chain link: the metadata without it, built once. */
const WITHOUT_LINK: unique symbol = Symbol('metadata without its chain link');
type CheckedOnWrite = StoredEvent & { readonly [CHECKED_ON_WRITE]?: true; readonly [WITHOUT_LINK]?: unknown };

/**
 * The envelope of an event stored at its current schema version when the
 * checks compiled from its codecs accept it, else undefined. The compiled
 * checks accept nothing the codecs' type guards refuse, so this returns
 * exactly what the guarded path below would, without io-ts at run time.
 */
const fastEnvelope = (stored: StoredEvent): EventEnvelope | undefined => {
  const reader = READERS.get(stored.type);
  if (reader === undefined || stored.schemaVersion !== reader.version) return undefined;
  // The chain link is the store's tamper evidence, not part of what the event says.
  const metadata = ((stored as CheckedOnWrite)[WITHOUT_LINK] ?? envelopeMetadata(stored.metadata)) as EventMetadata;
  if ((stored as CheckedOnWrite)[CHECKED_ON_WRITE] !== true && !passesChecks(stored, reader, metadata)) return undefined;
  const event = { type: stored.type, data: stored.data } as DomainEvent;
  return { event, metadata, streamId: stored.streamId, streamVersion: stored.streamVersion, globalPosition: stored.globalPosition };
};

/** Whether the checks compiled from the codecs accept the event's data and its metadata (without the chain link), in its stream's organization. */
const passesChecks = (stored: StoredEvent, reader: EventReader, metadata: EventMetadata): boolean => {
  if (!reader.data(stored.data) || !isMetadata(metadata)) return false;
  const streamOrgId = orgIdOfStreamRemembered(stored.streamId);
  return streamOrgId === undefined || streamOrgId === metadata.orgId;
};

/**
 * The metadata of a stored event the fast path of {@link decodeEvent} takes,
 * as stored (its chain link left in: the metadata codec looks at its own keys
 * only, so the checks accept it exactly when they accept it without), else
 * undefined. For a fold that reads each event once, in place, and needs
 * neither an envelope nor a copy of the metadata: `decodeEvent` gives the
 * event `{ type, data }` of the stored event and this metadata less its link.
 */
export const trustedMetadata = (stored: StoredEvent): EventMetadata | undefined => {
  const reader = READERS.get(stored.type);
  if (reader === undefined || stored.schemaVersion !== reader.version) return undefined;
  const metadata = stored.metadata as EventMetadata;
  if ((stored as CheckedOnWrite)[CHECKED_ON_WRITE] === true) return metadata;
  // Only a plain object reads the same with its link as without (a spread would leave inherited fields behind).
  if (!reader.data(stored.data) || !isMetadata(metadata) || Object.getPrototypeOf(metadata) !== Object.prototype) return undefined;
  const streamOrgId = orgIdOfStreamRemembered(stored.streamId);
  return streamOrgId === undefined || streamOrgId === metadata.orgId ? metadata : undefined;
};

/**
 * A stored event with every field and mark inside the object itself. Built
 * by a constructor, V8 keeps them all in the object; a spread with fields
 * and marks added after it keeps the added ones in a separate array, one
 * more cache miss on every read of a large log (the first read of an event
 * is most of a replay's time in memory). The prototype is then set back to
 * `Object.prototype`: it reads as the plain object it was.
 */
class StoredRecord {
  constructor(stored: StoredEvent, withoutLink: unknown, checked: boolean) {
    const self = this as unknown as { -readonly [K in keyof StoredEvent]: StoredEvent[K] };
    self.eventId = stored.eventId;
    self.type = stored.type;
    self.schemaVersion = stored.schemaVersion;
    self.data = stored.data;
    self.metadata = stored.metadata;
    self.streamId = stored.streamId;
    self.streamVersion = stored.streamVersion;
    self.globalPosition = stored.globalPosition;
    // Not enumerable: a spread or `Object.assign` of the event never carries them to an object that can change.
    if (withoutLink !== stored.metadata) Object.defineProperty(this, WITHOUT_LINK, { value: Object.freeze(withoutLink) });
    if (checked) Object.defineProperty(this, CHECKED_ON_WRITE, { value: true });
  }
}

/**
 * A frozen copy of a stored event a store has just built, marked when the
 * read checks accept it now: reading it later skips them, since its schema
 * version is this code's and nothing can change it any more. Its data and
 * metadata must already be frozen through and through (the in-memory
 * store's copies); they are shared, not copied.
 */
export const freezeCheckedOnWrite = (stored: StoredEvent): StoredEvent => {
  const withoutLink = envelopeMetadata(stored.metadata);
  const reader = READERS.get(stored.type);
  const checked = reader !== undefined && stored.schemaVersion === reader.version && passesChecks(stored, reader, withoutLink as EventMetadata);
  // Kept beside the event: every read of it (a replay reads each many times) would otherwise copy its metadata to drop the link.
  const record = Object.setPrototypeOf(new StoredRecord(stored, withoutLink, checked), Object.prototype) as StoredEvent;
  return Object.freeze(record);
};

/** The envelope of `data` (current shape) when the type guards accept it, else undefined: no values or error reports built. */
const guarded = (stored: StoredEvent, entry: (typeof CURRENT_EVENT_CODECS)[EventType], data: unknown): EventEnvelope | undefined => {
  const candidate = { type: stored.type, data };
  if (!((entry.codec as t.Mixed).is(candidate) && EventMetadata.is(stored.metadata) && orgMatches(stored.streamId, stored.metadata.orgId))) return undefined;
  return { event: candidate as DomainEvent, metadata: envelopeMetadata(stored.metadata) as EventMetadata, streamId: stored.streamId, streamVersion: stored.streamVersion, globalPosition: stored.globalPosition };
};

/**
 * Decodes a stored event: upcasts older schema versions to the current one,
 * then validates data and metadata. An event at its current version that the
 * checks compiled from the codecs accept takes the fast path (no io-ts, nothing
 * but the envelope built): events were validated when written, so a replay of
 * millions of events does not pay for it twice. Anything else — an older
 * version, a hand edit, another application's event — gets the full decode,
 * whose errors name the stream, position, type and failing field.
 */
export const decodeEvent = (stored: StoredEvent): E.Either<EventDecodeError, EventEnvelope> => {
  const fast = fastEnvelope(stored);
  return fast !== undefined ? E.right(fast) : decodeEventFully(stored);
};

/**
 * {@link decodeEvent} without its fast path: the io-ts type guards, or the
 * full decode naming the failing field. Gives the same result for every
 * stored event, only slower; for audits that want the codecs alone.
 */
export const decodeEventFully = (stored: StoredEvent): E.Either<EventDecodeError, EventEnvelope> => {
  const entry = isKnownEventType(stored.type) ? CURRENT_EVENT_CODECS[stored.type] : undefined;
  // The type guards check exactly what decoding checks: the fast path for valid events.
  const current = entry && stored.schemaVersion === entry.version ? guarded(stored, entry, stored.data) : undefined;
  if (current) return E.right(current);
  const where = {
    streamId: stored.streamId,
    streamVersion: stored.streamVersion,
    globalPosition: stored.globalPosition,
    type: stored.type,
    schemaVersion: stored.schemaVersion,
  };
  const at = `stream ${stored.streamId} version ${stored.streamVersion} (global position ${stored.globalPosition})`;
  if (!entry) {
    return E.left({ ...where, code: 'UNKNOWN_EVENT_TYPE', message: `Unknown event type ${JSON.stringify(stored.type)} at ${at}` });
  }
  if (!Number.isInteger(stored.schemaVersion) || stored.schemaVersion < 1 || stored.schemaVersion > entry.version) {
    return E.left({
      ...where,
      code: 'UNSUPPORTED_SCHEMA_VERSION',
      message: `${stored.type} schema version ${stored.schemaVersion} at ${at} is not supported (this library reads 1 to ${entry.version}); it was written by a newer version`,
    });
  }
  let data = stored.data;
  for (let version = stored.schemaVersion; version < entry.version; version++) {
    const upcast = upcasters.get(key(stored.type, version));
    if (!upcast) {
      return E.left({ ...where, code: 'UNSUPPORTED_SCHEMA_VERSION', message: `No upcaster from ${stored.type} v${version} at ${at}` });
    }
    data = upcast(data);
  }
  const upcast = stored.schemaVersion !== entry.version ? guarded(stored, entry, data) : undefined;
  if (upcast) return E.right(upcast);
  const candidate = { type: stored.type, data };
  const decoded = entry.codec.decode(candidate);
  if (E.isLeft(decoded)) {
    const { field, message } = describeValidation(decoded.left);
    return E.left({ ...where, code: 'EVENT_DECODE_FAILED', field, message: `${stored.type} at ${at}: ${message}` });
  }
  // The chain link is the store's tamper evidence, not part of what the event says.
  const meta = EventMetadata.decode(metadataWithoutLink(stored.metadata));
  if (E.isLeft(meta)) {
    const { field, message } = describeValidation(meta.left);
    return E.left({
      ...where,
      code: 'EVENT_DECODE_FAILED',
      field: `metadata.${field ?? ''}`,
      message: `${stored.type} at ${at}: metadata ${message}`,
    });
  }
  // An event copied into another organization's stream must not be folded into that organization.
  const streamOrgId = orgIdOfStream(stored.streamId);
  if (!orgMatches(stored.streamId, meta.right.orgId)) {
    return E.left({
      ...where,
      code: 'EVENT_DECODE_FAILED',
      field: 'metadata.orgId',
      message: `${stored.type} at ${at}: metadata orgId ${JSON.stringify(meta.right.orgId)} is not the organization of the stream (${streamOrgId})`,
    });
  }
  return E.right({
    event: decoded.right as DomainEvent,
    metadata: meta.right,
    streamId: stored.streamId,
    streamVersion: stored.streamVersion,
    globalPosition: stored.globalPosition,
  });
};

/** Thrown where a caller asked to fail on undecodable events. */
export class EventDecodeFailure extends Error {
  override readonly name = 'EventDecodeFailure';
  constructor(readonly error: EventDecodeError) {
    super(error.message);
  }
  get code() {
    return this.error.code;
  }
}

/** Decodes or throws {@link EventDecodeFailure}. */
export const decodeEventOrThrow = (stored: StoredEvent): EventEnvelope => {
  const result = decodeEvent(stored);
  if (E.isLeft(result)) throw new EventDecodeFailure(result.left);
  return result.right;
};
