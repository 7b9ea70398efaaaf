import fc from 'fast-check';
import { createLedger, InMemoryEventStore, type Command, type ImportFormat, type Ledger } from '@learner-ledger/core';
import { importLearners, planImport } from '../src/index.js';
import { eventCount, exportText, FailingStore, learnersOf, NOW, run, snapshot, stateOf, textInput } from './helpers.js';

/**
 * Properties over generated organizations: learner ids with leading zeros,
 * names with commas, quotes, formula starts and non-ASCII letters, team names
 * differing from their spelling in the file only by case, active and inactive
 * learners (moved or not).
 */
const RUNS = Number(process.env.CSV_PROPERTY_RUNS ?? 40);

const nasty = ['a', 'B', 'z', ' ', 'é', 'Ø', '中', ',', '"', "'", '=', '+', '-', '@', '\u00a0', '0', '7'];
const text = (min: number, max: number) => fc.array(fc.constantFrom(...nasty), { minLength: min, maxLength: max }).map((cs) => cs.join(''));
const name = text(0, 10).map((s) => s.trim());
const teamName = fc.array(fc.constantFrom(...nasty.filter((c) => c !== '\u00a0'), 'S', 'q'), { minLength: 1, maxLength: 8 }).map((cs) => cs.join('').trim()).filter((s) => s.length > 0);
const learnerId = fc.oneof(
  fc.integer({ min: 0, max: 99_999 }).map((n) => String(n).padStart(6, '0')),
  text(1, 8).map((s) => s.trim()).filter((s) => s.length > 0),
);
const employeeId = fc.option(fc.oneof(fc.integer({ min: 0, max: 999 }).map((n) => `00${n}`), fc.constantFrom('-17', '=1+1', '@x', "'quoted", 'E 12')), { nil: null });

interface GeneratedLearner {
  readonly learnerId: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly emailPrefix: string;
  readonly employeeId: string | null;
  readonly teamPicks: readonly number[];
  readonly status: 'active' | 'inactive-moved' | 'inactive-unmoved';
}

const organization = fc.record({
  teams: fc.uniqueArray(teamName, { minLength: 1, maxLength: 4, selector: (s) => s.toLowerCase() }),
  learners: fc.uniqueArray(
    fc.record({
      learnerId,
      firstName: name,
      lastName: name,
      emailPrefix: fc.constantFrom('a', '-', '=', '+', "o'", 'x"y', 'é'),
      employeeId,
      teamPicks: fc.array(fc.nat(3), { maxLength: 3 }),
      status: fc.constantFrom('active', 'active', 'inactive-moved', 'inactive-unmoved'),
    }) as fc.Arbitrary<GeneratedLearner>,
    { minLength: 1, maxLength: 25, selector: (l) => l.learnerId },
  ),
});
type Organization = { teams: string[]; learners: GeneratedLearner[] };

const build = async (org: Organization, store = new InMemoryEventStore()): Promise<{ ledger: Ledger; teamIds: string[] }> => {
  const ledger = createLedger({ store });
  await run(ledger, { type: 'OnboardOrganization', orgId: 'prop', name: 'Prop Co', seats: 1000, timeZone: 'Europe/Berlin' });
  const teamIds: string[] = [];
  for (const team of org.teams) teamIds.push((await run(ledger, { type: 'CreateTeam', orgId: 'prop', name: team })).outcomes[0]!.subject);
  for (const [i, l] of org.learners.entries()) {
    const teams = [...new Set(l.teamPicks.filter((p) => p < teamIds.length).map((p) => teamIds[p]!))];
    const command: Command = { type: 'RegisterLearner', orgId: 'prop', learnerId: l.learnerId, email: `${l.emailPrefix}${i}@prop.test`, firstName: l.firstName, lastName: l.lastName, employeeId: l.employeeId, teams };
    await run(ledger, command);
    if (l.status !== 'active') await run(ledger, { type: 'DeactivateLearners', orgId: 'prop', learnerIds: [l.learnerId], ...(l.status === 'inactive-unmoved' ? { move: null } : {}) });
  }
  return { ledger, teamIds };
};

const scope = fc.record({ format: fc.constantFrom<ImportFormat>('data-services', 'learner-page'), team: fc.option(fc.nat(3), { nil: undefined }), caseShift: fc.boolean() });

const IMPORT_AUDIT = new Set(['ImportReceived', 'ImportLinesRecorded', 'ImportApplied']);
const typesAfter = async (ledger: Ledger, position: number): Promise<string[]> => (await ledger.store.readAll({ after: BigInt(position), maxCount: 100_000 })).events.map((e) => e.type);

