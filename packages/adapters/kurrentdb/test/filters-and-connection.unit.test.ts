import fc from 'fast-check';
import { describeTarget, normalizeConnectionString, redactConnectionString } from '../src/connection.js';
import { classifyFailure } from '../src/errors.js';
import { DEFAULT_STREAM_PREFIX, escapeRegex, exactStreamsRegex, inStorePrefix, storeFilter } from '../src/filters.js';
import { isSupportedServerVersion } from '../src/store.js';

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

describe('server versions', () => {
  it('accepts KurrentDB and EventStoreDB 22.6 or later, refuses older or silent servers', () => {
    for (const version of ['22.6.0', '22.10.1', '23.10.0.0', '24.2.0', '25.1.0', 'v26.0.1']) expect(isSupportedServerVersion(version)).toBe(true);
    for (const version of ['unknown', '20.10.5', '21.10.0', '22.5.9']) expect(isSupportedServerVersion(version)).toBe(false);
  });
});
