import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { createLedger, InMemoryEventStore, type Ledger } from '@learner-ledger/core';
import { CSV_ERROR_CODES, importLearners, planImport, type ImportReport } from '../../src/index.js';
import { exportText, learnersOf, NOW, run, snapshot, stateOf } from '../helpers.js';

/**
 * Fuzzing the importer with fast-check: arbitrary bytes, and valid files
 * mutated at the byte level (inserted and deleted bytes, stray quotes, BOMs,
 * NULs, lone CRs, UTF-16, truncation in the middle of a character, random
 * chunk boundaries). The importer never throws, never writes when it refuses,
 * and always ends in a report whose errors name a line when they are about one.
 */
const STRESS = process.env.LEARNER_LEDGER_STRESS === '1';
const RUNS = STRESS ? 2000 : 150;
const HEADER = 'Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active';
const KNOWN_CODES = new Set<string>(CSV_ERROR_CODES);
/** Errors about the file as a whole, which name no line when there is none to name. */
const WHOLE_FILE = new Set(['EMPTY_FILE', 'FILE_UNREADABLE', 'MASS_DEACTIVATION', 'INVALID_TARGET_TEAM', 'ORGANIZATION_NOT_FOUND', 'INVALID_OPTION', 'LOCATION_REQUIRED', 'FILE_CHANGED']);

const organization = async (): Promise<Ledger> => {
  const ledger = createLedger({ store: new InMemoryEventStore() });
  await run(ledger, { type: 'OnboardOrganization', orgId: 'fuzz', name: 'Fuzz Ltd', seats: 40, timeZone: 'Europe/Paris' });
  await run(ledger, { type: 'CreateTeam', orgId: 'fuzz', name: 'Sales' });
  for (let n = 0; n < 12; n++) {
    await run(ledger, { type: 'RegisterLearner', orgId: 'fuzz', learnerId: String(n).padStart(4, '0'), email: `l${n}@fuzz.test`, firstName: `Ann ${n}`, lastName: `O'Neil, "${n}"`, employeeId: `00${n}`, teams: ['sales'] });
  }
  return ledger;
};

const validFile = (): string =>
  [
    `${HEADER},Reason`,
    ...Array.from({ length: 12 }, (_, n) => `${String(n).padStart(4, '0')},Ann ${n},"O'Neil, ""${n}""",l${n}@fuzz.test,00${n},Sales,${n % 4 === 0 ? 'FALSE,"left\r\nthe company"' : 'TRUE,'}`),
    ...Array.from({ length: 6 }, (_, n) => `new-${n},Bø,"Zoë ""Z"", ${n}",new${n}@fuzz.test,,Sales,yes,`),
  ].join('\r\n') + '\r\n';

const chunked = (bytes: Uint8Array, cuts: readonly number[]) =>
  (async function* () {
    let at = 0;
    for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
      yield bytes.subarray(at, cut);
      at = cut;
    }
    yield bytes.subarray(at);
  })();

let outcomes: Record<string, number> = {};
const checkReport = async (ledger: Ledger, bytes: Uint8Array, cuts: readonly number[] = []): Promise<ImportReport> => {
  const before = await snapshot(ledger.store);
  let report: ImportReport;
  try {
    report = await importLearners(ledger, { orgId: 'fuzz', input: chunked(bytes, cuts), fileName: 'fuzz.csv', targetTeam: 'Sales', now: NOW, allowMassDeactivation: true });
  } catch (error) {
    throw new Error(`the importer threw on ${JSON.stringify(Buffer.from(bytes).toString('latin1').slice(0, 200))}: ${(error as Error).stack}`);
  }
  outcomes[report.status] = (outcomes[report.status] ?? 0) + 1;
  expect(['applied', 'rejected', 'already-applied']).toContain(report.status);
  if (!report.applied) {
    expect(await snapshot(ledger.store)).toBe(before);
    expect(report.errors.length).toBeGreaterThan(0);
  }
  for (const error of report.errors) {
    expect(KNOWN_CODES.has(error.code) || /^[A-Z_]+$/.test(error.code)).toBe(true);
    expect(error.message.length).toBeGreaterThan(5);
    expect(error.file).toBe('fuzz.csv');
    if (!WHOLE_FILE.has(error.code) || error.line !== undefined) {
      if (error.line === undefined || !Number.isInteger(error.line) || error.line < 0) throw new Error(`error without a line number: ${JSON.stringify(error)}`);
    }
  }
  for (const line of report.lines) if (line.action === 'error') expect(line.error?.message.length ?? 0).toBeGreaterThan(5);
  return report;
};

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.constantFrom(...['x', ' ', 'Z9', '"', '""', ',', '\r', '\n', '\r\n', '\u0000', '\ufeff', '\u00a0', 'é', '😀', '=', ';', '\t'].map((s) => new Uint8Array(Buffer.from(s, 'utf8')))) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-line' as const), line: fc.nat(20) }),
  fc.record({ kind: fc.constant('utf16' as const), bom: fc.boolean() }),
  fc.record({ kind: fc.constant('invalid-utf8' as const), at: fc.nat(), byte: fc.integer({ min: 0x80, max: 0xff }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

const mutate = (bytes: Buffer, m: Mutation): Buffer => {
  switch (m.kind) {
    case 'insert': {
      const at = m.at % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.bytes), bytes.subarray(at)]);
    }
    case 'invalid-utf8': {
      const at = m.at % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([m.byte]), bytes.subarray(at)]);
    }
    case 'delete': {
      const at = m.at % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
    }
    case 'truncate':
      return bytes.subarray(0, m.at % (bytes.length + 1));
    case 'duplicate-line': {
      const lines = bytes.toString('latin1').split('\n');
      const i = m.line % lines.length;
      lines.splice(i, 0, lines[i]!);
      return Buffer.from(lines.join('\n'), 'latin1');
    }
    case 'utf16': {
      const text = bytes.toString('utf8');
      return Buffer.concat([m.bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(text, 'utf16le')]);
    }
  }
};

