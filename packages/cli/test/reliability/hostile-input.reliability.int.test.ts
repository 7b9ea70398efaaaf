import { PassThrough } from 'node:stream';
import * as E from 'fp-ts/lib/Either.js';
import { createLedger, organizationStreamId, type Command, type EventStore } from '@learner-ledger/core';
import { exportLearners, importLearners } from '@learner-ledger/csv';
import { learnerDirectory } from '@learner-ledger/projections';
import { openSqliteEventStore } from '@learner-ledger/sqlite';
import { freshPostgresStore } from './pg-support.js';
import { admin, DATA_SERVICES_HEADER, seedOrganization, textInput } from './scenario.js';
import { auditLog, readLog, rightOf, temporaryDirectory } from './support.js';

/**
 * Hostile values through the ledger, the import, the export and the queries,
 * on SQLite and PostgreSQL: each one is either refused with a clear error and
 * nothing written, or stored and read back verbatim — never interpreted.
 */
const TEN_KB = 'x'.repeat(10 * 1024);
export const HOSTILE: readonly [string, string][] = [
  ['SQL quote and comment', "x'); DROP TABLE ll_events; --"],
  ['SQL boolean', '" OR 1=1 --'],
  ['LIKE wildcards', '%_%'],
  ['backslashes', 'a\\b\\\\c\\'],
  ['placeholder', '$1 ?'],
  ['statement separator', 'a; DELETE FROM events'],
  ['JSON text', '{"learnerId":"admin"}'],
  ['prototype key', '__proto__'],
  ['constructor key', 'constructor'],
  ['stream prefix', 'learner-ledger.org-acme'],
  ['stream separator slash', 'acme/other'],
  ['dot-dot', '..'],
  ['NUL inside', 'acme\u0000tail'],
  ['newline inside', 'two\nlines'],
  ['Cyrillic look-alike', '\u0430cme'],
  ['fullwidth look-alike', '\uff41\uff43\uff4d\uff45'],
  ['zero-width space', 'ac\u200bme'],
  ['combining accent', 'e\u0301'],
  ['right-to-left override', '\u202eemca'],
  ['emoji', '👩‍💻🎓'],
  ['lone surrogate', 'a\ud800b'],
  ['empty', ''],
  ['only spaces', '   '],
  ['surrounding spaces', ' acme '],
  ['10 KB', TEN_KB],
  ['formula', '=HYPERLINK("http://example.invalid","x")'],
];

interface Outcome {
  readonly label: string;
  readonly field: string;
  readonly verdict: 'refused' | 'verbatim';
  readonly code?: string;
}

const stores: [string, (name: string) => Promise<EventStore>][] = [
  ['sqlite', async (name) => openSqliteEventStore({ path: temp.file(`${name}.db`) })],
  ['postgres', async (name) => freshPostgresStore(`ll_rel_hostile_${name}`, { maxConnections: 2 })],
];
const temp = temporaryDirectory();
afterAll(() => temp.remove());

