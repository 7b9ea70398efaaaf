import * as E from 'fp-ts/lib/Either.js';
import {
  CURRENT_EVENT_CODECS,
  EventMetadata,
  decodeEvent,
  orgIdOfStream,
  type DomainEvent,
  type EventDecodeError,
  type EventEnvelope,
  type EventType,
  type StoredEvent,
} from '@learner-ledger/core';

/** True when this library knows the event type at all (at any schema version). */
export const isKnownEventType = (type: string): type is EventType => Object.prototype.hasOwnProperty.call(CURRENT_EVENT_CODECS, type);

/**
 * Decodes a stored event with the core's codecs. Events already at the current
 * schema version are checked with the codecs' type guards, which accept
 * exactly what `decodeEvent` accepts but without building error reports; any
 * other event, and any event the guards refuse, goes through `decodeEvent`
 * itself, so the errors are the core's (naming stream, position and field).
 */
export const decodeStoredEvent = (stored: StoredEvent): E.Either<EventDecodeError, EventEnvelope> => {
  if (isKnownEventType(stored.type)) {
    const entry = CURRENT_EVENT_CODECS[stored.type];
    if (stored.schemaVersion === entry.version) {
      const candidate = { type: stored.type, data: stored.data };
      const streamOrgId = orgIdOfStream(stored.streamId);
      if (entry.codec.is(candidate) && EventMetadata.is(stored.metadata) && (streamOrgId === undefined || stored.metadata.orgId === streamOrgId)) {
        return E.right({
          event: candidate as DomainEvent,
          metadata: stored.metadata,
          streamId: stored.streamId,
          streamVersion: stored.streamVersion,
          globalPosition: stored.globalPosition,
        });
      }
    }
  }
  return decodeEvent(stored);
};
