import fc from 'fast-check';
import type { DueProgress, ImportProgress } from '@learner-ledger/core';
import { dueProgress, dueProgressLine, importProgress, progressBar, type CliIo } from '../src/index.js';

const ioWith = (tty: boolean) => {
  const written: string[] = [];
  const io: CliIo = { stdout: () => undefined, stderr: (t) => written.push(t), env: {}, cwd: '/', stderrIsTTY: tty, stderrColumns: 100 };
  return { io, written };
};

test('draws on a terminal, clears when finished', () => {
  const { io, written } = ioWith(true);
  let clock = 0;
  const bar = progressBar(io, 'Importing', { json: false, total: 200, now: () => (clock += 200) });
  bar.update(50);
  bar.update(200);
  bar.finish();
  expect(written[0]).toContain(' 25% 50/200');
  expect(written[1]).toContain('100% 200/200');
  expect(written[written.length - 1]).toBe('\r\u001b[K');
});

test('never draws when stderr is not a terminal or with --json', () => {
  for (const [tty, json] of [[false, false], [true, true]] as const) {
    const { io, written } = ioWith(tty);
    const bar = progressBar(io, 'Replaying', { json, total: 10 });
    bar.update(10);
    bar.finish();
    expect(written).toEqual([]);
  }
});

/** A terminal, a clock and a ticker the test moves by hand. */
const terminal = (tty = true) => {
  const { io, written } = ioWith(tty);
  let clock = 0;
  let tick: (() => void) | undefined;
  let ticking = false;
  const ticker = (fn: () => void) => {
    tick = fn;
    ticking = true;
    return () => {
      ticking = false;
    };
  };
  const lastLine = () => written[written.length - 1]!.replace(/^\r/, '').replace(/\u001b\[K$/, '');
  return {
    io,
    written,
    ticker,
    now: () => clock,
    /** Moves the clock on; the ticker fires at each whole second it passes, as a one-second interval would. */
    advance: (ms: number) => {
      const from = clock;
      clock += ms;
      for (let second = Math.floor(from / 1000) + 1; second <= Math.floor(clock / 1000); second++) if (ticking) tick!();
    },
    lastLine,
    isTicking: () => ticking,
  };
};

describe('import progress in stages', () => {
  test('each stage in rows: reading, checking of the total, applying batch k of n, finishing; cleared at the end', () => {
    const t = terminal();
    const display = importProgress(t.io, { json: false, now: t.now, ticker: t.ticker });
    display.stage('Loading organization acme');
    expect(t.lastLine()).toBe('Loading organization acme… · 0 s');
    display.onProgress({ stage: 'reading', rows: 0 });
    expect(t.lastLine()).toMatch(/^Reading \[#+-+\] 0 rows · 0 s$/);
    t.advance(300);
    display.onProgress({ stage: 'reading', rows: 12_000 });
    expect(t.lastLine()).toMatch(/^Reading \[-+#+-*\] 12,000 rows · 0 s$/);
    display.onProgress({ stage: 'checking', rows: 2_000, total: 8_000 });
    expect(t.lastLine()).toMatch(/^Checking \[#+-+\]  25% 2,000\/8,000 rows · 0 s$/);
    t.advance(1_000);
    display.onProgress({ stage: 'applying', batch: 3, batches: 4, rows: 4_000, total: 8_000 });
    expect(t.lastLine()).toMatch(/^Applying batch 3 of 4 \[#+-+\] 4,000\/8,000 rows · 1 s$/);
    display.onProgress({ stage: 'finishing' });
    expect(t.lastLine()).toBe('Finishing · 1 s');
    display.finish();
    expect(t.written[t.written.length - 1]).toBe('\r\u001b[K');
    expect(t.isTicking()).toBe(false);
  });

  test('redraws at most every 100 ms when the import reports, and every second when it does not: the line never sits still', () => {
    const t = terminal();
    const display = importProgress(t.io, { json: false, now: t.now, ticker: t.ticker });
    display.onProgress({ stage: 'applying', batch: 1, batches: 2, rows: 0, total: 10 });
    const drawn = t.written.length;
    t.advance(50);
    display.onProgress({ stage: 'applying', batch: 1, batches: 2, rows: 0, total: 10 });
    expect(t.written.length).toBe(drawn);
    // A long batch reports nothing for seconds: the ticker redraws the line, and the seconds move on.
    t.advance(1_000);
    t.advance(1_000);
    expect(t.written.length).toBe(drawn + 2);
    expect(t.lastLine()).toMatch(/· 2 s$/);
    // So does a long read: the bar of unknown length moves too.
    display.onProgress({ stage: 'reading', rows: 5 });
    const before = t.lastLine();
    t.advance(1_000);
    expect(t.lastLine()).not.toBe(before);
    display.finish();
  });

  test('nothing is drawn and no ticker runs when stderr is not a terminal, or with --json', () => {
    for (const [tty, json] of [[false, false], [true, true]] as const) {
      const t = terminal(tty);
      const display = importProgress(t.io, { json, now: t.now, ticker: t.ticker });
      display.stage('Loading organization acme');
      display.onProgress({ stage: 'reading', rows: 10 });
      display.onProgress({ stage: 'finishing' });
      t.advance(5_000);
      display.finish();
      expect(t.written).toEqual([]);
      expect(t.isTicking()).toBe(false);
    }
  });
});

describe('due-work progress', () => {
  const acme = { orgId: 'acme', organization: 1, organizations: 2 };
  const importing = (progress: ImportProgress, extra: Partial<DueProgress & { stage: 'import' }> = {}): DueProgress => ({
    ...acme, stage: 'import', importId: 'imp-1', fileName: 'learners.csv', import: 1, imports: 1, progress, ...extra,
  });

  test('the organization it is at, its scheduled deactivations, its due imports, each with the import\'s stages; cleared at the end', () => {
    const t = terminal();
    const display = dueProgress(t.io, { json: false, now: t.now, ticker: t.ticker });
    display.stage('Looking for due work');
    expect(t.lastLine()).toBe('Looking for due work… · 0 s');
    display.onProgress({ ...acme, stage: 'deactivations' });
    expect(t.lastLine()).toBe('acme (organization 1 of 2): scheduled deactivations… · 0 s');
    display.onProgress({ ...acme, stage: 'imports' });
    expect(t.lastLine()).toBe('acme (organization 1 of 2): due imports… · 0 s');
    display.onProgress(importing({ stage: 'reading', rows: 0 }, { imports: 2 }));
    expect(t.lastLine()).toMatch(/^acme · learners\.csv \(1 of 2\) · Reading \[#+-+\] 0 rows · 0 s$/);
    display.onProgress(importing({ stage: 'checking', rows: 2_000, total: 8_000 }, { imports: 2 }));
    expect(t.lastLine()).toMatch(/^acme · learners\.csv \(1 of 2\) · Checking \[#+-+\]  25% 2,000\/8,000 rows · 0 s$/);
    t.advance(1_000);
    display.onProgress(importing({ stage: 'applying', batch: 3, batches: 4, rows: 4_000, total: 8_000 }, { imports: 2 }));
    expect(t.lastLine()).toMatch(/^acme · learners\.csv \(1 of 2\) · Applying batch 3 of 4 \[#+-+\] 4,000\/8,000 rows · 1 s$/);
    display.onProgress(importing({ stage: 'finishing' }, { imports: 2 }));
    expect(t.lastLine()).toBe('acme · learners.csv (1 of 2) · Finishing · 1 s');
    // The next import starts with its own reading at once, though the last draw was just now.
    display.onProgress(importing({ stage: 'reading', rows: 0 }, { importId: 'imp-2', fileName: 'more.csv', import: 2, imports: 2 }));
    expect(t.lastLine()).toMatch(/^acme · more\.csv \(2 of 2\) · Reading /);
    display.onProgress({ orgId: 'beta', organization: 2, organizations: 2, stage: 'deactivations' });
    expect(t.lastLine()).toBe('beta (organization 2 of 2): scheduled deactivations… · 1 s');
    display.finish();
    expect(t.written[t.written.length - 1]).toBe('\r\u001b[K');
    expect(t.isTicking()).toBe(false);
  });

  test('an organization alone and an import alone are not counted', () => {
    expect(dueProgressLine({ orgId: 'acme', organization: 1, organizations: 1, stage: 'deactivations' }, 0, 80)).toBe('acme: scheduled deactivations…');
    expect(dueProgressLine({ ...importing({ stage: 'finishing' }), organizations: 1 }, 0, 100)).toBe('acme · learners.csv · Finishing');
  });

  test('within a stage, redraws at most every 100 ms and every second while nothing is reported', () => {
    const t = terminal();
    const display = dueProgress(t.io, { json: false, now: t.now, ticker: t.ticker });
    display.onProgress(importing({ stage: 'applying', batch: 1, batches: 2, rows: 0, total: 10 }));
    const drawn = t.written.length;
    t.advance(50);
    display.onProgress(importing({ stage: 'applying', batch: 1, batches: 2, rows: 5, total: 10 }));
    expect(t.written.length).toBe(drawn);
    t.advance(1_000);
    expect(t.written.length).toBe(drawn + 1);
    expect(t.lastLine()).toMatch(/5\/10 rows · 1 s$/);
    display.finish();
  });

  test('nothing is drawn and no ticker runs when stderr is not a terminal, or with --json', () => {
    for (const [tty, json] of [[false, false], [true, true]] as const) {
      const t = terminal(tty);
      const display = dueProgress(t.io, { json, now: t.now, ticker: t.ticker });
      display.stage('Looking for due work');
      display.onProgress({ ...acme, stage: 'deactivations' });
      display.onProgress(importing({ stage: 'reading', rows: 10 }));
      t.advance(5_000);
      display.finish();
      expect(t.written).toEqual([]);
      expect(t.isTicking()).toBe(false);
    }
  });

  test('long names are shortened in the middle, keeping their start and end', () => {
    const orgId = `acme-${'x'.repeat(50)}-emea`;
    const fileName = `learners-${'y'.repeat(80)}-final.xlsx`;
    const line = dueProgressLine(importing({ stage: 'applying', batch: 2, batches: 3, rows: 2_000, total: 5_000 }, { orgId, fileName }), 0, 100);
    // 100 columns: 9 kept for the seconds, 47 for the stage, 6 for the bar, 6 for " · " twice; the names share the other 32.
    expect(line).toBe('acme-xxx…xx-emea · learners…al.xlsx · Applying batch 2 of 3 [##----] 2,000/5,000 rows');
    // On 80 columns they would share 12: each keeps 8, the fewest a name is shortened to.
    expect(dueProgressLine(importing({ stage: 'finishing' }, { orgId, fileName }), 0, 80)).toBe('acme…mea · lear…lsx · Finishing');
  });

  // Names as an organization id and a file name may be (no "·" or "…" in them, to read them back from the line).
  const orgIds = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/);
  const fileNames = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _.()-]{0,119}$/).filter((name) => name.trim() === name);
  const importStages: fc.Arbitrary<ImportProgress> = fc.oneof(
    fc.record({ stage: fc.constant('reading' as const), rows: fc.nat(999_999) }),
    fc.nat(999_999).chain((total) => fc.record({ stage: fc.constant('checking' as const), rows: fc.nat(total), total: fc.constant(total) })),
    fc.tuple(fc.integer({ min: 1, max: 99 }), fc.nat(999_999)).chain(([batches, total]) =>
      fc.record({ stage: fc.constant('applying' as const), batch: fc.integer({ min: 1, max: batches }), batches: fc.constant(batches), rows: fc.nat(total), total: fc.constant(total) }),
    ),
    fc.constant({ stage: 'finishing' as const }),
  );
  const imports = fc.integer({ min: 1, max: 9 }).chain((n) => fc.record({ import: fc.integer({ min: 1, max: n }), imports: fc.constant(n) }));
  /** A shown name is the name, or its start and its end around "…". */
  const showsName = (shown: string, name: string): boolean => {
    if (shown === name) return true;
    const [start, end, ...rest] = shown.split('…');
    return rest.length === 0 && end !== undefined && start!.length > 0 && end.length > 0 && name.startsWith(start!) && name.endsWith(end) && shown.length < name.length;
  };

  test('on a terminal of 93 columns or more, a due import\'s line leaves room for the seconds, shows both names (shortened or not) and keeps them and the bar\'s width through the import\'s stages', () => {
    fc.assert(
      fc.property(orgIds, fileNames, imports, fc.array(importStages, { minLength: 1, maxLength: 4 }), fc.integer({ min: 93, max: 240 }), (orgId, fileName, which, stages, columns) => {
        const heads = stages.map((progress) => {
          const line = dueProgressLine(importing(progress, { orgId, fileName, ...which }), 12_345, columns);
          expect(line.length).toBeLessThanOrEqual(columns - 9);
          const [org, file] = line.split(' · ');
          expect(showsName(org!, orgId)).toBe(true);
          const count = which.imports > 1 ? ` (${which.import} of ${which.imports})` : '';
          expect(file!.endsWith(count)).toBe(true);
          expect(showsName(file!.slice(0, file!.length - count.length), fileName)).toBe(true);
          return { head: `${org} · ${file}`, bar: /\[[-#]*\]/.exec(line)?.[0].length };
        });
        // One head and, but for finishing, one bar width through the stages.
        expect(new Set(heads.map((h) => h.head)).size).toBe(1);
        expect(new Set(heads.flatMap((h) => (h.bar !== undefined ? [h.bar] : []))).size).toBeLessThanOrEqual(1);
      }),
    );
  });

  test('names that fit with the room an import\'s stage needs are never shortened', () => {
    fc.assert(
      fc.property(orgIds, fileNames, importStages, fc.integer({ min: 80, max: 240 }), (orgId, fileName, progress, columns) => {
        // Room: the seconds (9), the widest stage (47) and narrowest bar (6), the two " · " (6).
        fc.pre(orgId.length + fileName.length <= columns - 9 - 47 - 6 - 6);
        expect(dueProgressLine(importing(progress, { orgId, fileName }), 0, columns).startsWith(`${orgId} · ${fileName} · `)).toBe(true);
      }),
    );
  });
});
