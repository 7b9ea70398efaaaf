import { openSqliteEventStore } from '../src/index.js';
import { temporaryDirectory } from './support.js';

/** SQLite filters `skipTypes` itself: the skipped events never reach the reader, which still ends at the head. */
describe('sqlite readAll with skipTypes', () => {
  const temp = temporaryDirectory();
  afterAll(() => temp.remove());

  const event = (n: number, type: string) => ({ eventId: `e-${n}`, type, schemaVersion: 1, data: { n }, metadata: {} });

  it('leaves the skipped types out, pages by the events it returns, and reports the head at the end', async () => {
    const store = openSqliteEventStore({ path: temp.file('skip.db') });
    const types = ['Kept', 'Skipped', 'Skipped', 'Other', 'Kept', 'Skipped', 'Kept', 'Skipped', 'Skipped'];
    await store.appendToStream('s', types.map((type, n) => event(n, type)));
    const first = await store.readAll({ maxCount: 2, skipTypes: ['Skipped', 'Other'] });
    expect(first.events.map((e) => [e.globalPosition, e.type])).toEqual([
      [1n, 'Kept'],
      [5n, 'Kept'],
    ]);
    expect([first.lastPosition, first.isEnd]).toEqual([5n, false]);
    const last = await store.readAll({ after: first.lastPosition, maxCount: 2, skipTypes: ['Skipped', 'Other'] });
    expect(last.events.map((e) => e.globalPosition)).toEqual([7n]);
    // The skipped tail (8, 9) was read too: the next read starts after it.
    expect([last.lastPosition, last.isEnd]).toEqual([9n, true]);
    expect(await store.readAll({ after: 9n, skipTypes: ['Skipped'] })).toEqual({ events: [], lastPosition: 9n, isEnd: true });
    // Asking for no events moves nowhere and says more are left.
    expect(await store.readAll({ after: 1n, maxCount: 0, skipTypes: ['Skipped'] })).toEqual({ events: [], lastPosition: 1n, isEnd: false });
    // Nothing to skip, or a stream filter: read as without the hint.
    expect((await store.readAll({ maxCount: 3, skipTypes: [] })).events.map((e) => e.type)).toEqual(['Kept', 'Skipped', 'Skipped']);
    expect((await store.readAll({ streamIds: ['s'], maxCount: 2, skipTypes: ['Kept'] })).events.map((e) => e.type)).toEqual(['Kept', 'Skipped']);
    await store.close();
  });
});
