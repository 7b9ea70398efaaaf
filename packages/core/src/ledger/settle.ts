import * as E from 'fp-ts/lib/Either.js';
import type { DomainError } from '../errors.js';
import type { AppendResult, EventStore, GlobalPosition } from '../store/port.js';
import type { BatchDecision, BatchItem, QueuedCommand } from './batch.js';
import { duplicateResult } from './duplicate.js';
import { appendFailure } from './errors.js';
import type { CommandResult } from './types.js';

/** Where a settled batch happened: its organization, its stream, and the stream's version now. */
export interface BatchPlace {
  readonly store: EventStore;
  readonly orgId: string;
  readonly streamId: string;
  readonly version: number;
}

/**
 * The global position of each appended event, by its place in the append.
 * Stores that number an append's events one after another (SQLite,
 * PostgreSQL, in-memory) need no read; others (KurrentDB's log positions)
 * are read back from the stream.
 */
export const appendedPositions = async (store: EventStore, streamId: string, append: AppendResult, count: number): Promise<(index: number) => GlobalPosition> => {
  if (append.lastPosition - append.firstPosition === BigInt(count - 1)) return (index) => append.firstPosition + BigInt(index);
  const fromVersion = append.nextExpectedVersion - count + 1;
  const read = await store.readStream(streamId, { fromVersion, maxCount: count });
  if (read.events.length !== count) throw new Error(`${store.name} store: ${count} events were appended to ${streamId}, but ${read.events.length} could be read back for their positions`);
  const positions = read.events.map((event) => event.globalPosition);
  return (index) => positions[index]!;
};

const unchanged = (place: BatchPlace, queued: QueuedCommand, item: Extract<BatchItem, { kind: 'unchanged' }>): CommandResult => ({
  status: 'unchanged',
  commandId: queued.commandId,
  orgId: place.orgId,
  streamId: place.streamId,
  events: [],
  outcomes: item.outcomes,
  streamVersion: item.version,
  firstPosition: 0n,
  lastPosition: 0n,
  retries: queued.retries,
});

const duplicate = async (place: BatchPlace, item: Extract<BatchItem, { kind: 'duplicate' }>): Promise<E.Either<DomainError, CommandResult>> =>
  duplicateResult(place.store, { orgId: place.orgId, streamId: place.streamId, commandId: item.queued.commandId, range: item.range, version: place.version, retries: item.queued.retries });

/**
 * Answers every command of a batch whose events landed: each decided command
 * with its own events, versions and positions; a command id repeated in the
 * batch as a duplicate of its first delivery; refusals and no-ops as decided.
 */
export const settleAppended = async (place: BatchPlace, decision: BatchDecision, positionAt: (index: number) => GlobalPosition): Promise<void> => {
  const applied = new Map<number, CommandResult>();
  let offset = 0;
  for (const [index, item] of decision.items.entries()) {
    if (item.kind !== 'decided') continue;
    const { queued, changes } = item;
    applied.set(index, {
      status: 'applied',
      commandId: queued.commandId,
      orgId: place.orgId,
      streamId: place.streamId,
      events: changes,
      outcomes: item.outcomes,
      streamVersion: changes[changes.length - 1]!.streamVersion,
      firstPosition: positionAt(offset),
      lastPosition: positionAt(offset + changes.length - 1),
      retries: queued.retries,
    });
    offset += changes.length;
  }
  for (const [index, item] of decision.items.entries()) {
    const { queued } = item;
    if (item.kind === 'decided') queued.settle(E.right(applied.get(index)!));
    else if (item.kind === 'same-as') queued.settle(E.right({ ...applied.get(item.index)!, status: 'duplicate', retries: queued.retries }));
    else if (item.kind === 'refused') queued.settle(E.left(item.error));
    else if (item.kind === 'unchanged') queued.settle(E.right(unchanged(place, queued, item)));
    else queued.settle(await duplicate(place, item));
  }
};

/**
 * Answers a batch whose append failed (it may or may not have landed, whole):
 * its decided commands get the failure with their command id to run them
 * again; a refusal or no-op decided on top of them goes back to the queue,
 * since it saw events that may not exist; the others stand. Returns the
 * commands to queue again.
 */
export const settleFailed = async (place: BatchPlace, decision: BatchDecision, cause: unknown): Promise<QueuedCommand[]> => {
  const again: QueuedCommand[] = [];
  for (const item of decision.items) {
    const { queued } = item;
    if (item.kind === 'decided' || item.kind === 'same-as') queued.settle(E.left(appendFailure(cause, queued.commandId)));
    else if ((item.kind === 'refused' || item.kind === 'unchanged') && item.afterOthers) again.push(queued);
    else if (item.kind === 'refused') queued.settle(E.left(item.error));
    else if (item.kind === 'unchanged') queued.settle(E.right(unchanged(place, queued, item)));
    else queued.settle(await duplicate(place, item));
  }
  return again;
};

/** Answers every command with the same failure (the organization could not be loaded, say). */
export const settleAll = (queue: readonly QueuedCommand[], failure: DomainError): void => {
  for (const queued of queue) queued.settle(E.left(failure));
};
