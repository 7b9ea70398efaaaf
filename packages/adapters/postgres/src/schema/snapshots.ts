import type { OrganizationSnapshot } from '@learner-ledger/core';
import type pg from 'pg';
import type { SchemaNames } from './identifiers.js';

interface SnapshotRow {
  readonly org_id: string;
  readonly stream_version: number;
  readonly last_event_id: string;
  readonly schema_version: number;
  readonly code_version: string;
  readonly state: string;
  readonly commands: string;
}

export const loadSnapshot = async (pool: pg.Pool, names: SchemaNames, orgId: string): Promise<OrganizationSnapshot | undefined> => {
  const { rows } = await pool.query<SnapshotRow>(
    `SELECT org_id, stream_version, last_event_id, schema_version, code_version, state, commands FROM ${names.snapshots} WHERE org_id = $1`,
    [orgId],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    orgId: row.org_id,
    streamVersion: Number(row.stream_version),
    lastEventId: row.last_event_id,
    schemaVersion: Number(row.schema_version),
    codeVersion: row.code_version,
    state: row.state,
    commands: row.commands,
  };
};

export const saveSnapshot = async (pool: pg.Pool, names: SchemaNames, snapshot: OrganizationSnapshot): Promise<void> => {
  await pool.query(
    `INSERT INTO ${names.snapshots} AS s (org_id, stream_version, last_event_id, schema_version, code_version, state, commands, saved_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now())
     ON CONFLICT (org_id) DO UPDATE SET
       stream_version = excluded.stream_version, last_event_id = excluded.last_event_id,
       schema_version = excluded.schema_version, code_version = excluded.code_version,
       state = excluded.state, commands = excluded.commands, saved_at = excluded.saved_at`,
    [snapshot.orgId, snapshot.streamVersion, snapshot.lastEventId, snapshot.schemaVersion, snapshot.codeVersion, snapshot.state, snapshot.commands],
  );
};
