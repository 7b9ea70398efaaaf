import fc from 'fast-check';
import { LicenseIds, TeamLists } from '../src/organization/table/interned.js';

/** The interned tables give every distinct value one number and give back exactly the value for each number. */
const NUM_RUNS = 200;
const teamId = fc.oneof(fc.constantFrom('sales', 'support', 'a,b', '"q"', '[]', '\uD800', 'é'), fc.string({ maxLength: 4 }));
const licenseId = fc.oneof(fc.constantFrom('L-1', 'L-9', 'L-2147483647', 'L-2147483648', 'L-0', 'L-01', 'L--1', 'l-1', 'L-1 ', 'seat-1'), fc.nat().map((n) => `L-${n}`), fc.string({ maxLength: 6 }));

describe('interned tables', () => {
  it(`team lists: equal lists share a number, and each number gives its list back (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.array(fc.array(teamId, { maxLength: 4 }), { maxLength: 30 }), (lists) => {
        const table = new TeamLists();
        const numbers = new Map<string, number>();
        for (const list of lists) {
          const number = table.intern(list);
          expect(table.get(number)).toEqual(list);
          const key = JSON.stringify(list);
          if (numbers.has(key)) expect(number).toBe(numbers.get(key));
          numbers.set(key, number);
        }
        expect(new Set(numbers.values()).size).toBe(numbers.size);
        expect(TeamLists.of(table.all())?.all()).toEqual(table.all());
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('team lists as a snapshot has them: the empty list first, no list twice', () => {
    expect(TeamLists.of([[], ['a'], ['b', 'a']])?.get(2)).toEqual(['b', 'a']);
    expect(TeamLists.of([['a']])).toBeUndefined();
    expect(TeamLists.of([[], ['a'], ['a']])).toBeUndefined();
    expect(TeamLists.of([[], []])).toBeUndefined();
  });

  it(`license ids: every id (or none) comes back from its number (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.array(fc.option(licenseId, { nil: null }), { maxLength: 30 }), (ids) => {
        const table = new LicenseIds();
        const codes = ids.map((id) => table.encode(id));
        ids.forEach((id, i) => {
          expect(table.decode(codes[i]!)).toBe(id);
          expect(table.knows(codes[i]!)).toBe(true);
        });
        const restored = LicenseIds.of(table.otherIds());
        ids.forEach((id, i) => expect(restored?.decode(codes[i]!)).toBe(id));
      }),
      { numRuns: NUM_RUNS },
    );
    expect(new LicenseIds().encode('L-42')).toBe(42);
    expect(new LicenseIds().knows(-1)).toBe(false);
    expect(LicenseIds.of(['L-5'])).toBeUndefined();
  });
});
