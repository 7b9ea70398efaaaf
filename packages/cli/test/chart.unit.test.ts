import fc from 'fast-check';
import { renderLicenseChart } from '../src/index.js';

const march = Array.from({ length: 31 }, (_, i) => ({
  // end of each day in Chicago (CDT from 8 March)
  at: new Date(Date.UTC(2026, 2, 2 + i, i < 7 ? 5 : 4, 59, 59, 999)).toISOString(),
  seats: i < 15 ? 40 : 50,
  inUse: 20 + (i % 7),
}));

test('the chart has a title, both axes labelled, dates in the organization time zone and a legend', () => {
  const svg = renderLicenseChart(march, { orgId: 'acme', timeZone: 'America/Chicago', interval: 'day' });
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg).toContain('<title>Licenses of acme per day: 2026-03-01 – 2026-03-31</title>');
  expect(svg).toContain('>Licenses</text>');
  expect(svg).toContain('>Date (America/Chicago)</text>');
  expect(svg).toContain('>Seats</text>');
  expect(svg).toContain('>Licenses in use</text>');
  expect(svg).toContain('>2026-03-31</text>');
  expect(svg).toContain('Last: 22 of 50');
  // the in-use line has one point per day
  const polyline = /<polyline points="([^"]+)"/.exec(svg)![1]!;
  expect(polyline.split(' ')).toHaveLength(31);
  // y axis reaches at least the largest value
  expect(svg).toMatch(/>50<\/text>/);
});

test('text is escaped, one point and no points still render', () => {
  expect(renderLicenseChart([{ at: '2026-03-31T12:00:00Z', seats: 3, inUse: 1 }], { orgId: 'a<b&c' })).toContain('a&lt;b&amp;c');
  expect(renderLicenseChart([], { orgId: 'acme' })).toContain('no data in this range');
});

test('every point lies inside the plot area, whatever the values', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ day: fc.integer({ min: 0, max: 3000 }), seats: fc.integer({ min: 0, max: 1_000_000 }), inUse: fc.integer({ min: 0, max: 1_000_000 })}), { minLength: 1, maxLength: 50 }),
      (raw) => {
        const series = raw.map((p) => ({ at: new Date(Date.UTC(2020, 0, 1 + p.day)).toISOString(), seats: p.seats, inUse: p.inUse })).sort((a, b) => a.at.localeCompare(b.at));
        const svg = renderLicenseChart(series, { orgId: 'acme' });
        const points = /<polyline points="([^"]+)"/.exec(svg)![1]!.split(' ').map((pair) => pair.split(',').map(Number));
        for (const [x, y] of points) {
          expect(x).toBeGreaterThanOrEqual(70);
          expect(x).toBeLessThanOrEqual(710);
          expect(y).toBeGreaterThanOrEqual(56);
          expect(y).toBeLessThanOrEqual(356);
        }
      },
    ),
    { numRuns: 100 },
  );
});
