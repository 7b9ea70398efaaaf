import { createHash } from 'node:crypto';

/**
 * The schema name is the only identifier that reaches SQL text (everything
 * else is a parameter), so it is checked against a strict pattern and always
 * quoted.
 */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The schema used when none is given. */
export const DEFAULT_SCHEMA = 'learner_ledger';

/** Returns a reason when `name` cannot be used as the store's schema, `undefined` when it can. */
export const schemaNameProblem = (name: unknown): string | undefined => {
  if (typeof name !== 'string' || !SCHEMA_NAME.test(name)) {
    return `schema name ${JSON.stringify(name)} is not valid: use 1-63 letters, digits or "_", not starting with a digit`;
  }
  if (name.toLowerCase().startsWith('pg_')) return `schema name ${JSON.stringify(name)} is not valid: the prefix "pg_" is reserved by PostgreSQL`;
  return undefined;
};

/** Quotes an identifier for SQL text (`"name"`, inner quotes doubled). */
export const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The fully qualified names one store uses inside its schema. */
export interface SchemaNames {
  readonly schema: string;
  readonly quotedSchema: string;
  readonly events: string;
  readonly logHead: string;
  readonly migrations: string;
  /** The organization snapshots (one row per organization, naming its chunks). */
  readonly snapshots: string;
  /** The bytes of the snapshots, in chunks. */
  readonly snapshotChunks: string;
  /** Learners' personal-data keys (a shredded key is NULL). */
  readonly personalKeys: string;
  readonly reservePositions: string;
  readonly appendEvents: string;
  /** The LISTEN/NOTIFY channel appends notify on (at most 63 bytes, unique per schema). */
  readonly channel: string;
  /** A short tag that keeps prepared statement names apart when stores share a pool. */
  readonly statementTag: string;
}

export const schemaNames = (schema: string): SchemaNames => {
  const quotedSchema = quoteIdentifier(schema);
  const hash = createHash('sha1').update(schema).digest('hex');
  return {
    schema,
    quotedSchema,
    events: `${quotedSchema}.events`,
    logHead: `${quotedSchema}.log_head`,
    migrations: `${quotedSchema}.schema_migrations`,
    snapshots: `${quotedSchema}.snapshots`,
    snapshotChunks: `${quotedSchema}.snapshot_chunks`,
    personalKeys: `${quotedSchema}.personal_keys`,
    reservePositions: `${quotedSchema}.reserve_positions`,
    appendEvents: `${quotedSchema}.append_events`,
    channel: `learner_ledger_events_${hash.slice(0, 16)}`,
    statementTag: hash.slice(0, 10),
  };
};
