import fc from 'fast-check';
import { createLedger, InMemoryEventStore } from '@learner-ledger/core';
import { importLearners } from '../src/index.js';
import { eventsOfType, NOW, run, stateOf, textInput } from './helpers.js';

/**
 * A future `Deactivation Date` is the start of that day in the
 * organization's time zone — checked against a start of day found with
 * Intl and a plain search (not the library's luxon helper), in zones with
 * DST in either hemisphere, half- and quarter-hour offsets and offsets far
 * from UTC, on any day of a year (DST changes included).
 */
const ZONES = ['America/Chicago', 'Europe/Berlin', 'Australia/Sydney', 'Asia/Kolkata', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'];

const formatters = new Map<string, Intl.DateTimeFormat>();
const localDate = (ms: number, timeZone: string): string => {
  if (!formatters.has(timeZone)) formatters.set(timeZone, new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }));
  const parts = Object.fromEntries(formatters.get(timeZone)!.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts['year']}-${parts['month']}-${parts['day']}`;
};

/** The first millisecond whose local date is `date`: a binary search over the 40 hours around UTC midnight. */
const startOfLocalDay = (date: string, timeZone: string): number => {
  let lo = Date.parse(`${date}T00:00:00.000Z`) - 20 * 3_600_000;
  let hi = lo + 40 * 3_600_000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDate(mid, timeZone) >= date) hi = mid;
    else lo = mid;
  }
  return hi;
};

const day = fc.integer({ min: 3, max: 360 }).map((n) => new Date(Date.parse('2026-03-02T00:00:00.000Z') + n * 86_400_000).toISOString().slice(0, 10));

test("Deactivation Date is the start of that day in the organization's time zone (independent oracle; DST, half-hour and far-off zones)", async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...ZONES), day, fc.constantFrom('FALSE', ''), async (timeZone, date, active) => {
      const ledger = createLedger({ store: new InMemoryEventStore() });
      await run(ledger, { type: 'OnboardOrganization', orgId: 'tz', name: 'Zones', seats: 5, timeZone });
      await run(ledger, { type: 'CreateTeam', orgId: 'tz', name: 'Sales' });
      await run(ledger, { type: 'RegisterLearner', orgId: 'tz', learnerId: '0001', email: 'a@tz.test', firstName: 'A', lastName: 'B', teams: ['sales'] });
      const file = `Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active,Deactivation Date\n0001,A,B,a@tz.test,,Sales,${active},${date}\n`;
      const report = await importLearners(ledger, { orgId: 'tz', input: textInput(file), targetTeam: 'Sales', now: NOW });
      const expected = startOfLocalDay(date, timeZone);
      const at = new Date(expected).toISOString();
      expect(report.errors).toEqual([]);
      expect(report.lines.map((l) => [l.action, l.message])).toEqual([['schedule', `deactivation scheduled for ${at}`]]);
      expect((await eventsOfType(ledger.store, 'DeactivationScheduled')).map((e) => e.data.effectiveAt)).toEqual([at]);
      // Due at that instant, not a millisecond before.
      const processAt = async (ms: number) => run(ledger, { type: 'ProcessDueDeactivations', orgId: 'tz' }, { actor: { kind: 'system', id: 'scheduler' }, channel: 'api', now: new Date(ms).toISOString() });
      await processAt(expected - 1);
      expect((await stateOf(ledger, 'tz')).learners.get('0001')!.status).toBe('active');
      await processAt(expected);
      expect((await stateOf(ledger, 'tz')).learners.get('0001')!.status).toBe('inactive');
    }),
    { numRuns: 80 },
  );
});
