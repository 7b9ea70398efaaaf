import * as E from 'fp-ts/lib/Either.js';
import { chainEvents } from '../chain/link.js';
import type { Command } from '../commands.js';
import type { DomainError } from '../errors.js';
import { organizationStreamId } from '../ids.js';
import { organizationDecider } from '../organization/decider.js';
import type { Outcome } from '../organization/outcomes.js';
import { draftOf, type OrganizationState } from '../organization/state.js';
import { encodeEvent } from '../serialization.js';
import type { NewStoredEvent } from '../store/port.js';
import { compareInstants } from '../time.js';
import type { CommandRange } from './command-index.js';
import { encodingFailure, toDomainError } from './errors.js';
import { recordChanges, type CommandStamp } from './event-metadata.js';
import { outcomesToRecord } from './recorded-outcomes.js';
import type { CacheEntry } from './state-cache.js';
import type { CommandContext, CommandResult, RecordedChange } from './types.js';

/** A command waiting in its organization's queue. */
export interface QueuedCommand {
  readonly command: Command;
  readonly context: CommandContext;
  readonly commandId: string;
  /** The canonical instant it is decided at: the caller's, or the ledger's clock reading when it was queued. */
  readonly now: string;
  /** `now` is the clock's reading: it is lifted to the organization's last instant when the clock is behind. */
  readonly fromClock: boolean;
  /** Lost races so far. */
  retries: number;
  readonly settle: (result: E.Either<DomainError, CommandResult>) => void;
}

/** What one command of a batch came to, before anything is written. */
export type BatchItem =
  /** Applied before, by this or another writer: its events occupy `range`. */
  | { readonly kind: 'duplicate'; readonly queued: QueuedCommand; readonly range: CommandRange }
  /** The same command id as the decided command at `index` of this batch. */
  | { readonly kind: 'same-as'; readonly queued: QueuedCommand; readonly index: number }
  | { readonly kind: 'refused'; readonly queued: QueuedCommand; readonly error: DomainError; readonly afterOthers: boolean }
  | { readonly kind: 'unchanged'; readonly queued: QueuedCommand; readonly outcomes: readonly Outcome[]; readonly version: number; readonly afterOthers: boolean }
  | { readonly kind: 'decided'; readonly queued: QueuedCommand; readonly changes: readonly RecordedChange[]; readonly outcomes: readonly Outcome[] };

/** A batch decided on one state: its commands' answers and every event to append, command after command. */
export interface BatchDecision {
  readonly items: readonly BatchItem[];
  /** Commands left for a later batch (the batch was full): they go back to the front of the queue. */
  readonly deferred: readonly QueuedCommand[];
  readonly changes: readonly RecordedChange[];
  readonly encoded: readonly NewStoredEvent[];
  /** The chain hash of each change (undefined when the events are written without the chain). */
  readonly hashes: readonly string[] | undefined;
}

export interface BatchLimits {
  /** A batch stops taking commands once its events would exceed this (its first command is always taken). */
  readonly maxEvents: number;
  readonly newId: () => string;
  /** Stamp each event with its chain link. */
  readonly chain: boolean;
  /** Seals an encoded event's personal fields, before it is chained: the chain hashes what is stored. */
  readonly seal?: (event: NewStoredEvent) => NewStoredEvent;
}

/**
 * The instant a command is decided at, and the clock's own reading when that
 * was earlier than the organization's last event: a writer whose clock is
 * behind never dates an event before the one it follows.
 */
export const stampOf = (queued: QueuedCommand, orgId: string, lastOccurredAt: string | undefined): CommandStamp => {
  const { commandId, context, now } = queued;
  if (queued.fromClock && lastOccurredAt !== undefined && compareInstants(now, lastOccurredAt) < 0) {
    return { orgId, commandId, context, now: lastOccurredAt, clockReading: now };
  }
  return { orgId, commandId, context, now };
};

/**
 * Decides queued commands one after another on the entry's state, each on
 * a working draft that holds the events of the commands decided before it,
 * so they can be appended together. The entry itself is left as it is: it
 * moves only once the append landed. A refused command adds nothing; a
 * command id seen earlier (in the stream or in this batch) is a duplicate.
 */
