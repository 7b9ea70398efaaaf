import fc from 'fast-check';
import { quoteIdentifier, schemaNameProblem } from '../src/index.js';
import { describeTarget, isConnectionLost } from '../src/schema/errors.js';
import { schemaNames } from '../src/schema/identifiers.js';

describe('postgres schema names', () => {
  it('accepts plain identifiers and rejects everything else', () => {
    for (const name of ['learner_ledger', 'Ledger2', '_x', 'a'.repeat(63)]) expect(schemaNameProblem(name)).toBeUndefined();
    for (const name of ['', '2fast', 'with-dash', 'with space', 'quote"d', 'semi;colon', 'a'.repeat(64), 'pg_catalog', 'PG_x', 'zoë']) {
      expect(schemaNameProblem(name)).toMatch(/is not valid/);
    }
    expect(schemaNameProblem(42)).toMatch(/is not valid/);
  });

  it('only lets names through that need no escaping, and quotes them', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 70 }), (name) => {
        if (schemaNameProblem(name) === undefined) expect(quoteIdentifier(name)).toBe(`"${name}"`);
      }),
    );
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });

  it('derives qualified names and a notification channel that fits PostgreSQL limits', () => {
    const names = schemaNames('a'.repeat(63));
    expect(names.events).toBe(`"${'a'.repeat(63)}".events`);
    expect(names.channel.length).toBeLessThanOrEqual(63);
    expect(schemaNames('one').channel).not.toBe(schemaNames('two').channel);
  });
});

describe('postgres error helpers', () => {
  it('names the server without its password', () => {
    expect(describeTarget('postgres://ann:s3cret@db.example.com:6543/ledger')).toBe('PostgreSQL at db.example.com:6543/ledger');
    expect(describeTarget('postgres://db.example.com/ledger')).toBe('PostgreSQL at db.example.com:5432/ledger');
    expect(describeTarget('not a url')).toBe('the configured PostgreSQL server');
  });

  it('tells a lost connection from a refused request', () => {
    expect(isConnectionLost(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isConnectionLost(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isConnectionLost(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionLost(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isConnectionLost(Object.assign(new Error('invalid input syntax for type json'), { code: '22P02' }))).toBe(false);
  });
});
