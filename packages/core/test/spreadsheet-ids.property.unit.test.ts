import fc from 'fast-check';
import { changedBySpreadsheet, dateFromSerial, describeChange, spreadsheetChange, spreadsheetNumberText } from '../src/index.js';

/**
 * What spreadsheets do to ids, and how the import recognises it: every
 * rewriting a spreadsheet makes of an id at risk is recognised as a rewriting
 * of that id, and two different ids a spreadsheet keeps as they are are never
 * taken for one another.
 */
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

test('examples: the ids of a Data Services export after a spreadsheet saved it as CSV', () => {
  expect(changedBySpreadsheet('0042', '42')).toBe('leading-zeros');
  expect(changedBySpreadsheet('000123', '123')).toBe('leading-zeros');
  expect(changedBySpreadsheet('1e5', '100000')).toBe('scientific');
  expect(changedBySpreadsheet('1E+05', '100000')).toBe('scientific');
  expect(changedBySpreadsheet('1234567890123456789', '1.23456789012346E+018')).toBe('long-number');
  expect(changedBySpreadsheet('1234567890123456789', '1.23457E+18')).toBe('long-number');
  expect(changedBySpreadsheet('12345678901234567', '12345678901234600')).toBe('long-number');
  expect(changedBySpreadsheet('42', '42.0')).toBe('number-format');
  expect(changedBySpreadsheet('12.50', '12.5')).toBe('number-format');
  expect(changedBySpreadsheet('2024-01-05', '1/5/2024')).toBe('date');
  expect(changedBySpreadsheet('2024-01-05', '05.01.2024')).toBe('date');
  expect(changedBySpreadsheet('2024-01-05', '2024-01-05 00:00:00')).toBe('date');
  expect(changedBySpreadsheet('2024-01-05', '45296')).toBe('date');
  expect(changedBySpreadsheet('2024-01-05', '5-Jan-24')).toBe('date');
  // Not a rewriting: other numbers, other texts, the same text.
  expect(changedBySpreadsheet('0042', '43')).toBeUndefined();
  expect(changedBySpreadsheet('123456', '100000')).toBeUndefined();
  expect(changedBySpreadsheet('L001', 'L1')).toBeUndefined();
  expect(changedBySpreadsheet('0042', '0042')).toBeUndefined();
  expect(changedBySpreadsheet('45296', '2024-01-05')).toBeUndefined();
  expect(changedBySpreadsheet('1001', '01001')).toBeUndefined();
  expect(changedBySpreadsheet('7', '+7')).toBeUndefined();
  expect(describeChange('leading-zeros', '0042', '42')).toBe('a spreadsheet dropped the leading zeros of "0042"');
});

test('the ids an export warns about', () => {
  expect(['0042', '1e5', '1234567890123', '12.50', '2024-01-05', '1/5/2024', '+7'].map(spreadsheetChange)).toEqual([
    'leading-zeros', 'scientific', 'long-number', 'number-format', 'date', 'date', 'number-format',
  ]);
  expect(['42', 'L001', '-5', '12.5', '0', 'ada@acme.test', '1-2-3-4', 'E7'].map(spreadsheetChange)).toEqual(Array(8).fill(undefined));
});

test('a spreadsheet writes numbers back to 15 significant digits, large ones in scientific notation', () => {
  expect([100000, 42, 12.5, 0.1 + 0.2, 1234567890123456789, 12345678901234567].map(spreadsheetNumberText)).toEqual(['100000', '42', '12.5', '0.3', '1.23456789012346E+18', '1.23456789012346E+16']);
  expect(dateFromSerial(45296)).toBe('2024-01-05');
  expect(dateFromSerial(1)).toBe('1900-01-01');
  expect(dateFromSerial(0, true)).toBe('1904-01-01');
});

test('property: an all-digit id with leading zeros is recognised after a spreadsheet dropped them', () => {
  fc.assert(
    fc.property(digits(1, 5), digits(1, 14), (zeros, rest) => {
      const id = `0${zeros.replace(/./g, '0')}${rest}`.slice(0, 15);
      const seen = String(Number(id));
      expect(spreadsheetChange(id)).toBe('leading-zeros');
      expect(changedBySpreadsheet(id, seen)).toBe('leading-zeros');
    }),
  );
});

test('property: whatever a spreadsheet writes back for a number-like id (General format, or 6-digit scientific as narrow columns show it) is recognised', () => {
  const numberText = fc.oneof(
    digits(1, 25),
    fc.tuple(digits(1, 8), digits(1, 4)).map(([a, b]) => `${a}.${b}`),
    fc.tuple(digits(1, 3), fc.integer({ min: 0, max: 20 })).map(([a, e]) => `${a}e${e}`),
  );
  fc.assert(
    fc.property(numberText, (id) => {
      const value = Number(id);
      for (const seen of [spreadsheetNumberText(value), value.toExponential(5).replace('e', 'E')]) {
        if (seen === id) continue;
        expect({ id, seen, change: changedBySpreadsheet(id, seen) !== undefined }).toEqual({ id, seen, change: true });
      }
    }),
  );
});

test('property: two different whole numbers a spreadsheet keeps exactly are never taken for one another', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 999_999_999_999 }), fc.integer({ min: 0, max: 999_999_999_999 }), (a, b) => {
      fc.pre(a !== b);
      expect(changedBySpreadsheet(String(a), String(b))).toBeUndefined();
    }),
  );
});

test('property: an id with a letter other than an exponent is never a spreadsheet rewriting of another', () => {
  const id = fc.tuple(fc.constantFrom(...'ABCDLXZ_-'), digits(0, 8)).map(([letter, rest]) => `${letter}${rest}`);
  fc.assert(fc.property(id, fc.oneof(id, digits(1, 8)), (original, seen) => expect(changedBySpreadsheet(original, seen)).toBeUndefined()));
});

test('property: a date-like id is recognised in the ways spreadsheets write dates back', () => {
  fc.assert(
    fc.property(fc.date({ min: new Date('1950-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), (date) => {
      const iso = date.toISOString().slice(0, 10);
      const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
      const serial = Math.round((Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 30)) / 86_400_000);
      for (const seen of [`${m}/${d}/${y}`, `${d}.${m}.${y}`, `${iso} 00:00:00`, String(serial)]) {
        expect({ iso, seen, change: changedBySpreadsheet(iso, seen) }).toEqual({ iso, seen, change: 'date' });
      }
      expect(dateFromSerial(serial)).toBe(iso);
    }),
  );
});
