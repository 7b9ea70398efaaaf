import { importProgress, progressBar, type CliIo } from '../src/index.js';

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

describe('import progress in stages', () => {
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