const exportFor = async (ledger: Ledger, org: Organization, teamIds: string[], s: { format: ImportFormat; team: number | undefined; caseShift: boolean }) => {
  const teamIndex = s.team !== undefined && s.team < teamIds.length ? s.team : undefined;
  const team = teamIndex !== undefined ? teamIds[teamIndex]! : undefined;
  const text = await exportText(ledger, { orgId: 'prop', format: s.format, ...(team ? { team } : {}) });
  const targetName = org.teams[teamIndex ?? 0]!;
  // An empty team exports a header-only file, which the import refuses (HEADER_ONLY): not a round trip.
  fc.pre(text.trimEnd().includes('\n'));
  return { text, team, target: s.caseShift ? targetName.toUpperCase() : targetName };
};

test('any generated organization: export → import is unchanged (no learner event, same learners)', async () => {
  await fc.assert(
    fc.asyncProperty(organization, scope, async (org, s) => {
      const { ledger, teamIds } = await build(org);
      const { text, target } = await exportFor(ledger, org, teamIds, s);
      const before = learnersOf(await stateOf(ledger, 'prop'));
      const head = await eventCount(ledger.store);
      const report = await importLearners(ledger, { orgId: 'prop', input: textInput(text), targetTeam: target, now: NOW, format: s.format });
      expect(report.errors).toEqual([]);
      expect(report.status).toBe('applied');
      expect(report.lines.every((l) => l.action === 'unchanged')).toBe(true);
      expect(report.counts.unchanged).toBe(report.rowCount);
      expect(learnersOf(await stateOf(createLedger({ store: ledger.store }), 'prop'))).toEqual(before);
      expect((await typesAfter(ledger, head)).every((type) => IMPORT_AUDIT.has(type))).toBe(true);
    }),
    { numRuns: RUNS },
  );
});

const spellings = { true: ['TRUE', 'true', 'Yes', 'y', '1', ' TRUE '], false: ['FALSE', 'false', 'No', 'n', '0', 'FALSE '] };

test('an export edited only in Active imports exactly those changes; imported twice, the second import writes nothing', async () => {
  await fc.assert(
    fc.asyncProperty(organization, scope, fc.array(fc.nat(30), { maxLength: 10 }), fc.nat(5), async (org, s, flips, spelling) => {
      const { ledger, teamIds } = await build(org);
      const { text, target } = await exportFor(ledger, org, teamIds, s);
      const [header, ...rows] = text.trimEnd().split('\n');
      const flipped = new Set(flips.filter((i) => i < rows.length));
      const expected = new Map<string, string>();
      const edited = rows.map((row, i) => {
        const cells = row.split(',');
        const wasActive = cells.at(-1) === 'TRUE';
        if (!flipped.has(i)) return row;
        cells[cells.length - 1] = (wasActive ? spellings.false : spellings.true)[spelling]!;
        expected.set(String(i + 2), wasActive ? 'deactivate' : 'reactivate');
        return cells.join(',');
      });
      const file = [header, ...edited].join('\n') + '\n';
      const report = await importLearners(ledger, { orgId: 'prop', input: textInput(file), targetTeam: target, now: NOW, allowMassDeactivation: true, format: s.format });
      expect(report.errors).toEqual([]);
      for (const line of report.lines) expect([line.line, line.action]).toEqual([line.line, expected.get(String(line.line)) ?? 'unchanged']);
      const state = await stateOf(ledger, 'prop');
      for (const line of report.lines) {
        const active = /(TRUE|true|Yes|y|1)\s*$/.test(edited[line.line - 2]!);
        expect([line.learnerId, state.learners.get(line.learnerId)!.status]).toEqual([line.learnerId, active ? 'active' : 'inactive']);
      }
      const head = await eventCount(ledger.store);
      const again = await importLearners(createLedger({ store: ledger.store }), { orgId: 'prop', input: textInput(file), targetTeam: target, now: NOW, allowMassDeactivation: true, format: s.format });
      expect(again.status).toBe('already-applied');
      expect(again.counts).toEqual(report.counts);
      expect(await eventCount(ledger.store)).toBe(head);
    }),
    { numRuns: RUNS },
  );
});

const mutation = fc.array(
  fc.record({ at: fc.nat(2000), remove: fc.nat(3), insert: fc.array(fc.constantFrom(',', '"', '\n', '\r', '\u0000', '\ufeff', 'FALSE', 'x', ';', "'", '=', ' '), { maxLength: 3 }) }),
  { minLength: 1, maxLength: 6 },
);

