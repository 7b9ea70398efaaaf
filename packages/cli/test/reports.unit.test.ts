import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliHarness, seedAcme } from './harness.js';

/** A harness whose clock can be moved, so events land on chosen days. */
const clocked = (start: string) => {
  let now = start;
  const harness = cliHarness({ now: () => now });
  return { ...harness, at: (instant: string) => void (now = instant) };
};

describe('reports, audit and replay', () => {
  test('report licenses: now, as of the end of a day in the organization time zone, and as a series with an SVG chart', async () => {
    const { run, at } = clocked('2026-03-02T15:00:00.000Z');
    await seedAcme(run);
    at('2026-03-03T15:00:00.000Z');
    await run('learner', 'deactivate', 'acme', '0001', '0002');
    at('2026-03-05T15:00:00.000Z');
    await run('org', 'seats', 'acme', '12');

    const now = await run('report', 'licenses', 'acme', '--json');
    expect(now.json()).toEqual({ orgId: 'acme', at: '2026-03-05T15:00:00.000Z', seats: 12, inUse: 2, available: 10 });
    const asOf = await run('report', 'licenses', 'acme', '--at', '2026-03-02', '--json');
    expect(asOf.json()).toEqual({ orgId: 'acme', at: '2026-03-03T05:59:59.999Z', seats: 10, inUse: 4, available: 6 });
    const text = await run('report', 'licenses', 'acme', '--at', '2026-03-02');
    expect(text.out).toBe('Licenses of acme as of 2026-03-02 23:59 America/Chicago (2026-03-03T05:59:59.999Z): 4 of 10 in use, 6 available.\n');

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-chart-'));
    try {
      const series = await run('--json', 'report', 'licenses', 'acme', '--series', 'day', '--from', '2026-03-01', '--to', '2026-03-06', '--chart', path.join(dir, 'march.svg'));
      expect(series.code).toBe(0);
      const body = series.json();
      expect(body.orgId).toBe('acme');
      expect(body.series.map((p: { seats: number; inUse: number }) => [p.seats, p.inUse])).toEqual([[0, 0], [10, 4], [10, 2], [10, 2], [12, 2], [12, 2]]);
      expect(body.series[0]).toEqual({ at: '2026-03-02T05:59:59.999Z', seats: 0, inUse: 0, available: 0 });
      const svg = fs.readFileSync(path.join(dir, 'march.svg'), 'utf8');
      expect(svg).toContain('Licenses of acme per day: 2026-03-01 – 2026-03-06');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('report licenses refuses mixed or incomplete series flags (exit 2) and unknown organizations (exit 1)', async () => {
    const { run } = cliHarness();
    await seedAcme(run);
    expect((await run('report', 'licenses', 'acme', '--series', 'day', '--from', '2026-03-01')).code).toBe(2);
    expect((await run('report', 'licenses', 'acme', '--chart', 'x.svg')).code).toBe(2);
    expect((await run('report', 'licenses', 'acme', '--series', 'year', '--from', '2026-03-01', '--to', '2026-03-02')).code).toBe(2);
    expect((await run('report', 'licenses', 'acme', '--at', 'yesterday')).code).toBe(2);
    const missing = await run('report', 'licenses', 'nobody', '--json');
    expect(missing.code).toBe(1);
    expect(missing.json().error.code).toBe('ORGANIZATION_NOT_FOUND');
  });

  test('inactive roster, team rosters, anomalies and the audit trail of a learner', async () => {
    const { run } = cliHarness();
    await seedAcme(run);
    await run('--actor', 'jo@acme.test', 'learner', 'deactivate', 'acme', '0001', '0002', '--reason', 'left');
    await run('learner', 'deactivate', 'acme', '0003', '--no-move');
    const roster = await run('report', 'inactive-roster', 'acme', '--json');
    expect(roster.json().orgId).toBe('acme');
    expect(roster.json().learners).toEqual([
      expect.objectContaining({ learnerId: '0001', since: '2026-03-02T09:00:00.000Z', actor: { kind: 'admin', id: 'jo@acme.test' }, channel: 'learner-draft' }),
      expect.objectContaining({ learnerId: '0002', channel: 'learner-draft' }),
    ]);
    const teams = await run('report', 'teams', 'acme', '--json');
    expect(teams.json().teams).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'Sales', members: [] }), expect.objectContaining({ name: 'Support', members: [] })]),
    );
    const found = await run('report', 'anomalies', 'acme', '--json');
    expect(found.json().anomalies).toEqual([expect.objectContaining({ learnerId: '0003', teamId: 'support' })]);
    const trail = await run('audit', 'learner', 'acme', '0001', '--json');
    expect(trail.json().entries.map((e: { type: string }) => e.type)).toEqual([
      'LearnerRegistered', 'LicenseAssigned', 'TeamMembershipChanged', 'TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased',
    ]);
    expect((await run('audit', 'learner', 'acme', '9999', '--json')).json().error.code).toBe('LEARNER_NOT_FOUND');
    expect((await run('audit', 'import', 'acme', 'no-such-import', '--json')).json().error.code).toBe('IMPORT_NOT_FOUND');
    const text = await run('report', 'inactive-roster', 'acme');
    expect(text.out).toContain('0001     2026-03-02 03:00 America/Chicago  admin:jo@acme.test');
  });

  test('replay rebuilds every projection, or one, from position 0', async () => {
    const { run, store } = cliHarness();
    await seedAcme(run);
    const all = await run('replay', '--json');
    expect(all.code).toBe(0);
    expect(all.json().head).toBe((await store.headPosition()).toString());
    expect(all.json().projections.map((p: { name: string }) => p.name)).toHaveLength(6);
    for (const p of all.json().projections) expect(p.checkpoint).toBe(all.json().head);
    const one = await run('replay', '--projection', all.json().projections[0].name, '--json');
    expect(one.json().projections).toHaveLength(1);
    expect((await run('replay', '--projection', 'nope')).code).toBe(2);
  });
});
