import { type Command, type CommandContext, type EventStore, type Ledger, createLedger } from '@learner-ledger/core';
import { contextFor, idGenerator, steppingClock } from './workload.js';

/** The longest a command took, split by whether a snapshot was being saved while it ran. */
export interface CommandPauses {
  /** Commands that ran (in part) while a snapshot save was running, and the longest of them (ms). */
  duringSaves: number;
  longestDuringSave: number;
  /** Commands that ran with no save running, and the longest of them (ms). */
  outsideSaves: number;
  longestOutsideSaves: number;
}

/**
 * Drives a ledger with the workload's commands, deterministically: a seeded
 * id generator and a stepping clock, so every store sees the same events.
 * The ledger keeps snapshots where the store does (SQLite, PostgreSQL), as
 * any ledger does by default; each command's latency is noted against
 * whether a snapshot was being saved meanwhile.
 */
export class LedgerDriver {
  readonly ledger: Ledger;
  private readonly clock: () => string;
  private readonly newId: () => string;
  events = 0;
  commands = 0;
  readonly pauses: CommandPauses = { duringSaves: 0, longestDuringSave: 0, outsideSaves: 0, longestOutsideSaves: 0 };

  constructor(store: EventStore, seed = 7, clock = steppingClock()) {
    this.clock = clock;
    this.newId = idGenerator(seed);
    this.ledger = createLedger({ store, clock: this.clock, newId: this.newId });
  }

  /** Executes one command; a refusal is a bug in the workload, so it throws. */
  async execute(command: Command, channel: CommandContext['channel'], extra: Partial<CommandContext> = {}): Promise<number> {
    const savingBefore = this.ledger.snapshotCounters().saving > 0;
    const started = process.hrtime.bigint();
    const result = await this.ledger.execute(command, { ...contextFor(channel, this.clock(), this.newId()), ...extra });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (savingBefore || this.ledger.snapshotCounters().saving > 0) {
      this.pauses.duringSaves++;
      this.pauses.longestDuringSave = Math.max(this.pauses.longestDuringSave, ms);
    } else {
      this.pauses.outsideSaves++;
      this.pauses.longestOutsideSaves = Math.max(this.pauses.longestOutsideSaves, ms);
    }
    if (result._tag === 'Left') throw new Error(`${command.type} for ${command.orgId} was refused: ${result.left.code}: ${result.left.message}`);
    this.commands++;
    this.events += result.right.events.length;
    return result.right.events.length;
  }
}
