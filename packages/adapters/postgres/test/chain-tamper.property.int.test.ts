import fc from 'fast-check';
import { canonicalJson, createLedger, linkApart, metadataWithLink, organizationStreamId, verifyChain } from '@learner-ledger/core';
import { adminContext, randomHistory, tamperOnce, TAMPER_FIELDS, type RawEventRow, type TamperField, type TamperKit } from '@learner-ledger/core/testing';
import type { PostgresEventStore } from '../src/index.js';
import { dropSchema, freshStore, withClient } from './support.js';

/**
 * Tamper evidence on the PostgreSQL table (the test server): any edit of any
 * stored field of any event, made directly in the events table, is reported
 * by `verifyChain` at that event (an edit of the metadata reaches the chain
 * link in its own column, as the link was in the metadata appended); any
 * byte of that column's text edited, and a chain key written into the
 * metadata beside it, are reported at that event.
 */
const SCHEMA = 'll_test_chain_tamper';
const COLUMNS: Record<TamperField, string> = {
  type: 'type',
  schemaVersion: 'schema_version',
  data: 'data',
  metadata: 'metadata',
  eventId: 'event_id',
  streamVersion: 'stream_version',
};

const choice = fc.record({
  seed: fc.integer(),
  commands: fc.integer({ min: 0, max: 10 }),
  at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  field: fc.constantFrom(...TAMPER_FIELDS),
  edit: fc.nat(),
  value: fc.jsonValue({ maxDepth: 2 }),
});
type Choice = typeof choice extends fc.Arbitrary<infer T> ? T : never;
/** One edit of each field, run before the 60 drawn ones (examples count in numRuns), so every field is edited whatever the seed. */
const oneEditPerField = TAMPER_FIELDS.map((field, i): [Choice] => [{ seed: 101 + i, commands: 4, at: 0.5, field, edit: 7919 * (i + 1), value: { tampered: i } }]);

