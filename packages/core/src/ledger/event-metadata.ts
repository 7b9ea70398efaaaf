import type { EventMetadata } from '../metadata.js';
import type { Emitted } from '../organization/decision.js';
import type { CommandContext, RecordedChange } from './types.js';

/** What every event of one command shares: its organization, command id, instant and caller. */
export interface CommandStamp {
  readonly orgId: string;
  readonly commandId: string;
  /** The canonical UTC instant the command is decided at. */
  readonly now: string;
  /** The clock's reading, when it was earlier than `now` (the organization's last instant). */
  readonly clockReading?: string;
  readonly context: CommandContext;
}

/** The metadata of one emitted event: the command's, overridden by what the decision says about this event. */
export const eventMetadata = (stamp: CommandStamp, emitted: Emitted, eventId: string): EventMetadata => {
  const { context, commandId } = stamp;
  const line = emitted.line ?? context.line;
  return {
    eventId,
    occurredAt: stamp.now,
    orgId: stamp.orgId,
    commandId,
    correlationId: context.correlationId ?? commandId,
    causationId: emitted.causationId ?? context.causationId ?? commandId,
    actor: emitted.actor ?? context.actor,
    channel: emitted.channel ?? context.channel,
    ...(context.importId !== undefined ? { importId: context.importId } : {}),
    ...(context.fileName !== undefined ? { fileName: context.fileName } : {}),
    ...(line !== undefined ? { line } : {}),
    ...(stamp.clockReading !== undefined ? { clockReading: stamp.clockReading } : {}),
  };
};

/** The decided events as they will stand in the stream: metadata, and the versions after `version`. */
export const recordChanges = (stamp: CommandStamp, emitted: readonly Emitted[], version: number, newId: () => string): RecordedChange[] =>
  emitted.map((item, index) => ({
    event: item.event,
    metadata: eventMetadata(stamp, item, newId()),
    streamVersion: version + index + 1,
  }));
