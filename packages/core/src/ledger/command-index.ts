/** The stream versions one command's events occupy (both inclusive). */
export interface CommandRange {
  readonly from: number;
  readonly to: number;
}

/**
 * Which commands an organization's stream already holds, and where: what
 * makes a redelivered command a duplicate. The ledger needs only these few
 * operations, so a bounded or compact index can replace the map below.
 */
export interface CommandIndex {
  has(commandId: string): boolean;
  get(commandId: string): CommandRange | undefined;
  /** Records that the event at `version` belongs to `commandId` (versions arrive in order). */
  track(commandId: string, version: number): void;
  /** Every command the index holds, for a snapshot. */
  entries(): IterableIterator<[string, CommandRange]>;
}

/** Every command id of the stream, kept for good: exact, and grows with the stream. */
class MapCommandIndex implements CommandIndex {
  constructor(private readonly ranges: Map<string, { from: number; to: number }>) {}

  has(commandId: string): boolean {
    return this.ranges.has(commandId);
  }

  get(commandId: string): CommandRange | undefined {
    return this.ranges.get(commandId);
  }

  track(commandId: string, version: number): void {
    const range = this.ranges.get(commandId);
    if (range) range.to = version;
    else this.ranges.set(commandId, { from: version, to: version });
  }

  entries(): IterableIterator<[string, CommandRange]> {
    return this.ranges.entries();
  }
}

/** An index of a stream's commands; `ranges` (as a snapshot restores them) is taken over, not copied. */
export const commandIndex = (ranges: Map<string, { from: number; to: number }> = new Map()): CommandIndex => new MapCommandIndex(ranges);
