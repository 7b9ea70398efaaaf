import type pg from 'pg';
import type { SchemaNames } from './identifiers.js';

/** One step of the schema's history. Applied in order, each exactly once, recorded in `schema_migrations`. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: (names: SchemaNames) => string;
}

/**
 * Migration 1: the event log, the log head and the two append functions.
 *
 * `log_head` holds the last allocated global position. Every append locks
 * that one row (`reserve_positions`) before it reads stream versions and
 * allocates positions, and keeps the lock until it commits. Appends therefore
 * commit in position order: once a reader sees position p, every position
 * below p is already committed, so polling by position never skips an event
 * and never sees one twice. Because the counter row is updated in the same
 * transaction, a rolled-back append gives its positions back: no gaps.
 */
const eventLog: Migration = {
  version: 1,
  description: 'event log, log head, reserve_positions and append_events',
  sql: (n) => `
CREATE TABLE ${n.events} (
  global_position bigint PRIMARY KEY CHECK (global_position > 0),
  stream_id text NOT NULL,
  stream_version integer NOT NULL CHECK (stream_version > 0),
  event_id text NOT NULL,
  type text NOT NULL,
  schema_version integer NOT NULL,
  data json NOT NULL,
  metadata json NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
);

CREATE TABLE ${n.logHead} (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  position bigint NOT NULL CHECK (position >= 0)
);
INSERT INTO ${n.logHead} (id, position) VALUES (true, 0);

-- Locks the log head, checks every expected version, and (when all match)
-- allocates positions for p_counts events per stream. conflict is the 1-based
-- index of the first stream whose expected version does not match (NULL: none).
CREATE FUNCTION ${n.reservePositions}(
  p_stream_ids text[], p_expected text[], p_counts integer[],
  OUT current_versions integer[], OUT first_position bigint, OUT conflict integer)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_head bigint;
  v_total bigint := 0;
  v_current integer;
BEGIN
  SELECT h.position INTO v_head FROM ${n.logHead} h WHERE h.id FOR UPDATE;
  current_versions := '{}';
  FOR i IN 1 .. coalesce(array_length(p_stream_ids, 1), 0) LOOP
    SELECT coalesce(max(e.stream_version), 0) INTO v_current FROM ${n.events} e WHERE e.stream_id = p_stream_ids[i];
    current_versions := current_versions || v_current;
    IF conflict IS NULL AND NOT (CASE p_expected[i]
        WHEN 'any' THEN true
        WHEN 'no_stream' THEN v_current = 0
        WHEN 'stream_exists' THEN v_current > 0
        ELSE v_current = p_expected[i]::integer END) THEN
      conflict := i;
    END IF;
    v_total := v_total + p_counts[i];
  END LOOP;
  first_position := v_head + 1;
  IF conflict IS NULL AND v_total > 0 THEN
    UPDATE ${n.logHead} SET position = v_head + v_total WHERE id;
    PERFORM pg_notify('${n.channel}', (v_head + v_total)::text);
  END IF;
END
$fn$;

-- One round trip for a whole append: reserve, then insert every event.
-- p_requests / p_offsets give each event's stream (1-based index into
-- p_stream_ids) and its 1-based place within that stream's new events.
CREATE FUNCTION ${n.appendEvents}(
  p_stream_ids text[], p_expected text[], p_counts integer[],
  p_requests integer[], p_offsets integer[], p_event_ids text[], p_types text[],
  p_schema_versions integer[], p_data json[], p_metadata json[],
  OUT current_versions integer[], OUT first_position bigint, OUT conflict integer)
LANGUAGE plpgsql AS $fn$
BEGIN
  SELECT r.current_versions, r.first_position, r.conflict INTO current_versions, first_position, conflict
    FROM ${n.reservePositions}(p_stream_ids, p_expected, p_counts) r;
  IF conflict IS NULL THEN
    INSERT INTO ${n.events} (global_position, stream_id, stream_version, event_id, type, schema_version, data, metadata)
    SELECT first_position + u.ord - 1, p_stream_ids[u.req], current_versions[u.req] + u.off,
           u.event_id, u.type, u.schema_version, u.data, u.metadata
      FROM unnest(p_requests, p_offsets, p_event_ids, p_types, p_schema_versions, p_data, p_metadata)
           WITH ORDINALITY AS u(req, off, event_id, type, schema_version, data, metadata, ord);
  END IF;
END
$fn$;
`,
};

