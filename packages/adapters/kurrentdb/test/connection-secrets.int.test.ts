import { StoreUnavailableError } from '@learner-ledger/core';
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { openKurrentDbEventStore } from '../src/index.js';

/**
 * No server needed: every way opening the real client can fail with a
 * connection string that holds a password — the client's parser, the native
 * reader's parser, the client's warnings, an "@" the client would take for a
 * host, a host that does not resolve, ports where nothing listens — must
 * leave the password out of the message, the error's properties and causes,
 * and the console.
 */
const PASSWORD = 'Tr0ub4dor-s3cret';

const closedPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

/** Opens the store and returns the error, with everything written to the console meanwhile. */
const failedOpen = async (connectionString: string): Promise<{ error: Error; printed: string }> => {
  const printed: unknown[] = [];
  const spies = (['warn', 'error', 'log', 'info', 'debug'] as const).map((method) => jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(...args)));
  try {
    const store = await openKurrentDbEventStore({ connectionString });
    await store.close();
  } catch (error) {
    return { error: error as Error, printed: printed.map((arg) => (typeof arg === 'string' ? arg : inspect(arg))).join('\n') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  throw new Error(`opening ${connectionString} unexpectedly succeeded`);
};

const expectNoPassword = ({ error, printed }: { error: Error; printed: string }, password = PASSWORD): void => {
  expect(error.message).not.toContain(password);
  expect(inspect(error, { depth: 8 })).not.toContain(password);
  expect(printed).not.toContain(password);
};

describe('kurrentdb store: connection strings with a password never print it', () => {
  it('a host with a space, refused by the native reader, which repeats the whole string', async () => {
    const failure = await failedOpen(`kurrentdb://admin:${PASSWORD}@local host:2113`);
    expectNoPassword(failure);
    expect(failure.error.message).toBe('kurrentdb store: invalid connection string "kurrentdb://admin:***@local host:2113": ParseError: kurrentdb://admin:***@local host:2113');
    expect(inspect(failure.error)).toContain('[cause]: Error: ParseError: kurrentdb://admin:***@local host:2113');
  });

  it('an out-of-range port, refused by the native reader', async () => {
    const failure = await failedOpen(`kurrentdb://admin:${PASSWORD}@localhost:99999?tls=false`);
    expectNoPassword(failure);
    expect(failure.error.message).toMatch(/^kurrentdb store: invalid connection string "kurrentdb:\/\/admin:\*\*\*@localhost:99999\?tls=false"/);
  });

  it('a port that is not a number, refused by the client, whose error keeps the whole string', async () => {
    const failure = await failedOpen(`kurrentdb://admin:${PASSWORD}@localhost:abc?tls=false`);
    expectNoPassword(failure);
    expect(failure.error.message).toMatch(/Unexpected "abc" at position \d+, expected port number\.$/);
  });

  it('an unknown setting, which the client warns about by printing the whole string', async () => {
    const port = await closedPort();
    const failure = await failedOpen(`kurrentdb://admin:${PASSWORD}@127.0.0.1:${port}?tls=false&frobnicate=1`);
    expectNoPassword(failure);
    expect(failure.printed).toContain('Unknown option key "frobnicate"');
    expect(failure.printed).toContain(`kurrentdb://admin:***@127.0.0.1:${port}?tls=false&frobnicate=1`);
    expect(failure.error).toBeInstanceOf(StoreUnavailableError);
  });

  it('an "@" in the password, which the client would split into a host name', async () => {
    const failure = await failedOpen(`kurrentdb://admin:${PASSWORD}@x@localhost:2113?tls=false`);
    for (const part of [PASSWORD, `${PASSWORD}@x`, 'x@localhost']) expectNoPassword(failure, part);
    expect(failure.error.message).toBe(
      'kurrentdb store: invalid connection string "kurrentdb://***@localhost:2113?tls=false": more than one "@" before the hosts: write an "@" of the user name or password as %40',
    );
  });

  it('a host that does not resolve, and a discovery that finds nothing', async () => {
    const unresolved = await failedOpen(`kurrentdb://admin:${PASSWORD}@no-such-host.invalid:2113?tls=false`);
    expectNoPassword(unresolved);
    expect(unresolved.error).toBeInstanceOf(StoreUnavailableError);
    expect(unresolved.error.message).toMatch(/^kurrentdb store: cannot reach KurrentDB at kurrentdb:\/\/no-such-host\.invalid:2113 to connect/);
    const port = await closedPort();
    const discovery = await failedOpen(`esdb+discover://admin:${PASSWORD}@127.0.0.1:${port}?tls=false&maxDiscoverAttempts=1&discoveryInterval=10`);
    expectNoPassword(discovery);
    expect(discovery.error).toBeInstanceOf(StoreUnavailableError);
  });

  it('a percent-encoded password, in either form', async () => {
    const port = await closedPort();
    const failure = await failedOpen(`kurrentdb://admin:${PASSWORD}%40x@127.0.0.1:${port}?tls=false&frobnicate=1`);
    for (const part of [`${PASSWORD}%40x`, `${PASSWORD}@x`]) expectNoPassword(failure, part);
  });

  it('a certificate file that does not exist', async () => {
    const failure = await failedOpen(`kurrentdb://admin:${PASSWORD}@localhost:2113?tlsCAFile=/nonexistent/ca.pem`);
    expectNoPassword(failure);
    expect(failure.error.message).toMatch(/Failed to load certificate file\. File was not found\.$/);
  });
});
