import Database from 'better-sqlite3';
import { openSqliteEventStore } from '../src/index.js';
import { ListStreamsStatements } from '../src/schema/listStreams.js';
import { temporaryDirectory } from './support.js';

const event = (n: number, type = 'ListTested') => ({ eventId: `e-${n}-${type}`, type, schemaVersion: 1, data: { n }, metadata: {} });

describe('sqlite: listing streams', () => {
  const temp = temporaryDirectory();
  afterAll(() => temp.remove());

  it('indexes the streams of a file written before the index, and lists them from the index alone', async () => {
    const file = temp.file('before-index.db');
    const first = openSqliteEventStore({ path: file });
    await first.appendToStream('org-b', [event(1, 'Started'), event(2)]);
    await first.appendToStream('org-a', [event(1)]);
    await first.appendToStream('other', [event(1, 'Started')]);
    await first.close();
    const raw = new Database(file);
    raw.exec(`DROP INDEX ll_events_stream_starts; ALTER TABLE ll_events DROP COLUMN chain; DELETE FROM ll_schema_migrations WHERE component = 'events' AND version >= 2`);
    raw.close();

    const store = openSqliteEventStore({ path: file });
    try {
      expect(store.database.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'll_events_stream_starts'`).pluck().get()).toBe('ll_events_stream_starts');
      expect(await store.listStreams({ prefix: 'org-' })).toEqual({ streamIds: ['org-a', 'org-b'], isEnd: true });
      expect(await store.listStreams({ firstEventType: 'Started' })).toEqual({ streamIds: ['org-b', 'other'], isEnd: true });
      const statements = new ListStreamsStatements(store.database);
      for (const [fromInclusive, bounded, typed] of [
        [true, true, true],
        [false, true, false],
        [true, false, false],
      ] as const) {
        const plan = store.database.prepare(`EXPLAIN QUERY PLAN ${statements.statement(fromInclusive, bounded, typed).source}`).all({ from: 'org-', to: 'org.', type: 'Started', limit: 10 });
        expect(plan.map((row) => (row as { detail: string }).detail)).toEqual([expect.stringContaining('USING COVERING INDEX ll_events_stream_starts')]);
      }
    } finally {
      await store.close();
    }
  });
});
