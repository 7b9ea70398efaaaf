import fc from 'fast-check';
import { RowIndex } from '../src/organization/table/row-index.js';

/**
 * The hash index over row numbers behaves like a Map from key to row, with
 * keys held by the rows (here an array), also when every key hashes to a few
 * values (clusters, deletions in the middle of a cluster, growth).
 */
const NUM_RUNS = 200;
type Op = { op: 'set'; key: number; row: number } | { op: 'remove'; key: number } | { op: 'find'; key: number };
const key = fc.integer({ min: 0, max: 40 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), key, row: fc.integer({ min: 0, max: 6000 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('remove' as const), key }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('find' as const), key }) },
);
const hashArb = fc.constantFrom<(key: number) => number>(
  () => 0,
  (key) => key % 3,
  (key) => (key * 0x9e3779b1) >>> 0,
  // Same low bits, different tags: slots collide while the 7-bit tags differ.
  (key) => ((key % 4) << 25) >>> 0,
);

describe('row index', () => {
  it(`behaves like a map from key to row, whatever the hash (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), hashArb, fc.integer({ min: 0, max: 7000 }), (ops, hashOf, room) => {
        const index = RowIndex.withRoomFor(room);
        const model = new Map<number, number>();
        // The key each row holds; a row holds one key at a time, as a learner's row holds one id.
        const keyOfRow = new Map<number, number>();
        const keys = { hashOfRow: (row: number) => hashOf(keyOfRow.get(row)!) };
        const matches = (wanted: number) => (row: number) => keyOfRow.get(row) === wanted;
        for (const op of ops) {
          if (op.op === 'set') {
            const previousKey = keyOfRow.get(op.row);
            if (previousKey !== undefined && previousKey !== op.key && model.get(previousKey) === op.row) continue; // rows are not shared between keys
            keyOfRow.set(op.row, op.key);
            expect(index.set(hashOf(op.key), op.row, matches(op.key), keys)).toBe(model.get(op.key) ?? -1);
            model.set(op.key, op.row);
          } else if (op.op === 'remove') {
            expect(index.remove(hashOf(op.key), matches(op.key), keys)).toBe(model.get(op.key) ?? -1);
            model.delete(op.key);
          }
          expect(index.find(hashOf(op.key), matches(op.key))).toBe(model.get(op.key) ?? -1);
          expect(index.size).toBe(model.size);
        }
        for (let k = 0; k <= 40; k++) expect(index.find(hashOf(k), matches(k))).toBe(model.get(k) ?? -1);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a frozen copy keeps answering as it did while the index changes', () => {
    const index = RowIndex.withRoomFor(0);
    const keyOfRow: number[] = [];
    const keys = { hashOfRow: (row: number) => keyOfRow[row]! % 5 };
    const matches = (wanted: number) => (row: number) => keyOfRow[row] === wanted;
    for (let row = 0; row < 3000; row++) {
      keyOfRow.push(row);
      index.set(row % 5, row, matches(row), keys);
    }
    const frozen = index.freeze();
    for (let row = 0; row < 3000; row += 2) index.remove(row % 5, matches(row), keys);
    for (let row = 3000; row < 9000; row++) {
      keyOfRow.push(row);
      index.set(row % 5, row, matches(row), keys);
    }
    for (const row of [0, 1, 2, 1500, 2999]) expect(frozen.find(row % 5, matches(row))).toBe(row);
    expect(frozen.find(9000 % 5, matches(8999))).toBe(-1);
    expect(frozen.size).toBe(3000);
    expect(index.find(0, matches(0))).toBe(-1);
    expect(index.find(8999 % 5, matches(8999))).toBe(8999);
  });
});
