import { StoreUnavailableError } from '@learner-ledger/core';
import { createServer } from 'node:net';
import { openKurrentDbEventStore } from '../src/index.js';

/**
 * No server needed: these open the real client against ports where nothing
 * listens, the way a stopped server or cluster looks to a user.
 */
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

const openError = async (connectionString: string): Promise<unknown> => {
  try {
    const store = await openKurrentDbEventStore({ connectionString });
    await store.close();
  } catch (error) {
    return error;
  }
  throw new Error(`opening ${connectionString} unexpectedly succeeded`);
};

describe('kurrentdb store: unreachable servers', () => {
  it('reports an unreachable single node as StoreUnavailableError naming the host', async () => {
    const port = await closedPort();
    const error = await openError(`kurrentdb://127.0.0.1:${port}?tls=false`);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain(`kurrentdb store: cannot reach KurrentDB at kurrentdb://127.0.0.1:${port}`);
  });

  it('reports an unreachable three-node cluster the same way, without the password', async () => {
    const ports = await Promise.all([closedPort(), closedPort(), closedPort()]);
    const hosts = ports.map((port) => `127.0.0.1:${port}`).join(',');
    const error = await openError(`kurrentdb://admin:changeit@${hosts}?tls=false&maxDiscoverAttempts=2&discoveryInterval=50`);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain(`kurrentdb://${hosts}`);
    expect((error as Error).message).not.toContain('changeit');
  });

  it('accepts EventStoreDB esdb:// connection strings', async () => {
    const port = await closedPort();
    const error = await openError(`esdb://127.0.0.1:${port}?tls=false`);
    expect(error).toBeInstanceOf(StoreUnavailableError); // parsed, then not reachable
    expect((error as Error).message).toContain(`esdb://127.0.0.1:${port}`);
  });

  it('refuses a malformed connection string with the reason, hiding the password', async () => {
    const error = await openError('http://admin:secret@localhost:2113');
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/^kurrentdb store: invalid connection string "http:\/\/admin:\*\*\*@localhost:2113": Unexpected "http:\/\/"/);
  });

  it('refuses a stream prefix that would select system streams', async () => {
    await expect(openKurrentDbEventStore({ connectionString: 'kurrentdb://localhost:2113?tls=false', streamPrefix: '$ce-' })).rejects.toThrow(/system streams/);
  });
});
