import fc from 'fast-check';
import { boolean, integer, json, rowBuilder, text, type ColumnSpec, type Row } from '../src/index.js';

/** What a driver's array of values means as a row, written the plain way: the builder must agree with it. */
const plainRow = (columns: readonly ColumnSpec[], decode: (column: ColumnSpec, value: unknown) => unknown, values: readonly unknown[]): Row => {
  const row: Row = {};
  columns.forEach((column, i) => {
    const value = values[i];
    row[column.name] = (value === null || value === undefined ? null : column.kind === 'text' ? value : decode(column, value)) as Row[string];
  });
  return row;
};

const decode = (column: ColumnSpec, value: unknown): unknown => (column.kind === 'integer' ? Number(value) : column.kind === 'boolean' ? value === 1 : column.kind === 'json' ? JSON.parse(value as string) : value);

const columnOfKind = (name: string, kind: ColumnSpec['kind']): ColumnSpec => ({ text, integer, boolean, json })[kind](name, true);

describe('rowBuilder', () => {
  test('builds the same row as decoding column by column, for any columns and values (nulls and missing values become null)', () => {
    const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/).filter((n) => n !== '__proto__');
    const columns = fc.uniqueArray(fc.tuple(name, fc.constantFrom<ColumnSpec['kind']>('text', 'integer', 'boolean', 'json')), { selector: ([n]) => n, minLength: 1, maxLength: 8 });
    const stored = (kind: ColumnSpec['kind']) =>
      fc.oneof(
        fc.constant(null),
        fc.constant(undefined),
        kind === 'text' ? fc.string() : kind === 'integer' ? fc.bigInt({ min: -(2n ** 53n) + 1n, max: 2n ** 53n - 1n }).map(String) : kind === 'boolean' ? fc.constantFrom(0, 1) : fc.jsonValue().map((v) => JSON.stringify(v)),
      );
    fc.assert(
      fc.property(
        columns.chain((specs) => fc.tuple(fc.constant(specs.map(([n, kind]) => columnOfKind(n, kind))), fc.tuple(...specs.map(([, kind]) => stored(kind))))),
        ([specs, values]) => {
          expect(rowBuilder(specs, decode)(values)).toEqual(plainRow(specs, decode, values));
        },
      ),
    );
  });

  test('refuses a column name that is not a plain SQL identifier, since it becomes part of generated code', () => {
    for (const name of ['a-b', 'x); process.exit(1); (', 'A', '1a', '__proto__', '']) {
      expect(() => rowBuilder([text(name)], decode)).toThrow(/is not a plain SQL identifier/);
    }
  });
});
