import fc from 'fast-check';
import { frozenCopy } from '../src/store/in-memory.js';

const isDeepFrozen = (value: unknown): boolean =>
  value === null || typeof value !== 'object' || (Object.isFrozen(value) && Object.values(value as object).every(isDeepFrozen));

describe('the in-memory store’s frozen copy of what it stores', () => {
  test('a JSON value comes back equal to its JSON round trip, deep-frozen, never the same object', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = frozenCopy(value, 'data');
        expect(copy).toEqual(JSON.parse(JSON.stringify(value)));
        expect(isDeepFrozen(copy)).toBe(true);
        if (value !== null && typeof value === 'object') expect(copy).not.toBe(value);
      }),
    );
  });

  test('-0 comes back as 0, as JSON writes it and the SQL stores give it back', () => {
    const copy = frozenCopy({ '': [-0], n: -0 }, 'data') as { '': number[]; n: number };
    expect(Object.is(copy[''][0], 0)).toBe(true);
    expect(Object.is(copy.n, 0)).toBe(true);
    expect(copy).toEqual(JSON.parse(JSON.stringify({ '': [-0], n: -0 })));
  });

  test('undefined fields are left out, as JSON leaves them out', () => {
    expect(frozenCopy({ a: 1, b: undefined, c: [{ d: undefined, e: 'x' }] }, 'data')).toEqual({ a: 1, c: [{ e: 'x' }] });
  });

  test('an own "__proto__" key stays a key of the copy, as JSON keeps it, and sets no prototype', () => {
    const value = JSON.parse('{"data":{"__proto__":{"x":1}},"list":[{"__proto__":"y"}]}') as unknown;
    const copy = frozenCopy(value, 'data') as { data: object };
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
    expect(Object.getPrototypeOf(copy.data)).toBe(Object.prototype);
  });

  test('a value JSON cannot hold is refused naming where it is, however deep', () => {
    const bad = [Number.NaN, Number.POSITIVE_INFINITY, new Date(0), 10n, () => 1] as const;
    const described = ['is NaN, which JSON cannot hold', 'is Infinity, which JSON cannot hold', 'is a Date, not a JSON value', 'is a bigint, not a JSON value', 'is a function, not a JSON value'];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: bad.length - 1 }),
        fc.array(fc.oneof(fc.nat({ max: 3 }).map((i) => ({ index: i })), fc.constantFrom('learner', 'teams', 'x-y', '0').map((key) => ({ key }))), { maxLength: 5 }),
        (which, steps) => {
          let value: unknown = bad[which];
          let path = '';
          for (const step of [...steps].reverse()) {
            if ('index' in step) {
              const array: unknown[] = new Array(step.index + 1).fill('ok');
              array[step.index] = value;
              value = array;
              path = `[${step.index}]${path}`;
            } else {
              value = { before: 1, [step.key]: value };
              path = `.${step.key}${path}`;
            }
          }
          expect(() => frozenCopy(value, 'metadata')).toThrow(new TypeError(`memory store: metadata${path} ${described[which]}`));
        },
      ),
    );
  });
});
