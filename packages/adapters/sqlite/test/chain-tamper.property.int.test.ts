import fc from 'fast-check';
import { canonicalJson, createLedger, linkApart, metadataWithLink, organizationStreamId, verifyChain } from '@learner-ledger/core';
import { adminContext, randomHistory, tamperOnce, TAMPER_FIELDS, type RawEventRow, type TamperField, type TamperKit } from '@learner-ledger/core/testing';
import { openSqliteEventStore, type SqliteEventStore } from '../src/index.js';

/**
 * Tamper evidence on the SQLite file: any edit of any stored field of any
 * event, made directly in `ll_events`, is reported by `verifyChain` at that
 * event (an edit of the metadata reaches the chain link in its own column,
 * as the link was in the metadata appended); any byte of an event's JSON
 * text edited is either reported at that event or makes the stream
 * unreadable (never silently accepted), and any byte of its link's text is
 * reported at that event.
 */
const COLUMNS: Record<TamperField, string> = {
  type: 'type',
  schemaVersion: 'schema_version',
  data: 'data',
  metadata: 'metadata',
  eventId: 'event_id',
  streamVersion: 'stream_version',
};

type Row = { event_id: string; type: string; schema_version: number; data: string; metadata: string; chain: string | null; stream_version: number };

const kitOn = (store: SqliteEventStore): TamperKit => {
  const db = store.database;
  return {
    ledger: createLedger({ store, snapshots: false }),
    readRow: async (streamId, version): Promise<RawEventRow> => {
      const row = db.prepare<[string, number], Row>('SELECT event_id, type, schema_version, data, metadata, chain, stream_version FROM ll_events WHERE stream_id = ? AND stream_version = ?').get(streamId, version)!;
      const metadata = metadataWithLink({ metadata: JSON.parse(row.metadata), link: row.chain ?? undefined });
      return { eventId: row.event_id, type: row.type, schemaVersion: row.schema_version, data: JSON.parse(row.data), metadata, streamVersion: row.stream_version };
    },
    writeField: async (streamId, version, field, value) => {
      if (field === 'metadata') {
        // The metadata as appended, link included: the link goes back to its own column (none when the edit removed it).
        const apart = linkApart({ metadata: value });
        db.prepare('UPDATE ll_events SET metadata = ?, chain = ? WHERE stream_id = ? AND stream_version = ?').run(JSON.stringify(apart.metadata), apart.link === undefined ? null : JSON.stringify(apart.link), streamId, version);
        return;
      }
      const stored = field === 'data' ? JSON.stringify(value) : value;
      db.prepare(`UPDATE ll_events SET ${COLUMNS[field]} = ? WHERE stream_id = ? AND stream_version = ?`).run(stored as string | number, streamId, version);
    },
  };
};

const db = (store: SqliteEventStore) => store.database;

const choice = fc.record({
  seed: fc.integer(),
  commands: fc.integer({ min: 0, max: 10 }),
  at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  field: fc.constantFrom(...TAMPER_FIELDS),
  edit: fc.nat(),
  value: fc.jsonValue({ maxDepth: 2 }),
});
type Choice = typeof choice extends fc.Arbitrary<infer T> ? T : never;
/** One edit of each field, run before the 150 drawn ones (examples count in numRuns), so every field is edited whatever the seed. */
const oneEditPerField = TAMPER_FIELDS.map((field, i): [Choice] => [{ seed: 101 + i, commands: 4, at: 0.5, field, edit: 7919 * (i + 1), value: { tampered: i } }]);

