import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliHarness, seedAcme } from './harness.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-cli-messages-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const occurrences = (text: string, part: string): number => text.split(part).length - 1;
/** The file's name said on its own (inside a path it says where it was looked for, another fact). */
const named = (text: string, name: string): number => text.split(/\/[^\s]*/).reduce((n, part) => n + occurrences(part, name), 0);
const EXPECTED_LIST = '"Learner ID", "First Name", "Last Name", "Email", "Employee ID", "Teams", "Active"';

describe('a refused import says each thing once', () => {
  test('a bad header: the expected headers are listed once, whether the report is text or JSON', async () => {
    const { run } = cliHarness();
    await seedAcme(run);
    const file = write('wrong-header.csv', 'Bad,Header\n1,2\n');
    const text = await run('import', 'acme', file, '--format', 'data-services', '--team', 'Sales');
    expect(text.code).toBe(1);
    expect(occurrences(text.out + text.err, EXPECTED_LIST)).toBe(1);
    expect(occurrences(text.out, 'error HEADER_MISSING')).toBe(7);
    expect(occurrences(text.out, 'error HEADER_UNKNOWN')).toBe(2);
    expect(text.err).toBe('learner-ledger: error (HEADER_MISSING): wrong-header.csv was refused, nothing was changed (9 errors above, the first at line 1, column "Learner ID")\n');

    const json = await run('import', 'acme', file, '--format', 'data-services', '--team', 'Sales', '--json');
    expect(json.code).toBe(1);
    expect(occurrences(json.err, EXPECTED_LIST)).toBe(1);
    expect(occurrences(json.err, 'wrong-header.csv')).toBe(1);
    const body = json.json();
    expect(body.error.code).toBe('HEADER_MISSING');
    expect(body.error.errors.map((e: { code: string; column: string }) => `${e.code} ${e.column}`)).toEqual([
      ...['Learner ID', 'First Name', 'Last Name', 'Email', 'Employee ID', 'Teams', 'Active'].map((column) => `HEADER_MISSING ${column}`),
      'HEADER_UNKNOWN Bad',
      'HEADER_UNKNOWN Header',
    ]);
  });

  test('no line of the output names the refused file more than once (a path to it aside)', async () => {
    const { run } = cliHarness();
    await seedAcme(run);
    const header = 'Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active\n';
    const files = [
      write('header-only.csv', header),
      write('empty.csv', ''),
      write('bad-value.csv', `${header}0001,Ada,Lovelace,ada@acme.test,,Sales,maybe\n`),
      path.join(dir, 'missing.csv'),
    ];
    for (const file of files) {
      const name = path.basename(file);
      for (const mode of [[], ['--json']]) {
        const result = await run('import', 'acme', file, '--format', 'data-services', '--team', 'Sales', ...mode);
        expect({ name, mode, code: result.code }).toEqual({ name, mode, code: 1 });
        const lines = [...(mode.length === 0 ? result.out.split('\n') : [result.json().error.message as string]), ...result.err.split('\n')];
        for (const line of lines) expect({ name, line, times: Math.min(named(line, name), 2) }).toEqual({ name, line, times: Math.min(named(line, name), 1) });
        expect(result.err).toContain(name);
      }
    }
  });
});
