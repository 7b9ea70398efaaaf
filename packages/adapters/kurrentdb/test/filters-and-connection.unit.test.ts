import fc from 'fast-check';
import { describeConnection, describeTarget, normalizeConnectionString, redactConnectionString, scrub } from '../src/connection.js';
import { classifyFailure } from '../src/errors.js';
import { DEFAULT_STREAM_PREFIX, escapeRegex, exactStreamsRegex, inStorePrefix, storeFilter } from '../src/filters.js';

describe('stream filters', () => {
  it('filters on the library prefix by default, and on non-system streams for an empty prefix', () => {
    expect(storeFilter(DEFAULT_STREAM_PREFIX)).toMatchObject({ filterOn: 'streamName', prefixes: ['learner-ledger.'] });
    expect(storeFilter('')).toMatchObject({ filterOn: 'streamName', regex: '^[^$]' });
    expect(inStorePrefix('learner-ledger.', 'learner-ledger.org-acme')).toBe(true);
    expect(inStorePrefix('learner-ledger.', 'orders-1')).toBe(false);
    expect(inStorePrefix('', '$stats-127.0.0.1:2113')).toBe(false);
    expect(inStorePrefix('', 'orders-1')).toBe(true);
  });

  // The server evaluates the regex with .NET; the escaped characters mean themselves there as in JavaScript.
  it('matches exactly the given stream ids, never a longer name that starts with one', () => {
    const regex = new RegExp(exactStreamsRegex(['learner-ledger.org-acme', 'a+b(c)']).replace(/\\z$/, '$'));
    expect(regex.test('learner-ledger.org-acme')).toBe(true);
    expect(regex.test('a+b(c)')).toBe(true);
    expect(regex.test('learner-ledger.org-acme-1')).toBe(false);
    expect(regex.test('learner-ledgerXorg-acme')).toBe(false);
    expect(regex.test('x-learner-ledger.org-acme')).toBe(false);
    expect(exactStreamsRegex(['s'])).toBe('^(?:s)\\z');
  });

  it('escapes any stream id so that it matches itself and only itself', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ minLength: 1, maxLength: 3 }), (id, suffix) => {
        const regex = new RegExp(`^(?:${escapeRegex(id)})$`);
        expect(regex.test(id)).toBe(true);
        expect(regex.test(id + suffix)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('connection strings', () => {
  it('accepts EventStoreDB schemes by rewriting them to kurrentdb', () => {
    expect(normalizeConnectionString('esdb://h1:2113,h2:2113,h3:2113?tls=false')).toBe('kurrentdb://h1:2113,h2:2113,h3:2113?tls=false');
    expect(normalizeConnectionString(' esdb+discover://cluster.local:2113 ')).toBe('kurrentdb+discover://cluster.local:2113');
    expect(normalizeConnectionString('kurrentdb://localhost:2113?tls=false')).toBe('kurrentdb://localhost:2113?tls=false');
  });

  it('names the hosts without credentials or settings', () => {
    expect(describeTarget('kurrentdb://admin:changeit@h1:2113,h2:2113,h3:2113?tls=false')).toBe('kurrentdb://h1:2113,h2:2113,h3:2113');
    expect(describeTarget('esdb://localhost:2113')).toBe('esdb://localhost:2113');
    expect(redactConnectionString('kurrentdb://admin:changeit@h1:2113?tls=false')).toBe('kurrentdb://admin:***@h1:2113?tls=false');
  });

  it('finds the password where the client does, whatever it holds', () => {
    // The client's rule: the user name runs to the first ":", the password to the next "@" ("/", "?" and ":" included).
    for (const password of ['changeit', 'p/ss', 'p?ss', 'p:ss', 'p%40ss', 'sp ace']) {
      const described = describeConnection(`kurrentdb://admin:${password}@h1:2113,h2:2113?tls=false`);
      expect(described).toMatchObject({ target: 'kurrentdb://h1:2113,h2:2113', redacted: 'kurrentdb://admin:***@h1:2113,h2:2113?tls=false' });
      expect(described.secrets).toContain(password);
      expect(described.problem).toBeUndefined();
    }
    expect(describeConnection('kurrentdb://admin:p%40ss@h1:2113').secrets).toEqual(['p%40ss', 'p@ss']);
    expect(describeConnection('kurrentdb://h1:2113?tls=false')).toEqual({ target: 'kurrentdb://h1:2113', redacted: 'kurrentdb://h1:2113?tls=false', secrets: [] });
  });

  it('refuses an "@" the client would read as part of a host, without showing any of the password', () => {
    for (const connectionString of ['kurrentdb://admin:se@cret@h1:2113?tls=false', 'kurrentdb://:secret@h1:2113', 'kurrentdb://admin@secret@h1:2113']) {
      const described = describeConnection(connectionString);
      expect(described.problem).toMatch(/write an "@" of the user name or password as %40/);
      expect(described.target).toBe('kurrentdb://h1:2113');
      expect(described.redacted).toMatch(/^kurrentdb:\/\/\*\*\*@h1:2113/);
      for (const part of ['secret', 'cret']) expect(`${described.target} ${described.redacted}`).not.toContain(part);
    }
  });

  it('masks every secret in a text, a longer one before a shorter one inside it', () => {
    expect(scrub('a secret and a secretive secret', ['secret', 'secretive'])).toBe('a *** and a *** ***');
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((secret) => !secret.includes('*')), fc.array(fc.string()), (secret, parts) => {
        expect(scrub(parts.join(secret), [secret])).not.toContain(secret);
      }),
      { numRuns: 300 },
    );
  });
});

describe('failure classification', () => {
  it('tells a server never reached from one that stopped answering', () => {
    expect(classifyFailure(Object.assign(new Error('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:2113'), { code: 14 }))).toBe('unreachable');
    expect(classifyFailure(new Error('Failed to discover after 10 attempts.'))).toBe('unreachable');
    expect(classifyFailure(Object.assign(new Error('14 UNAVAILABLE: Connection dropped'), { code: 14 }))).toBe('connection-lost');
    expect(classifyFailure(Object.assign(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded'), { code: 4 }))).toBe('no-answer');
    expect(classifyFailure(new Error('something else'))).toBeUndefined();
  });
});
