import type { DomainEvent } from '../events.js';
import type { Actor, Channel, EventMetadata } from '../metadata.js';
import type { Outcome } from '../organization/outcomes.js';
import type { GlobalPosition } from '../store/port.js';

/** Who asks, through which channel, and under which ids. */
export interface CommandContext {
  /** Idempotency key: the same command id is applied once. Default: a fresh UUID. */
  readonly commandId?: string;
  readonly actor: Actor;
  readonly channel: Channel;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly importId?: string;
  readonly fileName?: string;
  readonly line?: number;
  /** The instant the command is decided at (ISO, UTC). Default: the ledger's clock. */
  readonly now?: string;
}

/** One event a command wrote, with its metadata and its version in the organization's stream. */
export interface RecordedChange {
  readonly event: DomainEvent;
  readonly metadata: EventMetadata;
  readonly streamVersion: number;
}

/** What the ledger did with a command. */
export interface CommandResult {
  /** `applied`: events were appended; `unchanged`: nothing to do; `duplicate`: this command id was applied before. */
  readonly status: 'applied' | 'unchanged' | 'duplicate';
  readonly commandId: string;
  readonly orgId: string;
  readonly streamId: string;
  readonly events: readonly RecordedChange[];
  readonly outcomes: readonly Outcome[];
  /** The organization stream's version after the command. */
  readonly streamVersion: number;
  /** Global positions of the first and last appended event (0n when none). */
  readonly firstPosition: GlobalPosition;
  readonly lastPosition: GlobalPosition;
  /** How many times the decision was retried after a concurrent write. */
  readonly retries: number;
}
