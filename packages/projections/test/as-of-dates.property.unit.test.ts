import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { createLedger, InMemoryEventStore, type Command } from '@learner-ledger/core';
import { licenseCountAt, licenseSeries } from '../src/index.js';
import { randomScript, runScript } from '../src/testing/index.js';
import { addDays, bucketEnds, countAt, endOfLocalDay, localDate, offsetChangeDays, rawOrganizationEvents, startOfLocalDay, type Every } from './zone-oracle.js';

/**
 * As-of and series answers for DATE questions ("31 March 2026, end of day,
 * in the organization's zone") against an independent oracle: the instant a
 * date means is found with Intl and a plain search, never with the library's
 * luxon helpers, and the expected counts come from a naive fold over the raw
 * stored events. Histories start around a DST change of America/Chicago,
 * Europe/Berlin or Australia/Sydney (both changes of each), and the questions
 * cover the change days and the series' bucket ends.
 */
const ZONES = { acme: 'America/Chicago', globex: 'Europe/Berlin', initech: 'Australia/Sydney' } as const;
type OrgId = keyof typeof ZONES;
const iso = (ms: number) => new Date(ms).toISOString();

test('zone oracle: the 2026 DST change days and a known end of day, computed with Intl alone', () => {
  expect(offsetChangeDays(2026, 'America/Chicago')).toEqual(['2026-03-08', '2026-11-01']);
  expect(offsetChangeDays(2026, 'Europe/Berlin')).toEqual(['2026-03-29', '2026-10-25']);
  expect(offsetChangeDays(2026, 'Australia/Sydney')).toEqual(['2026-04-05', '2026-10-04']);
  expect(iso(endOfLocalDay('2026-03-31', 'America/Chicago'))).toBe('2026-04-01T04:59:59.999Z');
  // Spring forward: a 23-hour day; fall back: a 25-hour day.
  expect(endOfLocalDay('2026-03-08', 'America/Chicago') + 1 - startOfLocalDay('2026-03-08', 'America/Chicago')).toBe(23 * 3_600_000);
  expect(endOfLocalDay('2026-11-01', 'America/Chicago') + 1 - startOfLocalDay('2026-11-01', 'America/Chicago')).toBe(25 * 3_600_000);
  expect(endOfLocalDay('2026-04-05', 'Australia/Sydney') + 1 - startOfLocalDay('2026-04-05', 'Australia/Sydney')).toBe(25 * 3_600_000);
  expect(localDate(Date.parse('2026-10-03T14:00:00.000Z'), 'Australia/Sydney')).toBe('2026-10-04');
});

const CHANGES = (Object.keys(ZONES) as OrgId[]).flatMap((orgId) => offsetChangeDays(2026, ZONES[orgId]).map((date) => ({ orgId, date })));

