import { progressBar, type CliIo } from '../src/index.js';

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
