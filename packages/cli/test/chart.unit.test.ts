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

/** A step path `M x,y H x V y H x …` as the value (y) it draws over each stretch of x. */
const stepsOf = (svg: string, cls: string): { from: number; to: number; y: number }[] => {
  const d = new RegExp(`<path class="${cls}" d="([^"]+)"`).exec(svg)![1]!;
  const tokens = d.match(/[MHV][^MHV]*/g)!.map((t) => [t[0]!, ...t.slice(1).trim().split(',').map(Number)] as [string, ...number[]]);
  const stretches: { from: number; to: number; y: number }[] = [];
  let [x, y] = [tokens[0]![1]!, tokens[0]![2]!];
  for (const [command, value] of tokens.slice(1)) {
    if (command === 'H') {
      stretches.push({ from: x, to: value!, y });
      x = value!;
    } else if (command === 'V') y = value!;
  }
  return stretches;
};

/** Where a step line is (its y) just right of x, and at x itself when the line only touches it. */
const heightsAt = (stretches: readonly { from: number; to: number; y: number }[], x: number): number[] => stretches.filter((s) => s.from <= x && x <= s.to).map((s) => s.y);

const dailySeries = fc
  .array(fc.record({ seats: fc.integer({ min: 0, max: 5000 }), used: fc.double({ min: 0, max: 1, noNaN: true }), peakExtra: fc.double({ min: 0, max: 1, noNaN: true }), peakHour: fc.integer({ min: 0, max: 23 }) }), { minLength: 1, maxLength: 400 })
  .map((days) =>
    days.map((d, i) => {
      const start = Date.UTC(2026, 0, 1 + i);
      const inUse = Math.floor(d.seats * d.used);
      return { from: new Date(start).toISOString(), at: new Date(start + 86_399_999).toISOString(), seats: d.seats, inUse, peak: { inUse: inUse + Math.floor((d.seats - inUse) * d.peakExtra), at: new Date(start + d.peakHour * 3_600_000).toISOString() } };
    }),
  );

test('the in-use line never rises above the seats line: both are steps over the same periods, whatever the counts', () => {
  fc.assert(
    fc.property(dailySeries, (series) => {
      const svg = renderLicenseChart(series, { orgId: 'acme', interval: 'day' });
      const seats = stepsOf(svg, 'seats');
      const inUse = stepsOf(svg, 'in-use');
      expect(inUse.map((s) => [s.from, s.to])).toEqual(seats.map((s) => [s.from, s.to]));
      // SVG y grows downwards: on every stretch in use is drawn at or below the seats (a y at least theirs), and at every corner its highest point is not above the seats' highest.
      for (const x of new Set([...seats, ...inUse].flatMap((s) => [s.from, s.to, (s.from + s.to) / 2]))) {
        expect(Math.min(...heightsAt(inUse, x))).toBeGreaterThanOrEqual(Math.min(...heightsAt(seats, x)));
      }
      seats.forEach((stretch, i) => expect(inUse[i]!.y).toBeGreaterThanOrEqual(stretch.y));
    }),
    { numRuns: 200 },
  );
});

test('the lines start at the onboarding (not at 0 of 0) and stop at --to; the highest peak is marked; the name is shown; date labels never crowd', () => {
  fc.assert(
    fc.property(dailySeries, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (series, onboardAt, toAt) => {
      const first = Date.parse(series[0]!.from);
      const end = Date.parse(series[series.length - 1]!.at);
      const onboardedAt = first + Math.floor(onboardAt * (end - first));
      const to = Math.max(onboardedAt, end - Math.floor(toAt * 86_399_999));
      fc.pre(to - onboardedAt >= 3_600_000);
      const clipped = series.map((p, i) => (i === series.length - 1 ? { ...p, at: new Date(to).toISOString() } : p));
      const svg = renderLicenseChart(clipped, { orgId: 'acme', name: 'Acme & Sons', interval: 'day', onboardedAt: new Date(onboardedAt).toISOString(), to: new Date(to).toISOString() });
      expect(svg).toContain('Acme &amp; Sons');
      const inUse = stepsOf(svg, 'in-use');
      // The x axis runs from the onboarding (or the first period that holds it) to --to: the plot's left and right edges.
      expect(inUse[0]!.from).toBeCloseTo(70, 0);
      expect(inUse[inUse.length - 1]!.to).toBeCloseTo(710, 0);
      const drawn = clipped.filter((p) => Date.parse(p.at) >= onboardedAt);
      expect(inUse).toHaveLength(drawn.length);
      const highest = Math.max(...drawn.map((p) => p.peak.inUse));
      expect(svg).toContain(`<title>Peak: ${highest.toLocaleString('en-US')} in use at `);
      const labels = [...svg.matchAll(/<text class="date" transform="translate\(([\d.]+) /g)].map((m) => Number(m[1]));
      for (let i = 1; i < labels.length; i++) expect(labels[i]! - labels[i - 1]!).toBeGreaterThanOrEqual(64 - 0.1);
      expect(labels[labels.length - 1]).toBeCloseTo(710, 0);
    }),
    { numRuns: 200 },
  );
});