export const decideBatch = (
  entry: CacheEntry,
  orgId: string,
  queue: readonly QueuedCommand[],
  limits: BatchLimits,
  /** Where the stream already holds a command's events (exact), or undefined. */
  applied: (commandId: string) => CommandRange | undefined,
): BatchDecision => {
  const items: BatchItem[] = [];
  const changes: RecordedChange[] = [];
  const encoded: NewStoredEvent[] = [];
  const decidedAt = new Map<string, number>();
  let state: OrganizationState = entry.state;
  let draft: OrganizationState | undefined;
  let version = entry.version;
  let lastOccurredAt = entry.lastOccurredAt;
  const hashes: string[] | undefined = limits.chain ? [] : undefined;
  let previousHash = entry.lastHash;
  // Events written before the chain are anchored once, by the first chained event after them.
  let anchors = entry.lastChained ? 0 : entry.version;
  if (limits.chain && previousHash === undefined) throw new Error(`The chain hash of ${organizationStreamId(orgId)} at version ${entry.version} is not known`);
  for (let k = 0; k < queue.length; k++) {
    const queued = queue[k]!;
    const afterOthers = decidedAt.size > 0;
    const range = applied(queued.commandId);
    if (range) {
      items.push({ kind: 'duplicate', queued, range });
      continue;
    }
    const same = decidedAt.get(queued.commandId);
    if (same !== undefined) {
      items.push({ kind: 'same-as', queued, index: same });
      continue;
    }
    const stamp = stampOf(queued, orgId, lastOccurredAt);
    const decision = organizationDecider.decide(queued.command, state, { now: stamp.now, channel: queued.context.channel });
    if (E.isLeft(decision)) {
      items.push({ kind: 'refused', queued, error: decision.left, afterOthers });
      continue;
    }
    const { events, outcomes } = decision.right;
    if (events.length === 0) {
      items.push({ kind: 'unchanged', queued, outcomes, version, afterOthers });
      continue;
    }
    if (afterOthers && encoded.length + events.length > limits.maxEvents) return { items, deferred: queue.slice(k), changes, encoded, hashes };
    let recorded: RecordedChange[];
    let mine: NewStoredEvent[];
    try {
      recorded = recordChanges(stamp, events, version, limits.newId);
      // What the events cannot tell of the outcomes travels with the first event, for a repeated delivery to answer with.
      const toRecord = outcomesToRecord(recorded, outcomes);
      if (toRecord !== undefined) recorded[0] = { ...recorded[0]!, metadata: { ...recorded[0]!.metadata, outcomes: toRecord } };
    } catch (error) {
      items.push({ kind: 'refused', queued, error: toDomainError(error), afterOthers });
      continue;
    }
    try {
      mine = recorded.map((change) => encodeEvent(change.event, change.metadata));
      if (limits.seal) mine = mine.map(limits.seal);
    } catch (error) {
      items.push({ kind: 'refused', queued, error: encodingFailure(error), afterOthers });
      continue;
    }
    if (hashes) {
      const chained = chainEvents(organizationStreamId(orgId), mine, version + 1, previousHash!, anchors);
      mine = [...chained.events];
      hashes.push(...chained.hashes);
      previousHash = chained.hashes[chained.hashes.length - 1];
      anchors = 0;
    }
    decidedAt.set(queued.commandId, items.length);
    items.push({ kind: 'decided', queued, changes: recorded, outcomes });
    changes.push(...recorded);
    encoded.push(...mine);
    version += recorded.length;
    if (compareInstants(stamp.now, lastOccurredAt ?? stamp.now) >= 0) lastOccurredAt = stamp.now;
    if (k < queue.length - 1) {
      // The next command decides on this one's events; the entry's own state moves only after the append.
      draft ??= draftOf(entry.state);
      state = draft;
      for (const change of recorded) organizationDecider.evolve(draft, change.event, change.metadata);
    }
  }
  return { items, deferred: [], changes, encoded, hashes };
};
