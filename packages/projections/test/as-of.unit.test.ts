import * as E from 'fp-ts/lib/Either.js';
import { createLedger, InMemoryEventStore, type Command, type CommandContext, type EventStore } from '@learner-ledger/core';
import { inactiveRoster, licenseCountAt, licenseSeries, learnerDirectory, teamRosters, anomalies } from '../src/index.js';

const admin = (now: string, channel: CommandContext['channel'] = 'api'): CommandContext => ({ actor: { kind: 'admin', id: 'jo@acme.test' }, channel, now });

const setup = async (steps: readonly [string, Command, CommandContext['channel']?][]) => {
  const store = new InMemoryEventStore();
  const ledger = createLedger({ store });
  for (const [now, command, channel] of steps) {
    const result = await ledger.execute(command, admin(now, channel));
    if (E.isLeft(result)) throw new Error(result.left.message);
  }
  return store;
};
const register = (learnerId: string): Command => ({ type: 'RegisterLearner', orgId: 'acme', learnerId, email: `${learnerId}@acme.test`, firstName: 'F', lastName: 'L' });
const deactivate = (learnerId: string): Command => ({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: [learnerId] });
const right = <T>(either: E.Either<{ message: string }, T>): T => {
  if (E.isLeft(either)) throw new Error(either.left.message);
  return either.right;
};

/** Chicago: daylight saving starts 2026-03-08 (UTC−6 → UTC−5) and ends 2026-11-01 (UTC−5 → UTC−6). */
const history = () =>
  setup([
    ['2026-03-01T15:00:00.000Z', { type: 'OnboardOrganization', orgId: 'acme', name: 'Acme', seats: 10, timeZone: 'America/Chicago' }],
    ['2026-03-02T15:00:00.000Z', register('a')],
    ['2026-03-02T15:00:00.000Z', register('b')],
    // 23:30 on 8 March in Chicago (already CDT, UTC−5).
    ['2026-03-09T04:30:00.000Z', register('c')],
    // 00:30 on 9 March in Chicago: after the end of 8 March, though before 8 March 23:59 in CST.
    ['2026-03-09T05:30:00.000Z', register('d')],
    ['2026-03-31T20:00:00.000Z', deactivate('a'), 'learner-profile'],
    ['2026-04-01T04:59:59.999Z', { type: 'ResizeLicensePool', orgId: 'acme', seats: 12 }],
    ['2026-04-01T05:00:00.000Z', register('e')],
    // 23:30 on 1 November in Chicago (CST again, UTC−6).
    ['2026-11-02T05:30:00.000Z', deactivate('b')],
  ]);

