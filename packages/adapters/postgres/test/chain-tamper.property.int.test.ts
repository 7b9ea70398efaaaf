import fc from 'fast-check';
import { createLedger } from '@learner-ledger/core';
import { tamperOnce, TAMPER_FIELDS, type RawEventRow, type TamperField, type TamperKit } from '@learner-ledger/core/testing';
import type { PostgresEventStore } from '../src/index.js';
import { dropSchema, freshStore, withClient } from './support.js';

/**
 * Tamper evidence on the PostgreSQL table (the test server): any edit of any
 * stored field of any event, made directly in the events table, is reported
 * by `verifyChain` at that event.
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
          const { rows } = await client.query(`SELECT event_id, type, schema_version, data, metadata, stream_version FROM "${SCHEMA}".events WHERE stream_id = $1 AND stream_version = $2`, [streamId, version]);
          const row = rows[0] as { event_id: string; type: string; schema_version: number; data: unknown; metadata: unknown; stream_version: number };
          return { eventId: row.event_id, type: row.type, schemaVersion: row.schema_version, data: row.data, metadata: row.metadata, streamVersion: row.stream_version };
        }),
      writeField: (streamId, version, field, value) =>
        withClient(async (client) => {
          const json = field === 'data' || field === 'metadata';
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
});
