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

/** The smallest table (2 to 8 slots grow many times in a test; 4,096 is the index's own) and the old slots a write moves while it grows (0: to the end of the cluster only). */
const sizingArb = fc.record({ minCapacity: fc.constantFrom(2, 4, 8, 4096), moveSlotsPerWrite: fc.constantFrom(0, 1, 2, 8) });

/**
 * A Map beside the index, a fresh row for every set (as the learner table
 * gives one: rows are never reused, so a frozen copy's rows keep their keys):
 * `apply` runs an op on both and checks the index answers as the Map does.
 */
const withFreshRows = (index: RowIndex, hashOf: (key: number) => number) => {
  const model = new Map<number, number>();
  const keyOfRow = new Map<number, number>();
  const keys = { hashOfRow: (row: number) => hashOf(keyOfRow.get(row)!) };
  const matches = (wanted: number) => (row: number) => keyOfRow.get(row) === wanted;
  let nextRow = 0;
  const apply = (op: Op): void => {
    if (op.op === 'set') {
      const row = nextRow++;
      keyOfRow.set(row, op.key);
      expect(index.set(hashOf(op.key), row, matches(op.key), keys)).toBe(model.get(op.key) ?? -1);
      model.set(op.key, row);
    } else if (op.op === 'remove') {
      expect(index.remove(hashOf(op.key), matches(op.key), keys)).toBe(model.get(op.key) ?? -1);
      model.delete(op.key);
    }
  };
  return { model, matches, apply };
};

describe('row index', () => {
  it(`behaves like a map from key to row, whatever the hash (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), hashArb, fc.integer({ min: 0, max: 7000 }), sizingArb, (ops, hashOf, room, sizing) => {
        // Small tables grow many times over the ops, so keys are set, found and removed while entries move from the old table.
        const index = RowIndex.withRoomFor(sizing.minCapacity === 4096 ? room : room % 8, sizing);
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

  it(`behaves like a map while entries move to a grown table a few slots a write (${NUM_RUNS / 4} runs)`, () => {
    // Hundreds of keys: tables of hundreds of slots, whose entries take many writes to move.
    const wideKey = fc.integer({ min: 0, max: 600 });
    const wideOp: fc.Arbitrary<Op> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), key: wideKey, row: fc.constant(0) }) },
      { weight: 3, arbitrary: fc.record({ op: fc.constant('remove' as const), key: wideKey }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('find' as const), key: wideKey }) },
    );
    fc.assert(
      fc.property(fc.array(wideOp, { minLength: 200, maxLength: 1500 }), hashArb, fc.record({ minCapacity: fc.constantFrom(2, 8), moveSlotsPerWrite: fc.constantFrom(0, 1, 2) }), (ops, hashOf, sizing) => {
        const index = RowIndex.withRoomFor(0, sizing);
        const { model, matches, apply } = withFreshRows(index, hashOf);
        for (const op of ops) {
          apply(op);
          expect(index.find(hashOf(op.key), matches(op.key))).toBe(model.get(op.key) ?? -1);
          expect(index.size).toBe(model.size);
        }
        for (let k = 0; k <= 600; k++) expect(index.find(hashOf(k), matches(k))).toBe(model.get(k) ?? -1);
      }),
      { numRuns: NUM_RUNS / 4 },
    );
  });

  it(`a frozen copy taken at any point, also while entries move to a grown table, keeps answering as it did (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), fc.nat(), hashArb, sizingArb, (ops, at, hashOf, sizing) => {
        const index = RowIndex.withRoomFor(0, { ...sizing, minCapacity: Math.min(sizing.minCapacity, 8) });
        const { model, matches, apply } = withFreshRows(index, hashOf);
        let frozen: { index: RowIndex; model: Map<number, number> } | undefined;
        const freezeAt = ops.length === 0 ? 0 : at % ops.length;
        ops.forEach((op, i) => {
          if (i === freezeAt) frozen = { index: index.freeze(), model: new Map(model) };
          apply(op);
        });
        for (let k = 0; k <= 40; k++) expect(index.find(hashOf(k), matches(k))).toBe(model.get(k) ?? -1);
        if (frozen) {
          expect(frozen.index.size).toBe(frozen.model.size);
          for (let k = 0; k <= 40; k++) expect(frozen.index.find(hashOf(k), matches(k))).toBe(frozen.model.get(k) ?? -1);
        }
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

  it(`built in one go, answers and changes like one filled by inserts, and refuses a key held by two rows (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 9000 }), { maxLength: 6000 }), fc.option(fc.nat(), { nil: undefined }), hashArb, fc.array(opArb, { maxLength: 60 }), (unique, duplicate, hashOf, ops) => {
        const keysOfRows = duplicate === undefined || unique.length === 0 ? unique : [...unique, unique[duplicate % unique.length]!];
        // Rows 0..n-1 hold the given keys (offset so rows are sparse too); a repeated key is a duplicate.
        const rows = Uint32Array.from(keysOfRows, (_, i) => 2 * i + 1);
        const keyOfRow = new Map<number, number>(keysOfRows.map((k, i) => [2 * i + 1, k]));
        const hashes = Uint32Array.from(keysOfRows, (k) => hashOf(k));
        const built = RowIndex.build(rows, hashes, (a, b) => keyOfRow.get(a) === keyOfRow.get(b));
        if (new Set(keysOfRows).size !== keysOfRows.length) return void expect(built).toBeUndefined();
        expect(built).toBeDefined();
        const index = built!;
        const model = new Map<number, number>(keysOfRows.map((k, i) => [k, 2 * i + 1]));
        const keys = { hashOfRow: (row: number) => hashOf(keyOfRow.get(row)!) };
        const matches = (wanted: number) => (row: number) => keyOfRow.get(row) === wanted;
        expect(index.size).toBe(model.size);
        for (const k of [...model.keys()].slice(0, 300)) expect(index.find(hashOf(k), matches(k))).toBe(model.get(k));
        for (const op of ops) {
          const k = op.key + 10_000;
          if (op.op === 'set') {
            const row = 20_000 + op.row;
            const previousKey = keyOfRow.get(row);
            if (previousKey !== undefined && previousKey !== k && model.get(previousKey) === row) continue;
            keyOfRow.set(row, k);
            expect(index.set(hashOf(k), row, matches(k), keys)).toBe(model.get(k) ?? -1);
            model.set(k, row);
          } else if (op.op === 'remove') {
            // Removing a built key, shifting the entries after it in its cluster.
            const builtKey = keysOfRows[op.key % Math.max(1, keysOfRows.length)];
            for (const gone of builtKey === undefined ? [k] : [k, builtKey]) {
              expect(index.remove(hashOf(gone), matches(gone), keys)).toBe(model.get(gone) ?? -1);
              model.delete(gone);
            }
          }
          expect(index.size).toBe(model.size);
        }
        for (const [k, row] of model) expect(index.find(hashOf(k), matches(k))).toBe(row);
        for (const k of keysOfRows.slice(0, 300)) expect(index.find(hashOf(k), matches(k))).toBe(model.get(k) ?? -1);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
