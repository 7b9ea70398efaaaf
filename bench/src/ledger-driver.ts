import { type Command, type CommandContext, type EventStore, type Ledger, createLedger } from '@learner-ledger/core';
import { contextFor, idGenerator, steppingClock } from './workload.js';

/**
 * Drives a ledger with the workload's commands, deterministically: a seeded
 * id generator and a stepping clock, so every store sees the same events.
 */
export class LedgerDriver {
  readonly ledger: Ledger;
  private readonly clock: () => string;
  private readonly newId: () => string;
  events = 0;
  commands = 0;

  constructor(store: EventStore, seed = 7, clock = steppingClock()) {
    this.clock = clock;
    this.newId = idGenerator(seed);
    this.ledger = createLedger({ store, clock: this.clock, newId: this.newId });
  }

  /** Executes one command; a refusal is a bug in the workload, so it throws. */
  async execute(command: Command, channel: CommandContext['channel'], extra: Partial<CommandContext> = {}): Promise<number> {
    const result = await this.ledger.execute(command, { ...contextFor(channel, this.clock(), this.newId()), ...extra });
    if (result._tag === 'Left') throw new Error(`${command.type} for ${command.orgId} was refused: ${result.left.code}: ${result.left.message}`);
    this.commands++;
    this.events += result.right.events.length;
    return result.right.events.length;
  }
}
