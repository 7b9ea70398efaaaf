import * as E from 'fp-ts/lib/Either.js';
import { domainError, type DomainError } from '../errors.js';
import { decodeEvent, type EventEnvelope } from '../serialization.js';
import type { EventStore } from '../store/port.js';
import type { CommandRange } from './command-index.js';
import { toDomainError } from './errors.js';
import { outcomesOfRecorded } from './recorded-outcomes.js';
import type { CommandResult } from './types.js';

/** Where a command already applied stands, and what the caller asked under its id. */
export interface DuplicateCommand {
  readonly orgId: string;
  readonly streamId: string;
  readonly commandId: string;
  /** The stream versions its events occupy. */
  readonly range: CommandRange;
  /** The stream's version now. */
  readonly version: number;
  readonly retries: number;
}

/** The answer to a command delivered again: the events it appended the first time, read back from the stream, and the outcomes it had. */
export const duplicateResult = async (store: EventStore, duplicate: DuplicateCommand): Promise<E.Either<DomainError, CommandResult>> => {
  const { range } = duplicate;
  try {
    const read = await store.readStream(duplicate.streamId, { fromVersion: range.from, maxCount: range.to - range.from + 1 });
    const envelopes: EventEnvelope[] = [];
    for (const stored of read.events) {
      const decoded = decodeEvent(stored);
      if (E.isLeft(decoded)) return E.left(domainError('EVENT_DECODE_FAILED', decoded.left.message));
      envelopes.push(decoded.right);
    }
    const events = envelopes.map((e) => ({ event: e.event, metadata: e.metadata, streamVersion: e.streamVersion }));
    return E.right({
      status: 'duplicate',
      commandId: duplicate.commandId,
      orgId: duplicate.orgId,
      streamId: duplicate.streamId,
      events,
      outcomes: outcomesOfRecorded(events),
      streamVersion: duplicate.version,
      firstPosition: envelopes[0]?.globalPosition ?? 0n,
      lastPosition: envelopes[envelopes.length - 1]?.globalPosition ?? 0n,
      retries: duplicate.retries,
    });
  } catch (error) {
    return E.left(toDomainError(error));
  }
};
