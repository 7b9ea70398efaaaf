import { type Growing, hasMoved, moveSlots, startGrowing } from '../organization/table/growing.js';
import { PagedColumn, U32 } from '../organization/table/paged-column.js';

/** The stream versions one command's events occupy (both inclusive). */
export interface CommandRange {
  readonly from: number;
  readonly to: number;
}

/** How many of the latest command ids are kept exactly: a redelivery among them needs no read. */
export const RECENT_COMMANDS = 1024;

/** The 32-bit fingerprint of a command id: FNV-1a over its UTF-16 units, then murmur3's finalizer. Snapshots keep it: changing it is a new snapshot version. */
export const commandFingerprint = (commandId: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < commandId.length; i++) hash = Math.imul(hash ^ commandId.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
};

const MIN_SLOTS = 1 << 10;

/** Old slots each new command moves while the table grows (the new table takes 3/4 of the old size in commands before it grows in turn: 2 would do). */
const MOVE_SLOTS_PER_COMMAND = 8;

/** What a snapshot keeps of a command index: every command's fingerprint and first version, in stream order. */
export interface CommandIndexParts {
  readonly count: number;
  readonly fingerprints: PagedColumn<Uint32Array>;
  readonly starts: PagedColumn<Uint32Array>;
  /** The version of the last event tracked (the last command's range ends there). */
  readonly lastVersion: number;
}

/**
 * Which commands an organization's stream holds, and where, in a few bytes a
 * command: each command's 32-bit fingerprint and the version of its first
 * event, appended in stream order (a command's range ends where the next
 * one starts), and an open-addressing table of command numbers by
 * fingerprint. The latest {@link RECENT_COMMANDS} ids are also kept exactly.
 * A fingerprint can be shared, so an older match is only a candidate, which
 * the ledger confirms by reading the event at its first version.
 */
export class CommandIndex {
  private count: number;
  /** Commands that came from a snapshot (their ids are not known here). */
  private readonly restored: number;
  private lastVersionTracked: number;
  private lastCommandId: string | undefined = undefined;
  private readonly fingerprints: PagedColumn<Uint32Array>;
  private readonly starts: PagedColumn<Uint32Array>;
  /** Command number + 1 (0: empty), at the slot of its fingerprint (linear probing). */
  private slots: PagedColumn<Uint32Array> = PagedColumn.empty(U32);
  private mask = 0;
  private growing: Growing | undefined = undefined;
  /** The latest command ids → their numbers. */
  private readonly recent = new Map<string, number>();
  /** The same ids in a ring, by command number modulo its length: the one to forget when a new one comes. */
  private readonly recentRing: (string | undefined)[];

  /**
   * An index of no commands, or of those a snapshot kept. `fingerprint`,
   * `recentCommands` and `moveSlotsPerCommand` are for tests that force shared fingerprints and older
   * matches.
   */
  constructor(
    parts?: CommandIndexParts,
    private readonly fingerprint: (commandId: string) => number = commandFingerprint,
    private readonly recentCommands: number = RECENT_COMMANDS,
    private readonly moveSlotsPerCommand: number = MOVE_SLOTS_PER_COMMAND,
  ) {
    this.count = parts?.count ?? 0;
    this.restored = this.count;
    this.lastVersionTracked = parts?.lastVersion ?? 0;
    this.fingerprints = parts?.fingerprints ?? PagedColumn.empty(U32);
    this.starts = parts?.starts ?? PagedColumn.empty(U32);
    this.recentRing = new Array<string | undefined>(recentCommands);
    this.resize(this.count);
  }

  /** How many of the latest commands the ring holds (none before the index tracked any). */
  private get recentWindow(): number {
    return Math.min(this.recentCommands, this.count - this.restored);
  }

  /** Commands indexed. */
  get size(): number {
    return this.count;
  }

  /** The version of the last event tracked (0: none). */
  get lastVersion(): number {
    return this.lastVersionTracked;
  }

