import type Database from 'better-sqlite3';
import type { OrganizationSnapshot } from '@learner-ledger/core';

/** A snapshot's bytes are written in rows of this size: each insert is a short step (a millisecond or so of the file's one connection). */
export const SNAPSHOT_CHUNK_BYTES = 1 << 18;

export interface SnapshotStatements {
  readonly loadHeader: Database.Statement<[string]>;
  readonly loadChunks: Database.Statement<[string, string]>;
  readonly insertChunk: Database.Statement<[string, string, number, Uint8Array]>;
  readonly countChunks: Database.Statement<[string, string]>;
  readonly saveHeader: Database.Statement<[string, number, string, number, string, string, number, number, string]>;
  readonly staleChunk: Database.Statement<[string, string]>;
  readonly deleteChunk: Database.Statement<[string, string, number]>;
  /** Reads the header and its chunks in one read transaction: what a concurrent save commits is not half seen. */
  readonly readWhole: (orgId: string) => OrganizationSnapshot | undefined;
}

interface HeaderRow {
  readonly org_id: string;
  readonly stream_version: number;
  readonly last_event_id: string;
  readonly schema_version: number;
  readonly code_version: string;
  readonly snapshot_id: string;
  readonly chunk_count: number;
  readonly byte_length: number;
}

/** A snapshot whose chunks are not all there (a concurrent save removed them): it is reported, never handed back. */
export class IncompleteSnapshotError extends Error {
  override readonly name = 'IncompleteSnapshotError';
}

export const prepareSnapshots = (db: Database.Database): SnapshotStatements => {
  const loadHeader = db.prepare<[string]>(
    'SELECT org_id, stream_version, last_event_id, schema_version, code_version, snapshot_id, chunk_count, byte_length FROM ll_snapshots WHERE org_id = ?',
  );
  const loadChunks = db.prepare<[string, string]>('SELECT chunk, bytes FROM ll_snapshot_chunks WHERE org_id = ? AND snapshot_id = ? ORDER BY chunk');
  const readWhole = db.transaction((orgId: string): OrganizationSnapshot | undefined => {
    const row = loadHeader.get(orgId) as HeaderRow | undefined;
    if (row === undefined) return undefined;
    const chunks: Buffer[] = [];
    for (const chunk of loadChunks.iterate(orgId, row.snapshot_id) as Iterable<{ chunk: number; bytes: Buffer }>) {
      if (chunk.chunk !== chunks.length) break;
      chunks.push(chunk.bytes);
    }
    const bytes = Buffer.concat(chunks);
    if (chunks.length !== Number(row.chunk_count) || bytes.length !== Number(row.byte_length)) {
      throw new IncompleteSnapshotError(`the snapshot of ${orgId} has ${chunks.length} of its ${row.chunk_count} chunks`);
    }
    return {
      orgId: row.org_id,
      streamVersion: Number(row.stream_version),
      lastEventId: row.last_event_id,
      schemaVersion: Number(row.schema_version),
      codeVersion: row.code_version,
      bytes,
    };
  });
  return {
    loadHeader,
    loadChunks,
    readWhole: (orgId) => readWhole.deferred(orgId),
    insertChunk: db.prepare('INSERT INTO ll_snapshot_chunks (org_id, snapshot_id, chunk, bytes) VALUES (?, ?, ?, ?)'),
    // Counted on the key alone: reading the blobs' lengths would read every chunk's pages.
    countChunks: db.prepare('SELECT COUNT(*) AS chunks FROM ll_snapshot_chunks WHERE org_id = ? AND snapshot_id = ?'),
    saveHeader: db.prepare(`
      INSERT INTO ll_snapshots (org_id, stream_version, last_event_id, schema_version, code_version, snapshot_id, chunk_count, byte_length, saved_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (org_id) DO UPDATE SET
        stream_version = excluded.stream_version, last_event_id = excluded.last_event_id,
        schema_version = excluded.schema_version, code_version = excluded.code_version,
        snapshot_id = excluded.snapshot_id, chunk_count = excluded.chunk_count,
        byte_length = excluded.byte_length, saved_at = excluded.saved_at
    `),
    // A chunk of the organization that the current header does not name (an older snapshot, an abandoned save).
    staleChunk: db.prepare(`
      SELECT snapshot_id, chunk FROM ll_snapshot_chunks
      WHERE org_id = ? AND snapshot_id <> COALESCE((SELECT snapshot_id FROM ll_snapshots WHERE org_id = ?), '')
      LIMIT 1
    `),
    deleteChunk: db.prepare('DELETE FROM ll_snapshot_chunks WHERE org_id = ? AND snapshot_id = ? AND chunk = ?'),
  };
};