/**
 * Migration 2: organization snapshots, one row per organization (the latest).
 * A cache of the folded state: the ledger checks each against the event log
 * before using it, so nothing here is trusted on its own.
 */
const snapshots: Migration = {
  version: 2,
  description: 'organization snapshots',
  sql: (n) => `
CREATE TABLE ${n.snapshots} (
  org_id text PRIMARY KEY,
  stream_version integer NOT NULL CHECK (stream_version > 0),
  last_event_id text NOT NULL,
  schema_version integer NOT NULL,
  code_version text NOT NULL,
  state text NOT NULL,
  commands text NOT NULL,
  saved_at timestamptz NOT NULL DEFAULT now()
);
`,
};

/**
 * Migration 3: an index of the first event of every stream, so streams are
 * listed by prefix without reading the log. In "C" collation: byte order, in
 * which the ids sharing a prefix are one range (not so in most locales).
 * Built inside the migration's transaction, so appends wait while it builds.
 */
const streamStarts: Migration = {
  version: 3,
  description: 'index of the first event of every stream',
  sql: (n) => `CREATE INDEX events_stream_starts ON ${n.events} (stream_id COLLATE "C", type) WHERE stream_version = 1;`,
};

/**
 * Migration 4: binary snapshots in chunks. Snapshots are a cache of the log:
 * the JSON ones are dropped and the next save writes a binary one. A
 * snapshot's bytes are rows of `snapshot_chunks`; the row in `snapshots`
 * names the complete set, so a reader never sees half a snapshot.
 */
const binarySnapshots: Migration = {
  version: 4,
  description: 'binary organization snapshots in chunks',
  sql: (n) => `
DROP TABLE ${n.snapshots};
CREATE TABLE ${n.snapshots} (
  org_id text PRIMARY KEY,
  stream_version integer NOT NULL CHECK (stream_version > 0),
  last_event_id text NOT NULL,
  schema_version integer NOT NULL,
  code_version text NOT NULL,
  snapshot_id text NOT NULL,
  chunk_count integer NOT NULL,
  byte_length bigint NOT NULL,
  saved_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE ${n.snapshotChunks} (
  org_id text NOT NULL,
  snapshot_id text NOT NULL,
  chunk integer NOT NULL,
  bytes bytea NOT NULL,
  PRIMARY KEY (org_id, snapshot_id, chunk)
);
`,
};

/**
 * Version 5: learners' personal-data keys, one row per learner. Shredding
 * sets the key to NULL and keeps the row, so a shredded key is never made again.
 */
const personalKeys: Migration = {
  version: 5,
  description: 'personal-data keys of learners',
  sql: (n) => `
CREATE TABLE ${n.personalKeys} (
  org_id text NOT NULL,
  learner_id text NOT NULL,
  key bytea,
  created_at timestamptz NOT NULL DEFAULT now(),
  shredded_at timestamptz,
  PRIMARY KEY (org_id, learner_id)
);
`,
};

/**
 * Version 6: each event's chain link in its own column (`chain`, the link's
 * JSON text), moved out of the metadata of the events already written, so
 * readers that do not audit (replays, folds, projections) neither parse it
 * nor copy the metadata to drop it. The metadata keeps its other keys in
 * their order and as written (no jsonb round trip); a row whose metadata is
 * not an object is left as it is. `append_events` takes the links too.
 */
