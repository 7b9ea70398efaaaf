import * as path from 'node:path';
import { chooseStoreLocation, describeStoreLocation, parseStoreLocation, programNameOf } from '../src/index.js';

const cwd = '/srv/ledger';

test('a plain path or sqlite:<path> is a SQLite file, resolved against the working directory', () => {
  expect(parseStoreLocation('data/ledger.db', cwd)).toEqual({ kind: 'sqlite', path: path.resolve(cwd, 'data/ledger.db') });
  expect(parseStoreLocation('sqlite:./x.db', cwd)).toEqual({ kind: 'sqlite', path: path.resolve(cwd, 'x.db') });
  expect(parseStoreLocation('sqlite:///var/x.db', cwd)).toEqual({ kind: 'sqlite', path: '/var/x.db' });
  expect(parseStoreLocation('C:\\data\\ledger.db', cwd).kind).toBe('sqlite');
});

test('postgres:// and postgresql:// are PostgreSQL; a schema query parameter picks the schema and is not passed on', () => {
  expect(parseStoreLocation('postgres://u:p@db:5432/ledger', cwd)).toEqual({ kind: 'postgres', connectionString: 'postgres://u:p@db:5432/ledger' });
  expect(parseStoreLocation('postgresql://db/ledger?schema=tenant_a&sslmode=require', cwd)).toEqual({
    kind: 'postgres',
    connectionString: 'postgresql://db/ledger?sslmode=require',
    schema: 'tenant_a',
  });
  expect(() => parseStoreLocation('postgres://db/ledger?schema=a;drop', cwd)).toThrow(/plain SQL identifier/);
});

test('kurrentdb:// and esdb:// (and +discover) are KurrentDB; memory: is the in-memory store', () => {
  for (const text of ['kurrentdb://localhost:2113?tls=false', 'esdb://a:2113,b:2113', 'esdb+discover://cluster:2113', 'kurrentdb+discover://c']) {
    expect(parseStoreLocation(text, cwd)).toEqual({ kind: 'kurrentdb', connectionString: text });
  }
  expect(parseStoreLocation('memory:', cwd)).toEqual({ kind: 'memory' });
});

test('an unknown scheme or an empty location is a usage error (exit code 2)', () => {
  expect(() => parseStoreLocation('mysql://db/x', cwd)).toThrow(expect.objectContaining({ exitCode: 2, code: 'INVALID_STORE' }));
  expect(() => parseStoreLocation('  ', cwd)).toThrow(expect.objectContaining({ exitCode: 2 }));
  expect(() => parseStoreLocation('sqlite:', cwd)).toThrow(expect.objectContaining({ exitCode: 2 }));
});

test('--store wins over LEARNER_LEDGER_STORE, which wins over ./learner-ledger.db', () => {
  expect(chooseStoreLocation('memory:', { LEARNER_LEDGER_STORE: 'x.db' }, cwd)).toEqual({ kind: 'memory' });
  expect(chooseStoreLocation(undefined, { LEARNER_LEDGER_STORE: 'x.db' }, cwd)).toEqual({ kind: 'sqlite', path: '/srv/ledger/x.db' });
  expect(chooseStoreLocation(undefined, {}, cwd)).toEqual({ kind: 'sqlite', path: '/srv/ledger/learner-ledger.db' });
  expect(chooseStoreLocation(undefined, { LEARNER_LEDGER_STORE: '' }, cwd)).toEqual({ kind: 'sqlite', path: '/srv/ledger/learner-ledger.db' });
});

test('descriptions hide passwords', () => {
  expect(describeStoreLocation(parseStoreLocation('postgres://u:secret@db/ledger', cwd))).not.toContain('secret');
});

test('hints name the program the way it was started', () => {
  expect(programNameOf('/usr/local/bin/learner-ledger', '/home/jo')).toBe('learner-ledger');
  expect(programNameOf('/repo/packages/cli/dist/src/bin.js', '/repo')).toBe('node packages/cli/dist/src/bin.js');
  expect(programNameOf('/repo/packages/cli/dist/src/bin.js', '/elsewhere')).toBe('node /repo/packages/cli/dist/src/bin.js');
  expect(programNameOf(undefined, '/')).toBe('learner-ledger');
});

test('sqlite:<path>?synchronous=full asks for commits synced to disk; normal is the default; anything else is a usage error', () => {
  expect(parseStoreLocation('sqlite:./x.db?synchronous=full', cwd)).toEqual({ kind: 'sqlite', path: path.resolve(cwd, 'x.db'), synchronous: 'FULL' });
  expect(parseStoreLocation('sqlite:///var/x.db?synchronous=NORMAL', cwd)).toEqual({ kind: 'sqlite', path: '/var/x.db', synchronous: 'NORMAL' });
  expect(parseStoreLocation('sqlite:./x.db?', cwd)).toEqual({ kind: 'sqlite', path: path.resolve(cwd, 'x.db') });
  expect(describeStoreLocation(parseStoreLocation('sqlite:./x.db?synchronous=full', cwd))).toBe(`SQLite file ${path.resolve(cwd, 'x.db')} (synchronous=FULL)`);
  expect(() => parseStoreLocation('sqlite:./x.db?synchronous=off', cwd)).toThrow(expect.objectContaining({ exitCode: 2, code: 'INVALID_STORE', message: expect.stringMatching(/synchronous=off is not/) }));
  expect(() => parseStoreLocation('sqlite:./x.db?journal=wal', cwd)).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/Unknown SQLite option "journal"/) }));
});
