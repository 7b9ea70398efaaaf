import type { EventStore } from '../store/port.js';
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