describe('license count as of an instant', () => {
  test('a date means the end of that day in the organization’s time zone, across the start of daylight saving', async () => {
    const store = await history();
    expect(right(await licenseCountAt(store, 'acme', '2026-03-07'))).toEqual({ orgId: 'acme', at: '2026-03-08T05:59:59.999Z', seats: 10, inUse: 2, available: 8 });
    expect(right(await licenseCountAt(store, 'acme', '2026-03-08'))).toEqual({ orgId: 'acme', at: '2026-03-09T04:59:59.999Z', seats: 10, inUse: 3, available: 7 });
    expect(right(await licenseCountAt(store, 'acme', '2026-03-09'))).toMatchObject({ inUse: 4 });
  });

  test('"31 March 2026, end of day, America/Chicago" includes the resize at 23:59:59.999 local and not the registration at midnight', async () => {
    const store = await history();
    expect(right(await licenseCountAt(store, 'acme', '2026-03-31'))).toEqual({ orgId: 'acme', at: '2026-04-01T04:59:59.999Z', seats: 12, inUse: 3, available: 9 });
  });

  test('the end of a day across the end of daylight saving (a 25-hour day)', async () => {
    const store = await history();
    expect(right(await licenseCountAt(store, 'acme', '2026-11-01'))).toEqual({ orgId: 'acme', at: '2026-11-02T05:59:59.999Z', seats: 12, inUse: 3, available: 9 });
    expect(right(await licenseCountAt(store, 'acme', '2026-10-31'))).toMatchObject({ at: '2026-11-01T04:59:59.999Z', inUse: 4 });
  });

  test('an instant exactly on an event’s timestamp includes that event; a millisecond earlier does not', async () => {
    const store = await history();
    expect(right(await licenseCountAt(store, 'acme', '2026-03-09T05:30:00.000Z'))).toMatchObject({ inUse: 4 });
    expect(right(await licenseCountAt(store, 'acme', '2026-03-09T05:29:59.999Z'))).toMatchObject({ inUse: 3 });
    expect(right(await licenseCountAt(store, 'acme', '2026-03-08T23:30:00-05:00'))).toMatchObject({ at: '2026-03-09T04:30:00.000Z', inUse: 3 });
    // A local date-time without offset is read in the organization's zone.
    expect(right(await licenseCountAt(store, 'acme', '2026-03-08T23:29:59'))).toMatchObject({ at: '2026-03-09T04:29:59.000Z', inUse: 2 });
    expect(right(await licenseCountAt(store, 'acme', new Date('2026-03-09T04:30:00.000Z')))).toMatchObject({ inUse: 3 });
  });

  test('a date before the organization existed: zero seats, zero in use', async () => {
    const store = await history();
    expect(right(await licenseCountAt(store, 'acme', '2026-02-28'))).toEqual({ orgId: 'acme', at: '2026-03-01T05:59:59.999Z', seats: 0, inUse: 0, available: 0 });
  });

  test('without an instant: the current state, reported at the clock’s now', async () => {
    const store = await history();
    expect(right(await licenseCountAt(store, 'acme', undefined, { clock: () => '2027-01-01T00:00:00.000Z' }))).toEqual({ orgId: 'acme', at: '2027-01-01T00:00:00.000Z', seats: 12, inUse: 3, available: 9 });
  });

  test('errors are values: unknown organization, invalid organization id, unreadable instant', async () => {
    const store = await history();
    expect(await licenseCountAt(store, 'nobody', '2026-03-01')).toEqual(E.left(expect.objectContaining({ code: 'ORGANIZATION_NOT_FOUND' })));
    expect(await licenseCountAt(store, 'bad id!', '2026-03-01')).toEqual(E.left(expect.objectContaining({ code: 'INVALID_ORGANIZATION_ID' })));
    const bad = await licenseCountAt(store, 'acme', '31/03/2026');
    expect(bad).toEqual(E.left(expect.objectContaining({ code: 'INVALID_INSTANT' })));
    expect(E.isLeft(bad) && bad.left.message).toContain('31/03/2026');
  });

  test('reads only the organization’s own stream, never the global log or another organization', async () => {
    const store = await history();
    const ledger = createLedger({ store });
    await ledger.execute({ type: 'OnboardOrganization', orgId: 'globex', name: 'Globex', seats: 3 }, admin('2026-03-01T00:00:00.000Z'));
    const reads: string[] = [];
    const spy: EventStore = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'readStream') return (streamId: string, options?: object) => (reads.push(streamId), target.readStream(streamId, options));
        if (property === 'readAll') return () => Promise.reject(new Error('readAll must not be called by an as-of query'));
        return Reflect.get(target, property, receiver);
      },
    });
    right(await licenseCountAt(spy, 'acme', '2026-03-31'));
    right(await licenseSeries(spy, 'acme', { every: 'month', from: '2026-03-01', to: '2026-04-30' }));
    right(await inactiveRoster(spy, 'acme'));
    expect(new Set(reads)).toEqual(new Set(['learner-ledger.org-acme']));
  });
});