describe('reliability: CSV import fuzzing', () => {
  afterAll(() => console.log(`[reliability] csv fuzzing (${RUNS} runs per property): outcomes ${JSON.stringify(outcomes)}`));
  beforeEach(() => undefined);

  test('arbitrary bytes, alone or after a valid header: never a crash, never a write on refusal, errors with line numbers', async () => {
    const ledger = await organization();
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(), { maxLength: 6 }), async (withHeader, noise, cuts) => {
        const bytes = withHeader ? Buffer.concat([Buffer.from(`${HEADER}\n`), noise]) : Buffer.from(noise);
        await checkReport(ledger, bytes, cuts);
      }),
      { numRuns: RUNS },
    );
  });

  test('a valid file mutated at the byte level: never a crash, refusals write nothing, what is applied is what the plan said', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 6 }), async (mutations, cuts) => {
        const ledger = await organization();
        const bytes = mutations.reduce<Buffer>((b, m) => mutate(b, m), Buffer.from(validFile(), "utf8"));
        const plan = await planImport(ledger, { orgId: 'fuzz', input: chunked(bytes, []), fileName: 'fuzz.csv', targetTeam: 'Sales', now: NOW, allowMassDeactivation: true });
        const report = await checkReport(ledger, bytes, cuts);
        if (report.applied) expect(report.counts).toEqual(plan.counts);
        // A refused file is refused however its bytes arrive (which of two errors is met first may depend on the chunks).
        else expect(plan.applied).toBe(false);
        if (report.applied) expect(report.sha256).toBe(plan.sha256); // a refused file may not have been read to its end
      }),
      { numRuns: RUNS },
    );
  });

  test('chunk boundaries anywhere (inside a character, a CRLF, a quoted value) do not change the outcome', async () => {
    const file = Buffer.from(`\ufeff${validFile()}`, 'utf8');
    const reference = await importLearners(await organization(), { orgId: 'fuzz', input: chunked(file, []), fileName: 'fuzz.csv', targetTeam: 'Sales', now: NOW, allowMassDeactivation: true });
    expect({ status: reference.status, errors: reference.errors }).toEqual({ status: 'applied', errors: [] });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), async (cuts) => {
        const report = await importLearners(await organization(), { orgId: 'fuzz', input: chunked(file, cuts), fileName: 'fuzz.csv', targetTeam: 'Sales', now: NOW, allowMassDeactivation: true });
        expect({ ...report, appends: 0 }).toEqual({ ...reference, appends: 0 });
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  test('export neutralises formula injection for any text, and export → import is lossless', async () => {
    const anyText = fc.string({ unit: 'binary', maxLength: 24 });
    const dangerous = fc.tuple(fc.constantFrom('=', '+', '-', '@', "'=", "''+"), anyText).map(([a, b]) => a + b);
    const cell = fc.oneof(anyText, dangerous);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ first: cell, last: cell, employee: cell, email: fc.constantFrom('', '=', '+', '-', '@') }), { minLength: 1, maxLength: 8 }), async (people) => {
        const ledger = createLedger({ store: new InMemoryEventStore() });
        await run(ledger, { type: 'OnboardOrganization', orgId: 'fuzz', name: 'Fuzz Ltd', seats: 40 });
        await run(ledger, { type: 'CreateTeam', orgId: 'fuzz', name: '=Sales' });
        let registered = 0;
        for (const [i, p] of people.entries()) {
          const result = await ledger.execute(
            { type: 'RegisterLearner', orgId: 'fuzz', learnerId: `${p.email}${i}`, email: `${p.email}x${i}@fuzz.test`, firstName: p.first, lastName: p.last, employeeId: p.employee, teams: ['sales'] },
            { actor: { kind: 'admin', id: 'fuzz' }, channel: 'api' },
          );
          if (result._tag === 'Right') registered++;
        }
        fc.pre(registered > 0);
        const text = await exportText(ledger, { orgId: 'fuzz', format: 'data-services' });
        const cells = (parse(text, { bom: true, relax_column_count: true }) as string[][]).flat();
        for (const value of cells) expect(/^[=+\-@\t\r]/.test(value)).toBe(false);
        const before = learnersOf(await stateOf(ledger, 'fuzz'));
        const head = await ledger.store.headPosition();
        const report = await importLearners(ledger, { orgId: 'fuzz', input: chunked(Buffer.from(text, 'utf8'), []), fileName: 'export.csv', targetTeam: '=Sales', now: NOW });
        if (report.errors.length > 0) throw new Error(`the export did not import back: ${JSON.stringify(report.errors.slice(0, 3))}`);
        expect(report.counts).toMatchObject({ registered: 0, deactivated: 0, reactivated: 0, updated: 0, errors: 0 });
        expect(learnersOf(await stateOf(ledger, 'fuzz'))).toEqual(before);
        const written = (await ledger.store.readAll({ after: head, maxCount: 10_000 })).events.map((e) => e.type);
        expect(written.filter((type) => !type.startsWith('Import'))).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});