describe('chain: tampering with the PostgreSQL table', () => {
  let store: PostgresEventStore;
  let kit: TamperKit;
  let run = 0;
  beforeAll(async () => {
    store = await freshStore(SCHEMA);
    kit = {
      ledger: createLedger({ store, snapshots: false }),
      readRow: (streamId, version) =>
        withClient(async (client): Promise<RawEventRow> => {
          const { rows } = await client.query(`SELECT event_id, type, schema_version, data, metadata, chain, stream_version FROM "${SCHEMA}".events WHERE stream_id = $1 AND stream_version = $2`, [streamId, version]);
          const row = rows[0] as { event_id: string; type: string; schema_version: number; data: unknown; metadata: unknown; chain: string | null; stream_version: number };
          const metadata = metadataWithLink({ metadata: row.metadata, link: row.chain ?? undefined });
          return { eventId: row.event_id, type: row.type, schemaVersion: row.schema_version, data: row.data, metadata, streamVersion: row.stream_version };
        }),
      writeField: (streamId, version, field, value) =>
        withClient(async (client) => {
          if (field === 'metadata') {
            // The metadata as appended, link included: the link goes back to its own column (none when the edit removed it).
            const apart = linkApart({ metadata: value });
            await client.query(`UPDATE "${SCHEMA}".events SET metadata = $1::json, chain = $2 WHERE stream_id = $3 AND stream_version = $4`, [JSON.stringify(apart.metadata), apart.link === undefined ? null : JSON.stringify(apart.link), streamId, version]);
            return;
          }
          const json = field === 'data';
          await client.query(`UPDATE "${SCHEMA}".events SET ${COLUMNS[field]} = $1${json ? '::json' : ''} WHERE stream_id = $2 AND stream_version = $3`, [json ? JSON.stringify(value) : value, streamId, version]);
        }),
    };
  });
  afterAll(async () => {
    await store.close();
    await dropSchema(SCHEMA);
  });

  it('any edit of one stored field of one event is reported at that event', async () => {
    const hits = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(choice, async (tamper) => {
        const outcome = await tamperOnce(kit, `tamper-${run++}`, tamper);
        expect(outcome.before.mismatch).toBeUndefined();
        expect(outcome.before.unchainedEvents).toBe(0);
        expect(outcome.after.mismatch).toMatchObject({ position: outcome.editedVersion });
        const key = `${tamper.field}→${outcome.after.mismatch!.kind}`;
        hits.set(key, (hits.get(key) ?? 0) + 1);
      }),
      { numRuns: 60 + oneEditPerField.length, examples: oneEditPerField },
    );
    expect(new Set([...hits.keys()].map((k) => k.split('→')[0]))).toEqual(new Set(TAMPER_FIELDS));
    console.log(`tampered PostgreSQL rows by field → reported as: ${JSON.stringify(Object.fromEntries(hits))}`);
  });

  /** Writes a random history for a new organization; answers its stream and the version of one of its events. */
  const historyAndVersion = async (prefix: string, seed: number, commands: number, at: number): Promise<{ orgId: string; streamId: string; version: number }> => {
    const orgId = `${prefix}-${run++}`;
    for (const command of randomHistory(orgId, seed, commands)) await kit.ledger.execute(command, adminContext());
    const length = (await verifyChain(store, orgId)).head.streamVersion;
    return { orgId, streamId: organizationStreamId(orgId), version: 1 + Math.floor(at * length) };
  };
  const rowOf = (streamId: string, version: number) =>
    withClient(async (client) => (await client.query<{ metadata: string; chain: string }>(`SELECT metadata::text AS metadata, chain FROM "${SCHEMA}".events WHERE stream_id = $1 AND stream_version = $2`, [streamId, version])).rows[0]!);
  const at = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

  it('any byte of an event’s stored link edited is reported at that event (or changes nothing a reader sees)', async () => {
    const outcomes = { reported: 0, sameValue: 0 };
    await fc.assert(
      fc.asyncProperty(fc.record({ seed: fc.integer(), commands: fc.integer({ min: 0, max: 4 }), at, offset: fc.nat(), byte: fc.integer({ min: 0x20, max: 0x7e }) }), async ({ seed, commands, at, offset, byte }) => {
        const { orgId, streamId, version } = await historyAndVersion('link-bytes', seed, commands, at);
        const text = (await rowOf(streamId, version)).chain;
        const i = offset % text.length;
        const edited = text.slice(0, i) + String.fromCharCode(byte === text.charCodeAt(i) ? (byte === 0x7e ? 0x20 : byte + 1) : byte) + text.slice(i + 1);
        await withClient((client) => client.query(`UPDATE "${SCHEMA}".events SET chain = $1 WHERE stream_id = $2 AND stream_version = $3`, [edited, streamId, version]));
        const result = await verifyChain(store, orgId);
        let parsed: unknown;
        try {
          parsed = JSON.parse(edited);
        } catch {
          expect(result.mismatch).toMatchObject({ position: version, kind: 'malformed-link' });
          outcomes.reported++;
          return;
        }
        if (canonicalJson(parsed) === canonicalJson(JSON.parse(text))) {
          expect(result.mismatch).toBeUndefined();
          outcomes.sameValue++;
          return;
        }
        expect(result.mismatch).toMatchObject({ position: version });
        outcomes.reported++;
      }),
      { numRuns: 40 },
    );
    expect(outcomes.reported).toBeGreaterThan(0);
  });

  it('a chain key written into the metadata beside the link column is reported at that event', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record({ seed: fc.integer(), commands: fc.integer({ min: 0, max: 4 }), at, copy: fc.boolean(), value: fc.jsonValue({ maxDepth: 2 }) }), async ({ seed, commands, at, copy, value }) => {
        const { orgId, streamId, version } = await historyAndVersion('beside', seed, commands, at);
        const row = await rowOf(streamId, version);
        // The link itself (a reader would see nothing new) or any value: the chain key is not hashed, so only its place tells.
        const metadata = { ...(JSON.parse(row.metadata) as object), chain: copy ? JSON.parse(row.chain) : value };
        await withClient((client) => client.query(`UPDATE "${SCHEMA}".events SET metadata = $1::json WHERE stream_id = $2 AND stream_version = $3`, [JSON.stringify(metadata), streamId, version]));
        expect((await verifyChain(store, orgId)).mismatch).toMatchObject({ position: version, kind: 'malformed-link' });
      }),
      { numRuns: 20 },
    );
  });

  it.each([
    ['through COPY', 'copy', 1],
    ['in one statement', 'statement', 1_000_000],
  ])('an append %s stores a chained event as the canonical texts its link was computed from, and the stream verifies', async (_how, tag, copyThreshold) => {
    const copySchema = `${SCHEMA}_${tag}`;
    const everyAppend = await freshStore(copySchema, { copyThreshold });
    try {
      const ledger = createLedger({ store: everyAppend, snapshots: false });
      await fc.assert(
        fc.asyncProperty(fc.record({ seed: fc.integer(), commands: fc.integer({ min: 1, max: 4 }) }), async ({ seed, commands }) => {
          const orgId = `texts-${run++}`;
          for (const command of randomHistory(orgId, seed, commands)) await ledger.execute(command, adminContext());
          const { rows } = await withClient((client) =>
            client.query<{ data: string; metadata: string }>(`SELECT data::text AS data, metadata::text AS metadata FROM "${copySchema}".events WHERE stream_id = $1 ORDER BY stream_version`, [organizationStreamId(orgId)]),
          );
          expect(rows.length).toBeGreaterThan(0);
          for (const row of rows) {
            expect(row.data).toBe(canonicalJson(JSON.parse(row.data)));
            expect(row.metadata).toBe(canonicalJson(JSON.parse(row.metadata)));
          }
          expect((await verifyChain(everyAppend, orgId)).mismatch).toBeUndefined();
        }),
        { numRuns: 10 },
      );
    } finally {
      await everyAppend.close();
      await dropSchema(copySchema);
    }
  });
});