describe('license count as a time series', () => {
  test('daily points at the end of each local day, across the DST change; each equals the as-of answer', async () => {
    const store = await history();
    const report = right(await licenseSeries(store, 'acme', { every: 'day', from: '2026-03-06', to: '2026-03-09' }));
    expect(report.timeZone).toBe('America/Chicago');
    expect(report.series).toEqual([
      { at: '2026-03-07T05:59:59.999Z', seats: 10, inUse: 2, available: 8 },
      { at: '2026-03-08T05:59:59.999Z', seats: 10, inUse: 2, available: 8 },
      { at: '2026-03-09T04:59:59.999Z', seats: 10, inUse: 3, available: 7 },
      { at: '2026-03-10T04:59:59.999Z', seats: 10, inUse: 4, available: 6 },
    ]);
    for (const point of report.series) expect(right(await licenseCountAt(store, 'acme', point.at))).toEqual({ orgId: 'acme', ...point });
  });

  test('weekly (ISO weeks, Monday to Sunday) and monthly buckets; points before the organization existed are zero', async () => {
    const store = await history();
    const weeks = right(await licenseSeries(store, 'acme', { every: 'week', from: '2026-02-25', to: '2026-03-10' }));
    expect(weeks.series.map((p) => [p.at, p.inUse])).toEqual([
      ['2026-03-02T05:59:59.999Z', 0],
      ['2026-03-09T04:59:59.999Z', 3],
      ['2026-03-16T04:59:59.999Z', 4],
    ]);
    const months = right(await licenseSeries(store, 'acme', { every: 'month', from: '2026-02-10', to: '2026-11-15' }));
    expect(months.series.map((p) => [p.at, p.seats, p.inUse])).toEqual([
      ['2026-03-01T05:59:59.999Z', 0, 0],
      ['2026-04-01T04:59:59.999Z', 12, 3],
      ['2026-05-01T04:59:59.999Z', 12, 4],
      ['2026-06-01T04:59:59.999Z', 12, 4],
      ['2026-07-01T04:59:59.999Z', 12, 4],
      ['2026-08-01T04:59:59.999Z', 12, 4],
      ['2026-09-01T04:59:59.999Z', 12, 4],
      ['2026-10-01T04:59:59.999Z', 12, 4],
      ['2026-11-01T04:59:59.999Z', 12, 4],
      ['2026-12-01T05:59:59.999Z', 12, 3],
    ]);
  });

  test('refuses a range that ends before it starts, an unknown interval, and an unbounded number of points', async () => {
    const store = await history();
    expect(await licenseSeries(store, 'acme', { every: 'day', from: '2026-03-09', to: '2026-03-01' })).toEqual(E.left(expect.objectContaining({ code: 'INVALID_SERIES' })));
    expect(await licenseSeries(store, 'acme', { every: 'hour' as 'day', from: '2026-03-01', to: '2026-03-09' })).toEqual(E.left(expect.objectContaining({ code: 'INVALID_SERIES' })));
    expect(await licenseSeries(store, 'acme', { every: 'day', from: '2000-01-01', to: '2099-01-01' })).toEqual(E.left(expect.objectContaining({ code: 'INVALID_SERIES' })));
    expect(await licenseSeries(store, 'acme', { every: 'day', from: 'soon', to: '2026-03-01' })).toEqual(E.left(expect.objectContaining({ code: 'INVALID_INSTANT' })));
  });

  test('events recorded out of time order: a back-dated event takes effect when the stream reached it, so earlier answers never change; the series agrees', async () => {
    const store = await setup([
      ['2026-05-01T12:00:00.000Z', { type: 'OnboardOrganization', orgId: 'acme', name: 'Acme', seats: 5, timeZone: 'Europe/Berlin' }],
      ['2026-05-10T12:00:00.000Z', register('a')],
    ]);
    const before = right(await licenseCountAt(store, 'acme', '2026-05-06'));
    const ledger = createLedger({ store });
    // Back-dated: recorded after a's registration, stamped before it. It takes effect at a's instant (the latest occurredAt before it).
    const late = await ledger.execute(register('b'), admin('2026-05-05T12:00:00.000Z'));
    if (E.isLeft(late)) throw new Error(late.left.message);
    expect(right(await licenseCountAt(store, 'acme', '2026-05-06'))).toEqual(before);
    expect(before).toMatchObject({ inUse: 0 });
    expect(right(await licenseCountAt(store, 'acme', '2026-05-10T12:00:00.000Z'))).toMatchObject({ inUse: 2 });
    expect(right(await licenseCountAt(store, 'acme', '2026-05-10T11:59:59.999Z'))).toMatchObject({ inUse: 0 });
    const report = right(await licenseSeries(store, 'acme', { every: 'day', from: '2026-05-04', to: '2026-05-11' }));
    expect(report.series.map((p) => p.inUse)).toEqual([0, 0, 0, 0, 0, 0, 2, 2]);
    for (const point of report.series) expect(right(await licenseCountAt(store, 'acme', point.at))).toMatchObject({ inUse: point.inUse });
  });
});

describe('other reports as of an instant', () => {
  test('inactive roster, team rosters, directory and anomalies answer for now and for a past instant', async () => {
    const store = await setup([
      ['2026-03-01T15:00:00.000Z', { type: 'OnboardOrganization', orgId: 'acme', name: 'Acme', seats: 10, timeZone: 'America/Chicago' }],
      ['2026-03-01T15:00:00.000Z', { type: 'CreateTeam', orgId: 'acme', name: 'Sales' }],
      ['2026-03-02T15:00:00.000Z', { ...register('a'), teams: ['sales'] } as Command],
      ['2026-03-10T15:00:00.000Z', deactivate('a'), 'learner-draft'],
    ]);
    expect(right(await inactiveRoster(store, 'acme'))).toMatchObject({ orgId: 'acme', learners: [{ learnerId: 'a', since: '2026-03-10T15:00:00.000Z', channel: 'learner-draft', actor: { kind: 'admin', id: 'jo@acme.test' } }] });
    expect(right(await inactiveRoster(store, 'acme', { at: '2026-03-09' }))).toEqual({ orgId: 'acme', at: '2026-03-10T04:59:59.999Z', learners: [] });
    expect(right(await teamRosters(store, 'acme', { at: '2026-03-09' })).teams.find((t) => t.teamId === 'sales')!.members).toEqual(['a']);
    expect(right(await teamRosters(store, 'acme')).teams.find((t) => t.teamId === 'sales')!.members).toEqual([]);
    expect(right(await learnerDirectory(store, 'acme')).learners.map((l) => [l.learnerId, l.status, l.teams])).toEqual([['a', 'inactive', ['inactive-learners']]]);
    expect(right(await anomalies(store, 'acme')).anomalies).toEqual([]);
  });
});