describe('chain: tampering with the SQLite table', () => {
  let store: SqliteEventStore;
  let kit: TamperKit;
  let run = 0;
  beforeAll(() => {
    store = openSqliteEventStore({ path: ':memory:' });
    kit = kitOn(store);
  });
  afterAll(() => store.close());

  it('any edit of one stored field of one event is reported at that event', async () => {
    const hits = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(choice, async (tamper) => {
        const outcome = await tamperOnce(kit, `tamper-${run++}`, tamper);
        expect(outcome.before.mismatch).toBeUndefined();
        expect(outcome.before.unchainedEvents).toBe(0);
        expect(outcome.after.mismatch).toMatchObject({ position: outcome.editedVersion });
        const kind = outcome.after.mismatch!.kind;
        hits.set(`${tamper.field}→${kind}`, (hits.get(`${tamper.field}→${kind}`) ?? 0) + 1);
      }),
      { numRuns: 150 + oneEditPerField.length, examples: oneEditPerField },
    );
    // Every field was edited at least once (over 10 seeds the drawn runs edited each 14-35 times; the examples make it certain).
    expect(new Set([...hits.keys()].map((k) => k.split('→')[0]))).toEqual(new Set(TAMPER_FIELDS));
    console.log(`tampered SQLite rows by field → reported as: ${JSON.stringify(Object.fromEntries(hits))}`);
  });

  it('any byte of an event’s stored text edited is reported at that event, or the stream no longer reads', async () => {
    const outcomes = { reported: 0, unreadable: 0, sameValue: 0, linkNotJson: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.record({ seed: fc.integer(), commands: fc.integer({ min: 0, max: 6 }), at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), column: fc.constantFrom('data', 'metadata', 'chain', 'type', 'event_id'), offset: fc.nat(), byte: fc.integer({ min: 0x20, max: 0x7e }) }),
        async ({ seed, commands, at, column, offset, byte }) => {
          const orgId = `bytes-${run++}`;
          for (const command of randomHistory(orgId, seed, commands)) await kit.ledger.execute(command, adminContext());
          const streamId = organizationStreamId(orgId);
          const length = (await verifyChain(store, orgId)).head.streamVersion;
          const version = 1 + Math.floor(at * length);
          const text = store.database.prepare<[string, number], string>(`SELECT ${column} FROM ll_events WHERE stream_id = ? AND stream_version = ?`).pluck().get(streamId, version)!;
          const i = offset % text.length;
          const replacement = String.fromCharCode(byte === text.charCodeAt(i) ? (byte === 0x7e ? 0x20 : byte + 1) : byte);
          const edited = text.slice(0, i) + replacement + text.slice(i + 1);
          store.database.prepare(`UPDATE ll_events SET ${column} = ? WHERE stream_id = ? AND stream_version = ?`).run(edited, streamId, version);
          const json = column === 'data' || column === 'metadata' || column === 'chain';
          let parsed: unknown;
          try {
            parsed = json ? JSON.parse(edited) : edited;
          } catch {
            if (column === 'chain') {
              // A link that is not JSON any more is read as text by every reader, and reported by verification.
              expect((await verifyChain(store, orgId)).mismatch).toMatchObject({ position: version, kind: 'malformed-link' });
              outcomes.linkNotJson++;
              return;
            }
            // Not JSON any more: every read of the stream fails, loudly.
            await expect(verifyChain(store, orgId)).rejects.toThrow();
            outcomes.unreadable++;
            return;
          }
          const result = await verifyChain(store, orgId);
          if (json && canonicalJson(parsed) === canonicalJson(JSON.parse(text))) {
            // Spacing or the spelling of a number changed, not a value: nothing a reader sees differs.
            expect(result.mismatch).toBeUndefined();
            outcomes.sameValue++;
            return;
          }
          expect(result.mismatch).toMatchObject({ position: version });
          outcomes.reported++;
        },
      ),
      { numRuns: 150 },
    );
    expect(outcomes.reported).toBeGreaterThan(0);
    console.log(`SQLite byte edits: ${JSON.stringify(outcomes)}`);
  });

  it('a chain key written into the metadata beside the link column is reported at that event', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record({ seed: fc.integer(), commands: fc.integer({ min: 0, max: 4 }), at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), copy: fc.boolean(), value: fc.jsonValue({ maxDepth: 2 }) }), async ({ seed, commands, at, copy, value }) => {
        const orgId = `beside-${run++}`;
        for (const command of randomHistory(orgId, seed, commands)) await kit.ledger.execute(command, adminContext());
        const streamId = organizationStreamId(orgId);
        const version = 1 + Math.floor(at * (await verifyChain(store, orgId)).head.streamVersion);
        const row = db(store).prepare<[string, number], { metadata: string; chain: string }>('SELECT metadata, chain FROM ll_events WHERE stream_id = ? AND stream_version = ?').get(streamId, version)!;
        // The link itself (a reader would see nothing new) or any value: the chain key is not hashed, so only its place tells.
        const metadata = { ...(JSON.parse(row.metadata) as object), chain: copy ? JSON.parse(row.chain) : value };
        db(store).prepare('UPDATE ll_events SET metadata = ? WHERE stream_id = ? AND stream_version = ?').run(JSON.stringify(metadata), streamId, version);
        expect((await verifyChain(store, orgId)).mismatch).toMatchObject({ position: version, kind: 'malformed-link' });
      }),
      { numRuns: 30 },
    );
  });

  it('a chained event is stored as the canonical texts its link was computed from, and the stream verifies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record({ seed: fc.integer(), commands: fc.integer({ min: 1, max: 4 }) }), async ({ seed, commands }) => {
        const orgId = `texts-${run++}`;
        for (const command of randomHistory(orgId, seed, commands)) await kit.ledger.execute(command, adminContext());
        const rows = db(store).prepare<[string], { data: string; metadata: string }>('SELECT data, metadata FROM ll_events WHERE stream_id = ? ORDER BY stream_version').all(organizationStreamId(orgId));
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) {
          expect(row.data).toBe(canonicalJson(JSON.parse(row.data)));
          expect(row.metadata).toBe(canonicalJson(JSON.parse(row.metadata)));
        }
        expect((await verifyChain(store, orgId)).mismatch).toBeUndefined();
      }),
      { numRuns: 10 },
    );
  });
});
