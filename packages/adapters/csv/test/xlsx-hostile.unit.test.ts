import { planImport } from '../src/index.js';
import { fixtureOrganization, textInput } from './helpers.js';
import { rawWorkbook, textRow, workbookOf } from './xlsx-helpers.js';

/*
 * Workbooks made to hurt the reader: a ZIP bomb, a directory that lies about
 * a part's size, entity expansion and external entities, truncated and
 * damaged archives. Each is refused as a whole with WORKBOOK_UNREADABLE,
 * naming the file and what in it was refused, and nothing is planned.
 */

const base = { orgId: 'acme', targetTeam: 'Sales', fileName: 'hostile.xlsx' } as const;
const HEADER = ['Learner ID', 'First Name', 'Last Name', 'Email', 'Employee ID', 'Teams', 'Active'];
const ROW = ['1001', 'First1001', 'Last1001', 'l1001@acme.test', 'E1001', 'Sales', 'FALSE'];
const SHEET = 'xl/worksheets/sheet1.xml';

/** The error that refuses the workbook, its message; `midway` when rows before the damage were read first. */
const refusal = async (bytes: Buffer, midway = false): Promise<string> => {
  const ledger = await fixtureOrganization();
  const report = await planImport(ledger, { ...base, input: textInput(bytes) });
  expect(report.applied).toBe(false);
  if (!midway) expect(report.lines).toEqual([]);
  const refused = report.errors.filter((e) => e.code === 'WORKBOOK_UNREADABLE');
  expect(refused).toEqual([expect.objectContaining({ file: 'hostile.xlsx' })]);
  if (!midway) expect(report.errors).toHaveLength(1);
  return refused[0]!.message;
};

/** Where the central directory record of `name` begins in a ZIP archive's bytes. */
const centralRecord = (bytes: Buffer, name: string): number => {
  const at = bytes.lastIndexOf(Buffer.from(name, 'utf8'));
  expect(at).toBeGreaterThan(46);
  const record = at - 46;
  expect(bytes.readUInt32LE(record)).toBe(0x02014b50);
  return record;
};

describe('hostile workbooks are refused, naming the file and the part', () => {
  test('the workbook reads when nothing is wrong with it (the cases below differ from it only in what they break)', async () => {
    const ledger = await fixtureOrganization();
    const report = await planImport(ledger, { ...base, input: textInput(await rawWorkbook(textRow(1, HEADER) + textRow(2, ROW))) });
    expect(report).toMatchObject({ status: 'planned', counts: { deactivated: 1, errors: 0 } });
  });

  test('a ZIP bomb: a part inflating to over 200 times its size is refused before it is inflated', async () => {
    const bomb = await rawWorkbook(textRow(1, HEADER) + ' '.repeat(16 * 1024 * 1024) + textRow(2, ROW));
    expect(bomb.length).toBeLessThan(100_000);
    const message = await refusal(bomb);
    expect(message).toContain(SHEET);
    expect(message).toContain('ZIP bomb');
  });

  test('a part that inflates past the size its central directory gives is refused as it inflates', async () => {
    const bytes = await workbookOf([HEADER, ROW, ROW, ROW]);
    bytes.writeUInt32LE(100, centralRecord(bytes, SHEET) + 24);
    const message = await refusal(bytes);
    expect(message).toContain(`${SHEET} cannot be inflated`);
  });

  test('an archive whose directory claims more entries than any workbook has is refused before any is read', async () => {
    const bytes = await workbookOf([HEADER, ROW]);
    const end = bytes.length - 22;
    expect(bytes.readUInt32LE(end)).toBe(0x06054b50);
    bytes.writeUInt16LE(60_000, end + 8);
    bytes.writeUInt16LE(60_000, end + 10);
    const message = await refusal(bytes);
    expect(message).toContain('60000 entries');
  });

  test.each([
    ['entity expansion (billion laughs)', '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>', '&c;'],
    ['an external entity', '<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>', '&secret;'],
    ['a document type alone', '<!DOCTYPE worksheet>', 'FALSE'],
  ])('a sheet with a document type is refused, no entity expanded: %s', async (_, prolog, active) => {
    const message = await refusal(await rawWorkbook(textRow(1, HEADER) + textRow(2, [...ROW.slice(0, 6), active]), { prolog }));
    expect(message).toContain(SHEET);
    expect(message).toContain('DOCTYPE');
    expect(message).not.toMatch(/aaaaaaaaaa|root:/);
  });

  test('an entity no XML defines is refused, not passed through', async () => {
    const message = await refusal(await rawWorkbook(textRow(1, HEADER) + textRow(2, [...ROW.slice(0, 6), '&lol;'])));
    expect(message).toContain(SHEET);
    expect(message).toContain('undefined entity');
  });

  test.each([
    ['cut in half', (b: Buffer) => b.subarray(0, Math.floor(b.length / 2))],
    ['its last bytes cut', (b: Buffer) => b.subarray(0, b.length - 10)],
    ['its central directory pointing past its end', (b: Buffer) => {
      const copy = Buffer.from(b);
      copy.writeUInt32LE(copy.length + 1000, copy.length - 22 + 16);
      return copy;
    }],
  ])('an archive %s is refused as truncated or damaged', async (_, damage) => {
    const message = await refusal(damage(await workbookOf([HEADER, ROW])));
    expect(message).toMatch(/truncated or damaged/);
  });

  test('a sheet whose deflated data is damaged is refused, naming the part', async () => {
    const bytes = await rawWorkbook(textRow(1, HEADER) + Array.from({ length: 200 }, (_, i) => textRow(i + 2, ROW)).join(''));
    const record = centralRecord(bytes, SHEET);
    const local = bytes.readUInt32LE(record + 42);
    const data = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const size = bytes.readUInt32LE(record + 20);
    bytes.fill(0xff, data + Math.floor(size / 3), data + Math.floor(size / 3) + 64);
    const message = await refusal(bytes, true);
    expect(message).toContain(SHEET);
  });
});
