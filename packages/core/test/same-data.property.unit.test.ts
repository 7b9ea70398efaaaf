import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { sameData } from '../src/ledger/same-data.js';

/** The value with every object's keys in another order (the same data to both comparisons). */
const reordered = (value: unknown, seed: number): unknown => {
  if (Array.isArray(value)) return value.map((item, i) => reordered(item, seed + i));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const rotated = entries.length === 0 ? entries : [...entries.slice(seed % entries.length), ...entries.slice(0, seed % entries.length)];
  return Object.fromEntries(rotated.reverse().map(([key, item]) => [key, reordered(item, seed + 1)]));
};

/** The value with one leaf, key or element changed, found by walking `path` (a small edit of the same shape). */
const edited = (value: unknown, path: readonly number[], edit: number): unknown => {
  const [step, ...rest] = path;
  if (Array.isArray(value)) {
    if (value.length === 0 || step === undefined) return [...value, edit];
    const at = step % value.length;
    return edit % 5 === 0 ? value.filter((_, i) => i !== at) : value.map((item, i) => (i === at ? edited(item, rest, edit) : item));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0 || step === undefined) return { ...value, [`k${edit}`]: edit };
    const at = step % entries.length;
    if (edit % 5 === 0) return Object.fromEntries(entries.filter((_, i) => i !== at));
    if (edit % 7 === 0) return { ...Object.fromEntries(entries.filter((_, i) => i !== at)), [`${entries[at]![0]}x`]: entries[at]![1] };
    return Object.fromEntries(entries.map(([key, item], i) => [key, i === at ? edited(item, rest, edit) : item]));
  }
  const replacements: unknown[] = [null, 0, -0, '', 'x', true, false, undefined, edit, String(value), [], {}];
  return replacements[edit % replacements.length];
};

const data = fc.jsonValue({ maxDepth: 4 });

describe('sameData: deep equality of plain data, as util.isDeepStrictEqual says', () => {
  test('a value and its copy with keys in another order are the same; so says isDeepStrictEqual', () => {
    fc.assert(
      fc.property(data, fc.nat(), (value, seed) => {
        const other = reordered(value, seed);
        expect(sameData(value, other)).toBe(true);
        expect(isDeepStrictEqual(value, other)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test('after any small edit the two agree with isDeepStrictEqual', () => {
    fc.assert(
      fc.property(data, fc.array(fc.nat(), { maxLength: 5 }), fc.nat(), (value, path, edit) => {
        const other = edited(value, path, edit);
        expect(sameData(value, other)).toBe(isDeepStrictEqual(value, other));
        expect(sameData(other, value)).toBe(isDeepStrictEqual(other, value));
      }),
      { numRuns: 2000 },
    );
  });

  test('any two values agree with isDeepStrictEqual', () => {
    fc.assert(
      fc.property(data, data, (a, b) => {
        expect(sameData(a, b)).toBe(isDeepStrictEqual(a, b));
      }),
      { numRuns: 1000 },
    );
  });

  test('the edge cases isDeepStrictEqual tells apart', () => {
    const cases: [unknown, unknown][] = [
      [{ a: undefined }, {}],
      [{}, { a: undefined }],
      [[undefined], [,]],
      [[1, , 3], [1, undefined, 3]],
      [NaN, NaN],
      [0, -0],
      [[], {}],
      [{}, []],
      [{ a: 1 }, Object.assign(Object.create(null) as object, { a: 1 })],
      [new Map([[1, 2]]), new Map([[1, 2]])],
      [new Map([[1, 2]]), new Map([[1, 3]])],
      [{ at: new Date(0) }, { at: new Date(0) }],
      [{ at: new Date(0) }, { at: new Date(1) }],
      ['1', 1],
      [null, undefined],
      [{ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }],
      [{ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] }],
    ];
    for (const [a, b] of cases) expect([a, b, sameData(a, b)]).toEqual([a, b, isDeepStrictEqual(a, b)]);
  });
});
