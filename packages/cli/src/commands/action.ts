import type { Command } from 'commander';
import type { Output } from '../output.js';
import type { Session } from '../session.js';

/** A command's work: read the parsed arguments, call the library, return what to print. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handler = (session: Session, args: any[], options: any) => Promise<Output>;

/** How a command uses the store. */
export interface ActionOptions {
  /** The command may create the store (`org create`, `demo`); every other command needs an existing SQLite file. */
  readonly createsStore?: boolean;
  /** The command writes in bulk (an import): a SQLite file checkpoints its WAL less often (see `forBulkWrites`). */
  readonly bulkWrites?: boolean;
}

/** Turns a handler into a commander action (the session is opened with the global options). */
export type Action = (handler: Handler, options?: ActionOptions) => (...all: unknown[]) => Promise<void>;

/** Adds a group of commands to the program. */
export type Register = (program: Command, action: Action) => void;
