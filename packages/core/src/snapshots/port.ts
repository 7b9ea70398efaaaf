import { SNAPSHOT_FORMAT_VERSION } from './format.js';
import type { NextTurn } from './turns.js';

export type { NextTurn } from './turns.js';

/**
 * The snapshot-store port. A snapshot is an organization's folded state at one
 * stream version, with the ledger's idempotency record, so that a process can
 * start from it and catch up instead of folding the whole stream. Snapshots are
 * a cache: the stream stays the truth, and a snapshot that does not match it
 * (other schema or code version, ahead of the stream, another history,
 * unreadable bytes) is ignored and rebuilt from events.
 */

/** The version of the serialized form of a snapshot (state and commands), also written in its bytes. Bump it when the form or the fold changes. */
export const SNAPSHOT_SCHEMA_VERSION = SNAPSHOT_FORMAT_VERSION;

/** The version of this package: snapshots written by another version are not trusted. Kept equal to package.json. */
export const CORE_VERSION = '0.1.0';

/** The code version snapshots are written with and checked against by default. */
export const SNAPSHOT_CODE_VERSION = `@learner-ledger/core@${CORE_VERSION}`;

/** An organization's state at one version of its stream, as a snapshot store keeps it. */
export interface OrganizationSnapshot {
  readonly orgId: string;
  /** The stream version the state was folded up to (≥ 1). */
  readonly streamVersion: number;
  /** The id of the event at `streamVersion`: the snapshot belongs to the history that has this event there. */
  readonly lastEventId: string;
  /** {@link SNAPSHOT_SCHEMA_VERSION} of the code that wrote it. */
  readonly schemaVersion: number;
  /** {@link SNAPSHOT_CODE_VERSION} (or the ledger's `snapshotCodeVersion`) of the code that wrote it. */
  readonly codeVersion: string;
  /**
   * The organization's state and the idempotency record of its stream, in the
   * binary snapshot format (a magic, the format version, the deflated
   * columns: see `snapshots/format.ts`). Opaque to stores.
   */
  readonly bytes: Uint8Array;
}

/** How a save is paced. */
export interface SaveOptions {
  /**
   * Awaited between two steps of the save: the ledger hands out a turn after
   * each batch of commands (or once the event loop is free), so a step that
   * blocks the thread (a synchronous driver's write) runs between two
   * commands. Without it, a store takes its own turns (setImmediate).
   */
  readonly turn?: NextTurn;
}

/**
 * Where snapshots are kept: one per organization, the one saved last (a
 * snapshot is only a cache, so an older one replacing a newer one costs a
 * longer catch-up, never correctness). Stores must never hand back a snapshot
 * they did not receive whole, and should write a large one in steps short
 * enough not to hold up the commands running beside the save, awaiting
 * {@link SaveOptions.turn} between two steps.
 */
export interface SnapshotStore {
  /** A short name for messages: `memory`, `sqlite`, `postgres`. */
  readonly name: string;
  load(orgId: string): Promise<OrganizationSnapshot | undefined>;
  /** Keeps `snapshot` as the organization's snapshot, replacing any other. */
  save(snapshot: OrganizationSnapshot, options?: SaveOptions): Promise<void>;
}
