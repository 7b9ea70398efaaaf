import type Database from 'better-sqlite3';
import type { OrganizationSnapshot } from '@learner-ledger/core';

export interface SnapshotStatements {
  readonly load: Database.Statement<[string]>;
  readonly save: Database.Statement<[string, number, string, number, string, string, string, string]>;
}

interface SnapshotRow {
  readonly org_id: string;
  readonly stream_version: number;
  readonly last_event_id: string;
  readonly schema_version: number;
  readonly code_version: string;
  readonly state: string;
  readonly commands: string;
}

export const prepareSnapshots = (db: Database.Database): SnapshotStatements => ({
  load: db.prepare('SELECT org_id, stream_version, last_event_id, schema_version, code_version, state, commands FROM ll_snapshots WHERE org_id = ?'),
  save: db.prepare(`
    INSERT INTO ll_snapshots (org_id, stream_version, last_event_id, schema_version, code_version, state, commands, saved_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (org_id) DO UPDATE SET
      stream_version = excluded.stream_version, last_event_id = excluded.last_event_id,
      schema_version = excluded.schema_version, code_version = excluded.code_version,
      state = excluded.state, commands = excluded.commands, saved_at = excluded.saved_at
  `),
});

export const loadSnapshot = (statements: SnapshotStatements, orgId: string): OrganizationSnapshot | undefined => {
  const row = statements.load.get(orgId) as SnapshotRow | undefined;
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

export const saveSnapshot = (statements: SnapshotStatements, snapshot: OrganizationSnapshot, savedAt: string): void => {
  statements.save.run(snapshot.orgId, snapshot.streamVersion, snapshot.lastEventId, snapshot.schemaVersion, snapshot.codeVersion, snapshot.state, snapshot.commands, savedAt);
};
