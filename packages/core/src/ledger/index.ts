/**
 * Command handling: the {@link Ledger} and what it needs around it (the state
 * cache, snapshots, the per-organization mutex, event metadata, error mapping),
 * one job per module.
 */
export { createLedger, Ledger, systemClock, type LedgerOptions } from './ledger.js';
export type { CommandContext, CommandResult, RecordedChange } from './types.js';
export type { SnapshotCounters } from './snapshots.js';
