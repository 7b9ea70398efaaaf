import { chainDigest, createLedger, InMemoryEventStore, organizationStreamId, proveEvent, StoreUnavailableError, verifyChain, verifyEventProof, type StoredEvent } from '@learner-ledger/core';
import { adminContext, randomHistory, sampleEvent } from '@learner-ledger/core/testing';
import { LATEST_SCHEMA_VERSION, openPostgresEventStore, SchemaTooNewError } from '../src/index.js';
import { schemaNames } from '../src/schema/identifiers.js';
import { MIGRATIONS } from '../src/schema/migrations.js';
import { databaseUrl, dropSchema, withClient } from './support.js';

const SCHEMA = 'll_test_migrations';
const open = (schema = SCHEMA) => openPostgresEventStore({ connectionString: databaseUrl(), schema, maxConnections: 2 });

const tablesOf = (schema: string) =>
  withClient(async (client) => {
    const { rows } = await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [schema],
    );
    return rows.map((row) => row.name);
  });

/** Takes back version 6's column, so a test can stand for a schema of an earlier version. */
const DROP_CHAIN = `ALTER TABLE "${SCHEMA}".events DROP COLUMN chain`;

const migrationRows = (schema: string) =>
  withClient(async (client) => (await client.query(`SELECT version, description FROM "${schema}".schema_migrations ORDER BY version`)).rows);