test('as-of and series answers for date strings equal the independent oracle, across both DST changes of Chicago, Berlin and Sydney', async () => {
  const seen = { countQueries: 0, seriesPoints: 0, utcWouldDiffer: 0 };
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      fc.integer({ min: 20, max: 60 }),
      fc.constantFrom(...CHANGES),
      fc.integer({ min: 0, max: 3 * 24 * 60 - 1 }),
      async (seed, length, change, minutes) => {
        // The history starts up to three days before a DST change of one zone, at any minute of the day.
        const start = iso(startOfLocalDay(addDays(change.date, -3), ZONES[change.orgId]) + minutes * 60_000);
        const store = new InMemoryEventStore();
        const script = randomScript(seed, length, start);
        await runScript(createLedger({ store }), script);
        const orgIds = [...new Set(script.map((step) => step.command.orgId))] as OrgId[];
        for (const orgId of orgIds) {
          const zone = ZONES[orgId];
          const events = await rawOrganizationEvents(store, orgId);
          if (events.length === 0) continue;
          const firstDay = localDate(events[0]!.occurredAt, zone);
          const lastDay = localDate(events[events.length - 1]!.occurredAt, zone);
          // Every day of the history (at most 20), the days around each DST change of the zone, and one day before the organization.
          const dates = new Set<string>([addDays(firstDay, -1)]);
          for (let date = firstDay, n = 0; date <= addDays(lastDay, 1) && n < 20; date = addDays(date, 1), n++) dates.add(date);
          for (const day of offsetChangeDays(2026, zone)) for (const d of [-1, 0, 1]) dates.add(addDays(day, d));
          for (const date of dates) {
            const at = endOfLocalDay(date, zone);
            const answer = await licenseCountAt(store, orgId, date);
            expect([date, answer]).toEqual([date, E.right({ orgId, at: iso(at), ...countAt(events, at) })]);
            seen.countQueries++;
            // Would a UTC end of day have given another count? (The runs must be able to see that mistake.)
            if (JSON.stringify(countAt(events, endOfLocalDay(date, 'UTC'))) !== JSON.stringify(countAt(events, at))) seen.utcWouldDiffer++;
          }
          const ranges: [string, string][] = [[addDays(firstDay, -1), addDays(lastDay, 1)], ...offsetChangeDays(2026, zone).map((day): [string, string] => [addDays(day, -3), addDays(day, 3)])];
          for (const [from, to] of ranges) {
            for (const every of ['day', 'week', 'month'] as Every[]) {
              const series = await licenseSeries(store, orgId, { every, from, to });
              if (E.isLeft(series)) throw new Error(series.left.message);
              const expected = bucketEnds(every, from, to, zone).map((end) => ({ at: iso(end), ...countAt(events, end) }));
              expect([orgId, every, from, to, series.right.series]).toEqual([orgId, every, from, to, expected]);
              seen.seriesPoints += expected.length;
            }
          }
        }
      },
    ),
    { numRuns: 30 },
  );
  // eslint-disable-next-line no-console
  console.log(`as-of dates property: ${seen.countQueries} date queries (${seen.utcWouldDiffer} where a UTC end of day counts otherwise), ${seen.seriesPoints} series points`);
  // Over 30 seeds: 26-64 date queries where a UTC end of day counts otherwise (mean 48, sd 8.6); 10 is 4.4 sd below the mean.
  expect(seen.utcWouldDiffer).toBeGreaterThan(10);
});

test('series sweep: events exactly on a bucket end count in that bucket, one millisecond later in the next (day, week and month, three zones)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...CHANGES),
      fc.constantFrom<Every>('day', 'week', 'month'),
      fc.array(fc.record({ bucket: fc.nat(4), at: fc.constantFrom('end', 'after-end', 'start') }), { minLength: 1, maxLength: 8 }),
      async (change, every, marks) => {
        const zone = ZONES[change.orgId];
        const from = addDays(change.date, -9);
        const to = addDays(change.date, every === 'month' ? 70 : 30);
        const ends = bucketEnds(every, from, to, zone);
        // Each registration happens exactly at a bucket end, one millisecond after it, or at a bucket's first millisecond.
        const instants = marks
          .map(({ bucket, at }) => {
            const end = ends[Math.min(bucket, ends.length - 1)]!;
            return at === 'end' ? end : at === 'after-end' ? end + 1 : (bucket === 0 ? startOfLocalDay(from, zone) : ends[Math.min(bucket, ends.length - 1) - 1]! + 1);
          })
          .sort((a, b) => a - b);
        const store = new InMemoryEventStore();
        const ledger = createLedger({ store });
        const onboardAt = startOfLocalDay(addDays(from, -1), zone);
        const commands: [Command, number][] = [
          [{ type: 'OnboardOrganization', orgId: change.orgId, name: 'Sweep', seats: 20, timeZone: zone }, onboardAt],
          ...instants.map((at, i): [Command, number] => [{ type: 'RegisterLearner', orgId: change.orgId, learnerId: `L${i}`, email: `l${i}@sweep.test`, firstName: 'F', lastName: 'L' }, at]),
        ];
        for (const [command, at] of commands) {
          const result = await ledger.execute(command, { actor: { kind: 'admin', id: 'a@sweep.test' }, channel: 'api', now: iso(at) });
          if (E.isLeft(result)) throw new Error(result.left.message);
        }
        const events = await rawOrganizationEvents(store, change.orgId);
        const series = await licenseSeries(store, change.orgId, { every, from, to });
        if (E.isLeft(series)) throw new Error(series.left.message);
        expect(series.right.series).toEqual(ends.map((end) => ({ at: iso(end), ...countAt(events, end) })));
        // The same answer for each bucket end asked on its own.
        for (const end of ends) expect(await licenseCountAt(store, change.orgId, iso(end))).toEqual(E.right({ orgId: change.orgId, at: iso(end), ...countAt(events, end) }));
      },
    ),
    { numRuns: 40 },
  );
});
