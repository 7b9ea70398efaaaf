import type Database from 'better-sqlite3';
import type { GlobalPosition } from '@learner-ledger/core';

export type HeadStatement = Database.Statement<[], number | null>;

export const prepareHeadPosition = (db: Database.Database): HeadStatement => db.prepare<[], number | null>('SELECT MAX(position) FROM ll_events').pluck();

/** Position of the last event in the log (0n when empty): the last row of the primary key, O(log n). */
export const headPosition = (statement: HeadStatement): GlobalPosition => BigInt(statement.get() ?? 0);