test('a dry run never writes, and a refused import writes nothing, whatever the file', async () => {
  await fc.assert(
    fc.asyncProperty(organization, scope, mutation, fc.boolean(), async (org, s, edits, partial) => {
      const { ledger, teamIds } = await build(org);
      const { text, target } = await exportFor(ledger, org, teamIds, s);
      let file = text;
      for (const edit of edits) {
        const at = edit.at % (file.length + 1);
        file = file.slice(0, at) + edit.insert.join('') + file.slice(at + edit.remove);
      }
      const before = await snapshot(ledger.store);
      const plan = await planImport(ledger, { orgId: 'prop', input: textInput(file), targetTeam: target, now: NOW, partial });
      expect(plan.appends).toBe(0);
      expect(await snapshot(ledger.store)).toBe(before);
      const report = await importLearners(ledger, { orgId: 'prop', input: textInput(file), targetTeam: target, now: NOW, partial });
      if (!report.applied) expect(await snapshot(ledger.store)).toBe(before);
      // The plan said what the import did.
      if (report.applied) expect(report.counts).toEqual(plan.counts);
      else expect(report.errors[0]).toEqual(plan.errors[0]);
    }),
    { numRuns: RUNS },
  );
});

test('the safety threshold refuses exactly when deactivations ≥ 10 and more than 20% of the team', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 60 }), fc.nat(60), fc.boolean(), async (team, wanted, fullSync) => {
      const ledger = createLedger({ store: new InMemoryEventStore() });
      await run(ledger, { type: 'OnboardOrganization', orgId: 'th', name: 'T', seats: 100 });
      await run(ledger, { type: 'CreateTeam', orgId: 'th', name: 'Sales' });
      for (let i = 0; i < team; i++) await run(ledger, { type: 'RegisterLearner', orgId: 'th', learnerId: `L${i}`, email: `l${i}@th.test`, firstName: 'F', lastName: 'L', teams: ['sales'] });
      const k = Math.min(wanted, team);
      // Full sync: the k learners are left out of the file; otherwise they are listed FALSE.
      const rows = Array.from({ length: team }, (_, i) => (i < k ? (fullSync ? undefined : `L${i},F,L,l${i}@th.test,,Sales,FALSE`) : `L${i},F,L,l${i}@th.test,,Sales,TRUE`)).filter((r) => r !== undefined);
      if (rows.length === 0) rows.push('NEW,F,L,new@th.test,,Sales,TRUE');
      const file = ['Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active', ...rows].join('\n');
      const plan = await planImport(ledger, { orgId: 'th', input: textInput(file), targetTeam: 'sales', now: NOW, fullSync });
      const refused = k >= 10 && k / team > 0.2;
      expect(plan.errors.map((e) => e.code)).toEqual(refused ? ['MASS_DEACTIVATION'] : []);
      expect(plan.threshold).toMatchObject({ deactivations: k, activeInTargetTeam: team });
    }),
    { numRuns: Math.max(10, Math.floor(RUNS / 2)) },
  );
});

test('a crash at any append, then a re-run, ends exactly where an uninterrupted import ends', async () => {
  await fc.assert(
    fc.asyncProperty(organization, fc.array(fc.nat(30), { maxLength: 12 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 8 }), async (org, flips, failAfter, batchSize) => {
      const { ledger: reference, teamIds } = await build(org);
      const { text, target } = await exportFor(reference, org, teamIds, { format: 'data-services', team: undefined, caseShift: false });
      const [header, ...rows] = text.trimEnd().split('\n');
      const file = [header, ...rows.map((row, i) => (flips.includes(i) ? row.replace(/,(TRUE|FALSE)$/, (_m, v: string) => (v === 'TRUE' ? ',FALSE' : ',TRUE')) : row))].join('\n');
      const options = { orgId: 'prop', targetTeam: target, now: NOW, allowMassDeactivation: true, batchSize } as const;
      const expected = await importLearners(reference, { ...options, input: textInput(file) });

      const inner = new InMemoryEventStore();
      await build(org, inner);
      const crashed = await importLearners(createLedger({ store: new FailingStore(inner, failAfter) }), { ...options, input: textInput(file) });
      const resumed = crashed.status === 'applied' ? crashed : await importLearners(createLedger({ store: inner }), { ...options, input: textInput(file) });
      expect(resumed.status).toBe('applied');
      expect(resumed.counts).toEqual(expected.counts);
      expect(learnersOf(await stateOf(createLedger({ store: inner }), 'prop'))).toEqual(learnersOf(await stateOf(reference, 'prop')));
      const lines = (await inner.readAll({ maxCount: 100_000 })).events.filter((e) => e.type === 'ImportLinesRecorded').flatMap((e) => (e.data as { lines: { line: number }[] }).lines.map((l) => l.line));
      expect(lines.sort((a, b) => a - b)).toEqual(expected.lines.map((l) => l.line).sort((a, b) => a - b));
    }),
    { numRuns: Math.max(10, Math.floor(RUNS / 2)) },
  );
});