describe.each(stores)('reliability: hostile input on %s', (storeName, open) => {
  test('organization ids: refused with INVALID_ORGANIZATION_ID, or the exact stream; nothing else written', async () => {
    const store = await open('orgs');
    try {
      const ledger = createLedger({ store });
      const outcomes: Outcome[] = [];
      for (const [label, value] of HOSTILE) {
        const before = await store.headPosition();
        const result = await ledger.execute({ type: 'OnboardOrganization', orgId: value, name: 'Hostile', seats: 1 }, admin());
        if (E.isLeft(result)) {
          expect(result.left.code).toBe('INVALID_ORGANIZATION_ID');
          expect(result.left.message).toContain('is not valid');
          expect(await store.headPosition()).toBe(before);
          outcomes.push({ label, field: 'orgId', verdict: 'refused', code: result.left.code });
        } else {
          expect(result.right.streamId).toBe(organizationStreamId(value));
          const read = await store.readStream(`learner-ledger.org-${value}`);
          expect(read.events[0]!.data).toMatchObject({ orgId: value });
          outcomes.push({ label, field: 'orgId', verdict: 'verbatim' });
        }
      }
      // The one id a stream prefix could confuse is its own organization, beside the real acme.
      await seedOrganization(ledger, 'acme', { learners: 1 });
      const nested = rightOf(await ledger.state('learner-ledger.org-acme'));
      expect(nested.learners.size).toBe(0);
      expect(rightOf(await ledger.state('acme')).learners.size).toBe(1);
      await auditLog(store);
      console.log(`[reliability] hostile org ids on ${storeName}: ${outcomes.filter((o) => o.verdict === 'refused').length} refused, ${outcomes.filter((o) => o.verdict === 'verbatim').map((o) => o.label).join(', ')} stored verbatim`);
    } finally {
      await store.close();
    }
  });

  test('learner ids, names, e-mails, team names and reasons: refused with a clear error, or stored and read back verbatim', async () => {
    const store = await open('fields');
    try {
      const ledger = createLedger({ store });
      await seedOrganization(ledger, 'acme', { seats: 1000, learners: 1 });
      const outcomes: Outcome[] = [];
      const attempt = async (label: string, field: string, command: Command, check: () => Promise<void>) => {
        const before = await store.headPosition();
        const result = await ledger.execute(command, admin());
        if (E.isLeft(result)) {
          expect(result.left.message.length).toBeGreaterThan(10);
          expect(await store.headPosition()).toBe(before);
          outcomes.push({ label, field, verdict: 'refused', code: result.left.code });
          return;
        }
        await check();
        outcomes.push({ label, field, verdict: 'verbatim' });
      };
      for (const [i, [label, value]] of HOSTILE.entries()) {
        await attempt(label, 'learnerId', { type: 'RegisterLearner', orgId: 'acme', learnerId: value, email: `id${i}@acme.test`, firstName: 'F', lastName: 'L', teams: ['sales'] }, async () => {
          const fresh = rightOf(await createLedger({ store }).state('acme'));
          expect(fresh.learners.get(value)?.learnerId).toBe(value);
          const directory = rightOf(await learnerDirectory(store, 'acme'));
          expect(directory.learners.some((l) => l.learnerId === value)).toBe(true);
          // Deactivating it touches that learner only.
          const deactivated = rightOf(await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: [value], reason: 'hostile id' }, admin()));
          expect(deactivated.events.every((e) => !('learnerId' in e.event.data) || e.event.data.learnerId === value)).toBe(true);
        });
        await attempt(label, 'names', { type: 'RegisterLearner', orgId: 'acme', learnerId: `names-${i}`, email: `names${i}@acme.test`, firstName: value, lastName: value, employeeId: value }, async () => {
          const learner = rightOf(await createLedger({ store }).state('acme')).learners.get(`names-${i}`)!;
          // Names lose surrounding spaces (the decider trims them); an empty employee id means "none" (null); nothing else changes.
          expect([learner.firstName, learner.lastName, learner.employeeId]).toEqual([value.trim(), value.trim(), value === '' ? null : value]);
        });
        const email = `${value}@h${i}.test`;
        await attempt(label, 'email', { type: 'RegisterLearner', orgId: 'acme', learnerId: `email-${i}`, email, firstName: 'F', lastName: 'L' }, async () => {
          expect(rightOf(await createLedger({ store }).state('acme')).learners.get(`email-${i}`)!.email).toBe(email);
        });
        await attempt(label, 'team name', { type: 'CreateTeam', orgId: 'acme', name: value, teamId: `team-${i}` }, async () => {
          expect(rightOf(await createLedger({ store }).state('acme')).teams.get(`team-${i}`)!.name).toBe(value.trim()); // trimmed, like names
        });
        await attempt(label, 'reason', { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['acme-0'], reason: value }, async () => {
          const last = (await readLog(store)).filter((e) => e.type === 'LearnerDeactivated').at(-1)!;
          // An empty reason means "no reason"; every other value comes back exactly.
          expect((last.data as { reason?: string }).reason).toBe(value === '' ? undefined : value);
          rightOf(await ledger.execute({ type: 'ReactivateLearner', orgId: 'acme', learnerId: 'acme-0' }, admin()));
        });
      }
      // Refusals carry input codes, never a store failure; the log is intact and the invariant audit passes.
      for (const outcome of outcomes) if (outcome.verdict === 'refused') expect(outcome.code).toMatch(/^(INVALID_ID|INVALID_TEXT|INVALID_EMAIL|INVALID_EVENT|DUPLICATE_EMAIL|DUPLICATE_TEAM_NAME)$/);
      const audit = await auditLog(store);
      const summary = (field: string) => {
        const mine = outcomes.filter((o) => o.field === field);
        return `${field}: ${mine.filter((o) => o.verdict === 'verbatim').length} verbatim / ${mine.filter((o) => o.verdict === 'refused').length} refused (${[...new Set(mine.filter((o) => o.code).map((o) => o.code))].join(', ')})`;
      };
      console.log(`[reliability] hostile fields on ${storeName}: ${['learnerId', 'names', 'email', 'team name', 'reason'].map(summary).join('; ')}; ${audit.events} events audited`);
    } finally {
      await store.close();
    }
  });

  test('hostile cells through import and export: verbatim after the round trip, formulas neutralised in the file', async () => {
    const store = await open('csv');
    try {
      const ledger = createLedger({ store });
      await seedOrganization(ledger, 'acme', { seats: 1000, learners: 0 });
      const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;
      // A file holds UTF-8 text: a lone surrogate cannot be written to it, and control characters are refused per line.
      const usable = HOSTILE.filter(([, value]) => value.trim() === value && value !== '' && !/[\u0000-\u001f]/.test(value) && !/[\ud800-\udfff]/.test(value.replace(/[\ud800-\udbff][\udc00-\udfff]/g, "")));
      const rows = usable.map(([, value], i) => [quote(`h${i}-${value}`.slice(0, 120)), quote(value), quote(value), `h${i}@acme.test`, quote(value), 'Sales', 'TRUE'].join(','));
      const report = await importLearners(ledger, { orgId: 'acme', input: textInput([DATA_SERVICES_HEADER, ...rows].join('\r\n') + '\r\n'), fileName: 'hostile.csv', targetTeam: 'Sales', partial: true });
      expect(report.applied).toBe(true);
      const state = rightOf(await createLedger({ store }).state('acme'));
      let verbatim = 0;
      for (const [i, [label, value]] of usable.entries()) {
        const line = report.lines.find((l) => l.line === i + 2)!;
        if (line.action === 'error') {
          expect(line.error!.message.length).toBeGreaterThan(5);
          continue;
        }
        const learner = state.learners.get(line.learnerId);
        if (!learner) throw new Error(`line ${line.line} (${label}) says ${line.action} ${JSON.stringify(line.learnerId)}, but the state has no such learner (expected ${JSON.stringify(`h${i}-${value}`.slice(0, 120))})`);
        expect(line.learnerId).toBe(`h${i}-${value}`.slice(0, 120));
        expect([learner.firstName, learner.lastName, learner.employeeId]).toEqual([value, value, value]);
        verbatim++;
      }
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (chunk: Buffer) => chunks.push(chunk));
      await exportLearners(ledger, { orgId: 'acme', format: 'data-services', output: out });
      const exported = Buffer.concat(chunks).toString('utf8');
      expect(exported).not.toMatch(/(^|,)"?[=+\-@]/m);
      const head = await store.headPosition();
      const again = await importLearners(ledger, { orgId: 'acme', input: textInput(exported), fileName: 'export.csv', targetTeam: 'Sales' });
      expect(again.counts).toMatchObject({ registered: 0, deactivated: 0, reactivated: 0, updated: 0, errors: 0 });
      expect((await readLog(store)).filter((e) => e.globalPosition > head && !e.type.startsWith('Import'))).toEqual([]);
      console.log(`[reliability] hostile CSV cells on ${storeName}: ${verbatim} of ${usable.length} rows stored verbatim, ${usable.length - verbatim} refused per line; export re-imported unchanged`);
    } finally {
      await store.close();
    }
  });
});