const chainColumn: Migration = {
  version: 6,
  description: 'chain link apart from the metadata',
  sql: (n) => `
ALTER TABLE ${n.events} ADD COLUMN chain text;
UPDATE ${n.events} e
   SET chain = (e.metadata -> 'chain')::text,
       metadata = (SELECT coalesce(json_object_agg(m.key, m.value ORDER BY m.ord), '{}'::json)
                     FROM json_each(e.metadata) WITH ORDINALITY AS m(key, value, ord) WHERE m.key <> 'chain')
 WHERE json_typeof(e.metadata) = 'object' AND e.metadata -> 'chain' IS NOT NULL;

DROP FUNCTION IF EXISTS ${n.appendEvents}(text[], text[], integer[], integer[], integer[], text[], text[], integer[], json[], json[]);
CREATE OR REPLACE FUNCTION ${n.appendEvents}(
  p_stream_ids text[], p_expected text[], p_counts integer[],
  p_requests integer[], p_offsets integer[], p_event_ids text[], p_types text[],
  p_schema_versions integer[], p_data json[], p_metadata json[], p_chain text[],
  OUT current_versions integer[], OUT first_position bigint, OUT conflict integer)
LANGUAGE plpgsql AS $fn$
BEGIN
  SELECT r.current_versions, r.first_position, r.conflict INTO current_versions, first_position, conflict
    FROM ${n.reservePositions}(p_stream_ids, p_expected, p_counts) r;
  IF conflict IS NULL THEN
    INSERT INTO ${n.events} (global_position, stream_id, stream_version, event_id, type, schema_version, data, metadata, chain)
    SELECT first_position + u.ord - 1, p_stream_ids[u.req], current_versions[u.req] + u.off,
           u.event_id, u.type, u.schema_version, u.data, u.metadata, u.chain
      FROM unnest(p_requests, p_offsets, p_event_ids, p_types, p_schema_versions, p_data, p_metadata, p_chain)
           WITH ORDINALITY AS u(req, off, event_id, type, schema_version, data, metadata, chain, ord);
  END IF;
END
$fn$;
`,
};

/** Every migration this version of the library knows, in order. */
export const MIGRATIONS: readonly Migration[] = [eventLog, snapshots, streamStarts, binarySnapshots, personalKeys, chainColumn];

/** The newest schema version this library writes and reads. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The schema holds a newer version than this library knows: it is left untouched. */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
  readonly code = 'SCHEMA_TOO_NEW';
  constructor(
    readonly schema: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `postgres store: schema "${schema}" is at version ${found}, but this version of @learner-ledger/postgres knows versions up to ${supported}; ` +
        'upgrade @learner-ledger/postgres to use it (nothing in the database was changed)',
    );
  }
}

export interface MigrationReport {
  /** The schema version before opening (0: a fresh schema). */
  readonly from: number;
  readonly to: number;
  readonly applied: readonly number[];
}

/**
 * Brings the schema up to {@link LATEST_SCHEMA_VERSION} in one transaction.
 * A transaction-level advisory lock keyed by the schema name makes concurrent
 * openers wait for each other instead of racing on CREATE TABLE.
 */
export const migrate = async (client: pg.PoolClient, names: SchemaNames): Promise<MigrationReport> => {
  await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`learner-ledger:migrations:${names.schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${names.quotedSchema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${names.migrations} (
         version integer PRIMARY KEY,
         description text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${names.migrations}`);
    const from = rows[0]?.version ?? 0;
    if (from > LATEST_SCHEMA_VERSION) throw new SchemaTooNewError(names.schema, from, LATEST_SCHEMA_VERSION);
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (migration.version <= from) continue;
      await client.query(migration.sql(names));
      await client.query(`INSERT INTO ${names.migrations} (version, description) VALUES ($1, $2)`, [migration.version, migration.description]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return { from, to: LATEST_SCHEMA_VERSION, applied };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
};
