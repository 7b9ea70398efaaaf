import { randomUUID } from 'node:crypto';
import type { OrganizationSnapshot } from '@learner-ledger/core';
import type pg from 'pg';
import type { SchemaNames } from './identifiers.js';
import { withTransaction } from './transaction.js';

/** A snapshot's bytes are written in rows of this size: each insert is one short round trip. */
export const SNAPSHOT_CHUNK_BYTES = 1 << 20;

interface SnapshotRow {
  readonly org_id: string;
  readonly stream_version: number;
  readonly last_event_id: string;
  readonly schema_version: number;
  readonly code_version: string;
  readonly chunk_count: number;
  readonly byte_length: string;
  readonly chunk: number | null;
  readonly bytes: Buffer | null;
}

/** A snapshot whose chunks are not all there: reported, never handed back. */
export class IncompleteSnapshotError extends Error {
  override readonly name = 'IncompleteSnapshotError';
}

/** The organization's snapshot, its header and chunks read by one statement (one consistent view of the tables). */
export const loadSnapshot = async (pool: pg.Pool, names: SchemaNames, orgId: string): Promise<OrganizationSnapshot | undefined> => {
  const { rows } = await pool.query<SnapshotRow>(
    `SELECT s.org_id, s.stream_version, s.last_event_id, s.schema_version, s.code_version, s.chunk_count, s.byte_length::text AS byte_length, c.chunk, c.bytes
       FROM ${names.snapshots} s
       LEFT JOIN ${names.snapshotChunks} c ON c.org_id = s.org_id AND c.snapshot_id = s.snapshot_id
      WHERE s.org_id = $1
      ORDER BY c.chunk`,
    [orgId],
  );
  const head = rows[0];
  if (head === undefined) return undefined;
  const chunks: Buffer[] = [];
  for (const row of rows) {
    if (row.chunk !== chunks.length || row.bytes === null) break;
    chunks.push(row.bytes);
  }
  const bytes = Buffer.concat(chunks);
  if (chunks.length !== Number(head.chunk_count) || bytes.length !== Number(head.byte_length)) {
    throw new IncompleteSnapshotError(`the snapshot of ${orgId} has ${chunks.length} of its ${head.chunk_count} chunks`);
  }
  return {
    orgId: head.org_id,
    streamVersion: Number(head.stream_version),
    lastEventId: head.last_event_id,
    schemaVersion: Number(head.schema_version),
    codeVersion: head.code_version,
    bytes,
  };
};

/**
 * Writes the chunks one statement each, then names them in one transaction
 * (after checking they are all there: a concurrent save of the same
 * organization may have removed them), then removes the chunks no snapshot
 * names. Every step is a round trip: nothing here holds the event loop.
 */
export const saveSnapshot = async (pool: pg.Pool, names: SchemaNames, target: string, snapshot: OrganizationSnapshot): Promise<void> => {
  const { orgId, bytes } = snapshot;
  const snapshotId = randomUUID();
  const chunks = Math.max(1, Math.ceil(bytes.length / SNAPSHOT_CHUNK_BYTES));
  for (let chunk = 0; chunk < chunks; chunk++) {
    const part = bytes.subarray(chunk * SNAPSHOT_CHUNK_BYTES, (chunk + 1) * SNAPSHOT_CHUNK_BYTES);
    await pool.query(`INSERT INTO ${names.snapshotChunks} (org_id, snapshot_id, chunk, bytes) VALUES ($1, $2, $3, $4)`, [
      orgId,
      snapshotId,
      chunk,
      Buffer.from(part.buffer, part.byteOffset, part.byteLength),
    ]);
  }
  await withTransaction(pool, target, async (client) => {
    const { rows } = await client.query<{ chunks: string; bytes: string }>(
      `SELECT count(*)::text AS chunks, coalesce(sum(length(bytes)), 0)::text AS bytes FROM ${names.snapshotChunks} WHERE org_id = $1 AND snapshot_id = $2`,
      [orgId, snapshotId],
    );
    const written = rows[0]!;
    if (Number(written.chunks) !== chunks || Number(written.bytes) !== bytes.length) throw new IncompleteSnapshotError(`${written.chunks} of its ${chunks} chunks are left`);
    await client.query(
      `INSERT INTO ${names.snapshots} AS s (org_id, stream_version, last_event_id, schema_version, code_version, snapshot_id, chunk_count, byte_length, saved_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
       ON CONFLICT (org_id) DO UPDATE SET
         stream_version = excluded.stream_version, last_event_id = excluded.last_event_id,
         schema_version = excluded.schema_version, code_version = excluded.code_version,
         snapshot_id = excluded.snapshot_id, chunk_count = excluded.chunk_count,
         byte_length = excluded.byte_length, saved_at = excluded.saved_at`,
      [orgId, snapshot.streamVersion, snapshot.lastEventId, snapshot.schemaVersion, snapshot.codeVersion, snapshotId, chunks, bytes.length],
    );
  });
  await pool.query(
    `DELETE FROM ${names.snapshotChunks} c
      WHERE c.org_id = $1 AND c.snapshot_id <> coalesce((SELECT s.snapshot_id FROM ${names.snapshots} s WHERE s.org_id = $1), '')`,
    [orgId],
  );
};