describe('postgres schema migrations', () => {
  beforeEach(() => dropSchema(SCHEMA));
  afterAll(() => dropSchema(SCHEMA));

  it('creates a fresh schema at the latest version', async () => {
    const store = await open();
    try {
      expect(store.migration).toEqual({ from: 0, to: LATEST_SCHEMA_VERSION, applied: [1, 2, 3, 4, 5, 6] });
      expect(await tablesOf(SCHEMA)).toEqual(['events', 'log_head', 'personal_keys', 'schema_migrations', 'snapshot_chunks', 'snapshots']);
      expect(await migrationRows(SCHEMA)).toEqual([
        { version: 1, description: expect.any(String) },
        { version: 2, description: 'organization snapshots' },
        { version: 3, description: 'index of the first event of every stream' },
        { version: 4, description: 'binary organization snapshots in chunks' },
        { version: 5, description: 'personal-data keys of learners' },
        { version: 6, description: 'chain link apart from the metadata' },
      ]);
      expect(await store.headPosition()).toBe(0n);
    } finally {
      await store.close();
    }
  });

  it('re-opens an existing schema without touching it, keeping its events', async () => {
    const first = await open();
    await first.appendToStream('org-reopen', [sampleEvent(1), sampleEvent(2)]);
    await first.close();
    const second = await open();
    try {
      expect(second.migration).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION, applied: [] });
      expect((await second.readStream('org-reopen')).events.map((e) => (e.data as { n: number }).n)).toEqual([1, 2]);
      expect(await migrationRows(SCHEMA)).toHaveLength(LATEST_SCHEMA_VERSION);
    } finally {
      await second.close();
    }
  });

  it('upgrades a schema of version 1 (before snapshots) by adding the snapshot table, keeping its events', async () => {
    const first = await open();
    await first.appendToStream('org-upgrade', [sampleEvent(1)]);
    await first.close();
    await withClient((client) =>
      client.query(
        `${DROP_CHAIN}; DROP TABLE "${SCHEMA}".personal_keys; DROP TABLE "${SCHEMA}".snapshots; DROP TABLE "${SCHEMA}".snapshot_chunks; DROP INDEX "${SCHEMA}".events_stream_starts; DELETE FROM "${SCHEMA}".schema_migrations WHERE version >= 2`,
      ),
    );
    const second = await open();
    try {
      expect(second.migration).toEqual({ from: 1, to: LATEST_SCHEMA_VERSION, applied: [2, 3, 4, 5, 6] });
      expect(await tablesOf(SCHEMA)).toContain('snapshots');
      expect((await second.readStream('org-upgrade')).events).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('upgrades a schema of version 2 by indexing the streams it already holds, and lists them through the index', async () => {
    const first = await open();
    await first.appendToStream('org-b', [sampleEvent(1), sampleEvent(2)]);
    await first.appendToStream('org-a', [sampleEvent(1)]);
    await first.appendToStream('other', [sampleEvent(1)]);
    await first.close();
    await withClient((client) =>
      client.query(`${DROP_CHAIN}; DROP TABLE "${SCHEMA}".personal_keys; DROP INDEX "${SCHEMA}".events_stream_starts; DROP TABLE "${SCHEMA}".snapshot_chunks; DELETE FROM "${SCHEMA}".schema_migrations WHERE version >= 3`),
    );
    const second = await open();
    try {
      expect(second.migration).toEqual({ from: 2, to: LATEST_SCHEMA_VERSION, applied: [3, 4, 5, 6] });
      expect(await second.listStreams({ prefix: 'org-' })).toEqual({ streamIds: ['org-a', 'org-b'], isEnd: true });
      const plan = await withClient(async (client) => {
        await client.query('SET enable_seqscan = off');
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT stream_id FROM "${SCHEMA}".events WHERE stream_version = 1 AND stream_id COLLATE "C" >= 'org-' AND stream_id COLLATE "C" < 'org.' ORDER BY stream_id COLLATE "C" LIMIT 10`,
        );
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      });
      expect(plan).toContain('events_stream_starts');
    } finally {
      await second.close();
    }
  });

  it('upgrades a schema of version 3 by dropping its JSON snapshots (a cache) for chunked binary ones', async () => {
    const first = await open();
    await first.appendToStream('org-json', [sampleEvent(1)]);
    await first.close();
    await withClient((client) =>
      client.query(`
        ${DROP_CHAIN}; DROP TABLE "${SCHEMA}".personal_keys; DROP TABLE "${SCHEMA}".snapshot_chunks; DROP TABLE "${SCHEMA}".snapshots;
        CREATE TABLE "${SCHEMA}".snapshots (org_id text PRIMARY KEY, stream_version integer NOT NULL, last_event_id text NOT NULL,
          schema_version integer NOT NULL, code_version text NOT NULL, state text NOT NULL, commands text NOT NULL, saved_at timestamptz NOT NULL DEFAULT now());
        INSERT INTO "${SCHEMA}".snapshots (org_id, stream_version, last_event_id, schema_version, code_version, state, commands) VALUES ('acme', 1, 'e', 1, 'x', '{}', '[]');
        DELETE FROM "${SCHEMA}".schema_migrations WHERE version >= 4`),
    );
    const second = await open();
    try {
      expect(second.migration).toEqual({ from: 3, to: LATEST_SCHEMA_VERSION, applied: [4, 5, 6] });
      expect(await second.snapshotStore().load('acme')).toBeUndefined();
      expect((await second.readStream('org-json')).events).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('upgrades a schema of version 4 by adding the personal-data key table, keeping its events and snapshots', async () => {
    const first = await open();
    await first.appendToStream('org-keys', [sampleEvent(1)]);
    await first.close();
    await withClient((client) => client.query(`${DROP_CHAIN}; DROP TABLE "${SCHEMA}".personal_keys; DELETE FROM "${SCHEMA}".schema_migrations WHERE version >= 5`));
    const second = await open();
    try {
      expect(second.migration).toEqual({ from: 4, to: LATEST_SCHEMA_VERSION, applied: [5, 6] });
      expect(await tablesOf(SCHEMA)).toContain('personal_keys');
      expect((await second.personalDataKeys().ensureKeys('acme', ['0001'])).size).toBe(1);
      expect((await second.readStream('org-keys')).events).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('upgrades a schema of version 5 by moving each chain link out of the metadata into its own column: the chain verifies, digests and proofs stay, readers see the same events', async () => {
    // A log as version 5 wrote it (its own migrations, its append_events): the link inside the metadata, behind events written before the chain (anchored).
    const orgId = 'acme-links';
    const memory = new InMemoryEventStore();
    const history = randomHistory(orgId, 11, 12);
    for (const [i, command] of history.entries()) await createLedger({ store: memory, snapshots: false, chain: i >= 3 }).execute(command, adminContext());
    const written = (await memory.readStream(organizationStreamId(orgId))).events;
    const digestBefore = await chainDigest(memory, orgId);
    if (digestBefore._tag === 'Left') throw new Error(digestBefore.left.message);
    const names = schemaNames(SCHEMA);
    await withClient(async (client) => {
      await client.query(`CREATE SCHEMA ${names.quotedSchema}; CREATE TABLE ${names.migrations} (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      for (const migration of MIGRATIONS.filter((m) => m.version <= 5)) {
        await client.query(migration.sql(names));
        await client.query(`INSERT INTO ${names.migrations} (version, description) VALUES ($1, $2)`, [migration.version, migration.description]);
      }
      const append = (streamId: string, events: readonly { eventId: string; type: string; schemaVersion: number; data: unknown; metadata: string }[]) =>
        client.query(`SELECT conflict FROM ${names.appendEvents}($1::text[], $2::text[], $3::integer[], $4::integer[], $5::integer[], $6::text[], $7::text[], $8::integer[], $9::json[], $10::json[])`, [
          [streamId], ['any'], [events.length], events.map(() => 1), events.map((_, i) => i + 1), events.map((e) => e.eventId), events.map((e) => e.type), events.map((e) => e.schemaVersion), events.map((e) => JSON.stringify(e.data)), events.map((e) => e.metadata),
        ]);
      await append(written[0]!.streamId, written.map((e) => ({ ...e, metadata: JSON.stringify(e.metadata) })));
      // Metadata that is not an object is left as it is.
      await append('other', [{ eventId: 'x', type: 'Odd', schemaVersion: 1, data: {}, metadata: '["chain"]' }]);
    });

    const store = await open();
    try {
      expect(store.migration).toEqual({ from: 5, to: LATEST_SCHEMA_VERSION, applied: [6] });
      const raw = await withClient(async (client) => (await client.query<{ stream_id: string; metadata: unknown; chain: string | null }>(`SELECT stream_id, metadata, chain FROM ${names.events} ORDER BY global_position`)).rows);
      const ours = raw.filter((row) => row.stream_id !== 'other');
      expect(ours.some((row) => 'chain' in (row.metadata as object))).toBe(false);
      expect(ours.filter((row) => row.chain !== null)).toHaveLength(written.filter((e) => 'chain' in (e.metadata as object)).length);
      expect(raw.find((row) => row.stream_id === 'other')).toEqual({ stream_id: 'other', metadata: ['chain'], chain: null });
      // Every event reads as it was written, its link (parsed from its column) where it was.
      const read = (await store.readStream(organizationStreamId(orgId))).events;
      const asAppended = (e: StoredEvent) => ({ ...e, metadata: e.link === undefined ? e.metadata : { ...(e.metadata as object), chain: JSON.parse(e.link) }, link: undefined });
      expect(read.map(asAppended)).toEqual(written.map((e) => ({ ...e, link: undefined })));
      const verification = await verifyChain(store, orgId);
      expect(verification.mismatch).toBeUndefined();
      expect(verification.unchainedEvents).toBeGreaterThan(0);
      expect(await chainDigest(store, orgId)).toEqual(digestBefore);
      // A proof taken after the upgrade checks against the digest taken before it, and shows the event as it was appended.
      const proof = await proveEvent(store, orgId, read.length, { digest: digestBefore.right });
      if (proof._tag === 'Left') throw new Error(proof.left.message);
      expect(proof.right.event.metadata).toEqual(written[read.length - 1]!.metadata);
      expect(verifyEventProof(proof.right, digestBefore.right)._tag).toBe('Right');
      // The ledger goes on chaining after the upgraded events.
      const ledger = createLedger({ store, snapshots: false });
      for (const command of randomHistory(orgId, 12, 4).slice(3)) await ledger.execute(command, adminContext());
      const after = await verifyChain(store, orgId);
      expect(after.mismatch).toBeUndefined();
      expect(after.head.streamVersion).toBeGreaterThan(read.length);
    } finally {
      await store.close();
    }
  });

  it('lets concurrent openers of a fresh schema wait for each other instead of racing', async () => {
    const stores = await Promise.all(Array.from({ length: 6 }, () => open()));
    try {
      expect(stores.filter((store) => store.migration.applied.length > 0)).toHaveLength(1);
      expect(await migrationRows(SCHEMA)).toHaveLength(LATEST_SCHEMA_VERSION);
      await Promise.all(stores.map((store, i) => store.appendToStream(`org-${i}`, [sampleEvent(i)])));
      expect(await stores[0]!.headPosition()).toBe(6n);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('refuses a schema written by a newer version of the library and leaves it untouched', async () => {
    const store = await open();
    await store.appendToStream('org-future', [sampleEvent(1)]);
    await store.close();
    const future = LATEST_SCHEMA_VERSION + 1;
    await withClient((client) => client.query(`INSERT INTO "${SCHEMA}".schema_migrations (version, description) VALUES ($1, 'from the future')`, [future]));
    const before = await migrationRows(SCHEMA);
    const opening = open();
    await expect(opening).rejects.toBeInstanceOf(SchemaTooNewError);
    await expect(opening).rejects.toThrow(
      `postgres store: schema "${SCHEMA}" is at version ${future}, but this version of @learner-ledger/postgres knows versions up to ${LATEST_SCHEMA_VERSION}; upgrade @learner-ledger/postgres to use it (nothing in the database was changed)`,
    );
    expect(await migrationRows(SCHEMA)).toEqual(before);
    expect(await tablesOf(SCHEMA)).toEqual(['events', 'log_head', 'personal_keys', 'schema_migrations', 'snapshot_chunks', 'snapshots']);
    const events = await withClient(async (client) => (await client.query(`SELECT stream_id FROM "${SCHEMA}".events`)).rows);
    expect(events).toEqual([{ stream_id: 'org-future' }]);
  });

  it('keeps schemas apart: two stores in one database see only their own log', async () => {
    await dropSchema(`${SCHEMA}_other`);
    const [a, b] = await Promise.all([open(), open(`${SCHEMA}_other`)]);
    try {
      await a.appendToStream('org-a', [sampleEvent(1)]);
      await b.appendToStream('org-b', [sampleEvent(1), sampleEvent(2)]);
      expect((await a.readAll()).events.map((e) => e.streamId)).toEqual(['org-a']);
      expect((await b.readAll()).events.map((e) => e.streamId)).toEqual(['org-b', 'org-b']);
      // A notification of one schema does not wake a reader of the other.
      const waiting = a.waitForEvents(await a.headPosition(), { timeoutMs: 300 });
      await b.appendToStream('org-b', [sampleEvent(3)]);
      expect(await waiting).toBe(false);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await dropSchema(`${SCHEMA}_other`);
    }
  });

  it('says so clearly when the user may not create the schema, and changes nothing', async () => {
    await withClient((client) => client.query(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'll_test_no_create') THEN CREATE ROLE ll_test_no_create LOGIN; END IF; END $$`));
    const url = new URL(databaseUrl());
    url.username = 'll_test_no_create';
    const opening = openPostgresEventStore({ connectionString: url.toString(), schema: SCHEMA });
    await expect(opening).rejects.toThrow(
      new RegExp(`^postgres store: could not create or migrate schema "${SCHEMA}" on PostgreSQL at 127\\.0\\.0\\.1:\\d+/postgres: permission denied for database postgres \\(nothing was changed\\)$`),
    );
    expect(await tablesOf(SCHEMA)).toEqual([]);
    await withClient((client) => client.query('DROP ROLE ll_test_no_create'));
  });

  it('rejects a schema name that is not a plain identifier before connecting', async () => {
    for (const schema of ['', 'bad-name', 'x"; DROP SCHEMA public; --', '1abc', 'pg_mine', 'a'.repeat(64)]) {
      await expect(openPostgresEventStore({ connectionString: 'postgres://127.0.0.1:1/none', schema })).rejects.toThrow(/postgres store: schema name .* is not valid/);
    }
    await expect(openPostgresEventStore({ connectionString: 'postgres://127.0.0.1:1/none', schema: 'Fine_Name_2' })).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