  /** Records that the event at `version` belongs to `commandId` (versions arrive in order; a command's events are consecutive). */
  track(commandId: string, version: number): void {
    this.lastVersionTracked = version;
    if (commandId === this.lastCommandId) return;
    this.lastCommandId = commandId;
    const number = this.count++;
    this.fingerprints.reserve(this.count);
    this.starts.reserve(this.count);
    this.fingerprints.set(number, this.fingerprint(commandId));
    this.starts.set(number, version);
    this.moveOn();
    if (this.count * 4 > (this.mask + 1) * 3) this.grow();
    this.place(number);
    if (this.recentCommands > 0) {
      const slot = number % this.recentCommands;
      const forgotten = this.recentRing[slot];
      if (forgotten !== undefined && this.recent.get(forgotten) === number - this.recentCommands) this.recent.delete(forgotten);
      this.recentRing[slot] = commandId;
      this.recent.set(commandId, number);
    }
  }

  /** The range of `commandId` when it is among the latest commands (exact). */
  recentRange(commandId: string): CommandRange | undefined {
    const number = this.recent.get(commandId);
    return number === undefined ? undefined : this.rangeOf(number);
  }

  /**
   * The ranges of older commands whose fingerprint is the one of `commandId`:
   * each may be it. Commands among the latest are left out (their ids are known).
   */
  candidates(commandId: string): CommandRange[] {
    const fingerprint = this.fingerprint(commandId) >>> 0;
    // The ids of the latest commands are all in the ring: a match among them was found by id already.
    const recentFrom = this.count - this.recentWindow;
    const ranges: CommandRange[] = [];
    const collect = (slots: PagedColumn<Uint32Array>, mask: number) => {
      for (let slot = fingerprint & mask; ; slot = (slot + 1) & mask) {
        const value = slots.get(slot);
        if (value === 0) break;
        const number = value - 1;
        if (number < recentFrom && this.fingerprints.get(number) === fingerprint) ranges.push(this.rangeOf(number));
      }
    };
    collect(this.slots, this.mask);
    // While the table grows, commands whose cluster has not moved yet are still in the old table (each command is in one of the two).
    const growing = this.growing;
    if (growing !== undefined && !hasMoved(growing, fingerprint & growing.oldMask)) collect(growing.old, growing.oldMask);
    return ranges.sort((a, b) => a.from - b.from);
  }

  /** What a snapshot writes: a copy that later commands never change. O(pages). */
  freeze(): CommandIndexParts {
    return { count: this.count, fingerprints: this.fingerprints.freeze(), starts: this.starts.freeze(), lastVersion: this.lastVersionTracked };
  }

  /** Bytes the index takes (fingerprints, starts, table). */
  get byteSize(): number {
    return this.fingerprints.byteSize + this.starts.byteSize + this.slots.byteSize + (this.growing?.old.byteSize ?? 0);
  }

  private rangeOf(number: number): CommandRange {
    const from = this.starts.get(number);
    const to = number + 1 < this.count ? this.starts.get(number + 1) - 1 : this.lastVersionTracked;
    return { from, to };
  }

  private place(number: number): void {
    let slot = this.fingerprints.get(number) & this.mask;
    while (this.slots.get(slot) !== 0) slot = (slot + 1) & this.mask;
    this.slots.set(slot, number + 1);
  }

  /**
   * Doubles the table; its commands move over the next commands tracked, a
   * few slots each ({@link CommandIndex.moveOn}): at a million commands,
   * placing them all at once held one command up for 100-200 ms.
   */
  private grow(): void {
    while (this.growing !== undefined) this.moveOn();
    ({ slots: this.slots, mask: this.mask, growing: this.growing } = startGrowing(this.slots, this.mask));
  }

  /** Moves at least `moveSlotsPerCommand` old slots into the table, up to the end of a cluster (see growing.ts). */
  private moveOn(): void {
    if (this.growing !== undefined && moveSlots(this.growing, this.moveSlotsPerCommand, (value) => this.place(value - 1))) this.growing = undefined;
  }

  /** A table with room for `commands` at most 3/4 full, holding every command so far (built at once: a restored index). */
  private resize(commands: number): void {
    let size = MIN_SLOTS;
    while (size * 3 < commands * 4 + 4) size *= 2;
    if (size === this.mask + 1) return;
    this.slots = PagedColumn.empty(U32);
    this.slots.reserve(size);
    this.mask = size - 1;
    for (let number = 0; number < this.count; number++) this.place(number);
  }
}
