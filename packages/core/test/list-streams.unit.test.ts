import fc from 'fast-check';
import { compareStreamIds, InMemoryEventStore, pageOfStreamIds, prefixUpperBound, streamIdRange } from '../src/index.js';

/** Code-point order, the slow and obvious way. */
const byCodePoints = (a: string, b: string): number => {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
};

const sign = (n: number): number => Math.sign(n);
// Full Unicode, surrogate pairs included, and the characters around U+D800–U+E000 and U+10FFFF.
const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.string({ unit: fc.constantFrom('a', '-', '.', '\uffff', '\ue000', '\u{10000}', '\u{10ffff}'), maxLength: 6 }));

describe('stream listings: order and ranges', () => {
  it('orders stream ids by code point, which is the byte order of their UTF-8', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(sign(compareStreamIds(a, b))).toBe(sign(byCodePoints(a, b)));
        expect(sign(compareStreamIds(a, b))).toBe(sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 2000 },
    );
    expect(compareStreamIds('\u{10000}', '\uffff')).toBeGreaterThan(0); // JavaScript's own < says otherwise
  });

  it('bounds a prefix: every id with it lies in [prefix, bound), every other id outside', () => {
    fc.assert(
      fc.property(text, text, (prefix, id) => {
        const bound = prefixUpperBound(prefix);
        const inRange = compareStreamIds(id, prefix) >= 0 && (bound === undefined || compareStreamIds(id, bound) < 0);
        expect(inRange).toBe(id.startsWith(prefix));
      }),
      { numRuns: 2000 },
    );
    expect(prefixUpperBound('learner-ledger.org-')).toBe('learner-ledger.org.');
    expect(prefixUpperBound('')).toBeUndefined();
    expect(prefixUpperBound('\u{10ffff}')).toBeUndefined();
    expect(prefixUpperBound('a\u{10ffff}')).toBe('b');
    expect(prefixUpperBound('\ud7ff')).toBe('\ue000');
  });

  it('starts a listing at the prefix, or just after `after` when that comes later', () => {
    expect(streamIdRange({ prefix: 'org-' })).toEqual({ from: 'org-', fromInclusive: true, to: 'org.' });
    expect(streamIdRange({ prefix: 'org-', after: 'org-b' })).toEqual({ from: 'org-b', fromInclusive: false, to: 'org.' });
    expect(streamIdRange({ prefix: 'org-', after: 'a' })).toEqual({ from: 'org-', fromInclusive: true, to: 'org.' });
    expect(streamIdRange({})).toEqual({ from: '', fromInclusive: true, to: undefined });
  });

  it('pages any set of ids as a sorted, filtered listing read in pages would', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 30 }), text, fc.integer({ min: 1, max: 7 }), (ids, prefix, pageSize) => {
        const expected = [...new Set(ids)].filter((id) => id.startsWith(prefix)).sort(byCodePoints);
        const seen: string[] = [];
        let after: string | undefined;
        for (let pages = 0; ; pages++) {
          const page = pageOfStreamIds(ids, { prefix, limit: pageSize, ...(after !== undefined ? { after } : {}) });
          seen.push(...page.streamIds);
          expect(page.streamIds.length).toBeLessThanOrEqual(pageSize);
          if (page.isEnd) break;
          expect(page.streamIds).toHaveLength(pageSize);
          after = page.streamIds[page.streamIds.length - 1];
          expect(pages).toBeLessThan(ids.length + 1);
        }
        expect(seen).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('lists what the in-memory store holds exactly as the same listing over its ids', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('a', 'a-1', 'a-2', 'ab', 'b', 'b-1', 'a-1-x'), fc.constantFrom('Started', 'Tested')), { maxLength: 20 }), fc.constantFrom('', 'a', 'a-', 'b'), async (appends, prefix) => {
        const store = new InMemoryEventStore();
        const firstTypes = new Map<string, string>();
        for (const [streamId, type] of appends) {
          await store.appendToStream(streamId, [{ eventId: `${streamId}-${type}`, type, schemaVersion: 1, data: {}, metadata: {} }]);
          if (!firstTypes.has(streamId)) firstTypes.set(streamId, type);
        }
        expect(await store.listStreams({ prefix })).toEqual(pageOfStreamIds(firstTypes.keys(), { prefix }));
        const started = [...firstTypes].filter(([, type]) => type === 'Started').map(([id]) => id);
        expect(await store.listStreams({ prefix, firstEventType: 'Started', limit: 2 })).toEqual(pageOfStreamIds(started, { prefix, limit: 2 }));
      }),
      { numRuns: 200 },
    );
  });
});
