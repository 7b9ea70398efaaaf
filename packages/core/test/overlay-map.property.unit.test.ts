import fc from 'fast-check';
import { OverlayMap } from '../src/organization/overlay-map.js';

/** The draft a decision folds its own events onto behaves like a copy of the state's map, and never touches it. */
const NUM_RUNS = 300;
type Op = { op: 'set'; key: number; value: string } | { op: 'delete'; key: number } | { op: 'clear' };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), key: fc.integer({ min: 0, max: 12 }), value: fc.string({ maxLength: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 12 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
);

const apply = (map: Map<number, string>, op: Op) => {
  if (op.op === 'set') map.set(op.key, op.value);
  else if (op.op === 'delete') return map.delete(op.key);
  else map.clear();
  return undefined;
};

describe('OverlayMap', () => {
  it(`behaves like a copy of its base and leaves the base untouched (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.string({ maxLength: 3 })), { maxLength: 10 }), fc.array(opArb, { maxLength: 30 }), fc.boolean(), (entries, ops, nested) => {
        const base = new Map(entries);
        const before = [...base.entries()];
        const overlay: Map<number, string> = nested ? new OverlayMap(new OverlayMap(base)) : new OverlayMap(base);
        const model = new Map(base);
        for (const op of ops) {
          expect(apply(overlay, op)).toBe(apply(model, op));
          expect(overlay.size).toBe(model.size);
        }
        const sorted = (m: Iterable<[number, string]>) => [...m].sort((a, b) => a[0] - b[0]);
        expect(sorted(overlay.entries())).toEqual(sorted(model.entries()));
        expect(sorted(overlay)).toEqual(sorted(model));
        expect([...overlay.keys()].sort()).toEqual([...model.keys()].sort());
        expect([...overlay.values()].sort()).toEqual([...model.values()].sort());
        for (let key = 0; key <= 12; key++) {
          expect(overlay.has(key)).toBe(model.has(key));
          expect(overlay.get(key)).toBe(model.get(key));
        }
        const seen: number[] = [];
        overlay.forEach((_value, key) => seen.push(key));
        expect(seen.sort()).toEqual([...model.keys()].sort());
        expect([...base.entries()]).toEqual(before);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
