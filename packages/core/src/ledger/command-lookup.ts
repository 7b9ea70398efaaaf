import type { EventStore, StoredEvent } from '../store/port.js';
import type { QueuedCommand } from './batch.js';
import type { CommandIndex, CommandRange } from './command-index.js';

const commandIdOf = (metadata: unknown): unknown => (typeof metadata === 'object' && metadata !== null ? (metadata as { commandId?: unknown }).commandId : undefined);

/**
 * Where the stream holds `commandId`'s events, or undefined when it holds
 * none: exact. The latest commands are known by id; an older fingerprint
 * match is confirmed by reading the one event at its first version (rare by
 * construction: a 32-bit fingerprint matches another command's about once in
 * four billion per command).
 */
export const findCommand = async (store: EventStore, streamId: string, index: CommandIndex, commandId: string): Promise<CommandRange | undefined> => {
  const recent = index.recentRange(commandId);
  if (recent) return recent;
  for (const range of index.candidates(commandId)) {
    const read = await store.readStream(streamId, { fromVersion: range.from, maxCount: 1 });
    const first = read.events[0];
    if (first !== undefined && first.streamVersion === range.from && commandIdOf(first.metadata) === commandId) return range;
  }
  return undefined;
};

/** Where the stream holds each queued command that it holds already, looked up before deciding (a read at most per older fingerprint match). */
export const knownCommands = async (store: EventStore, streamId: string, index: CommandIndex, queue: readonly QueuedCommand[]): Promise<Map<string, CommandRange>> => {
  const known = new Map<string, CommandRange>();
  for (const { commandId } of queue) {
    if (known.has(commandId)) continue;
    const range = await findCommand(store, streamId, index, commandId);
    if (range) known.set(commandId, range);
  }
  return known;
};

/** The commands of events read after the cached version (another writer's), with their ranges: exact however many there are. */
export const commandsIn = (events: readonly StoredEvent[]): Map<string, CommandRange> => {
  const ranges = new Map<string, { from: number; to: number }>();
  for (const stored of events) {
    const commandId = commandIdOf(stored.metadata);
    if (typeof commandId !== 'string') continue;
    const range = ranges.get(commandId);
    if (range) range.to = stored.streamVersion;
    else ranges.set(commandId, { from: stored.streamVersion, to: stored.streamVersion });
  }
  return ranges;
};
