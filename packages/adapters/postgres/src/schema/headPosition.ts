import type { GlobalPosition } from '@learner-ledger/core';
import type pg from 'pg';
import type { SchemaNames } from './identifiers.js';
import { queryTypes } from './rows.js';

/** The last committed global position (0n for an empty log). */
export const headPosition = async (db: pg.Pool | pg.PoolClient, names: SchemaNames): Promise<GlobalPosition> => {
  const result = await db.query<[string]>({
    name: `ll_${names.statementTag}_head`,
    text: `SELECT position FROM ${names.logHead} WHERE id`,
    rowMode: 'array',
    types: queryTypes,
  });
  return BigInt(result.rows[0]?.[0] ?? '0');
};
