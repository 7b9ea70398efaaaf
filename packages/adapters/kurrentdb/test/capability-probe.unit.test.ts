import { KurrentDBClient, UnavailableError, UnsupportedError, WrongExpectedVersionError } from '@kurrent/kurrentdb-client';
import { probeRequest, REFUSED_PROBE, supportsMultiStreamAppend } from '../src/capability-probe.js';

/**
 * The probe relies on what the installed client does before it sends a
 * multi-stream append: ask the server's methods (UnsupportedError when the
 * method is missing), then refuse metadata that is not string-valued. These
 * run the client's own `multiStreamAppend` with a `this` that records what it
 * would send, so a client upgrade that changes either step fails here.
 */
const clientCode = (serverHasMethod: boolean) => {
  const sent: string[] = [];
  const self = {
    supports: async () => serverHasMethod,
    execute: async (_client: unknown, debugName: string) => {
      sent.push(debugName);
      throw new Error(`sent ${debugName}`);
    },
    callArguments: () => [],
  };
  const client = { multiStreamAppend: (requests: Parameters<KurrentDBClient['multiStreamAppend']>[0]) => KurrentDBClient.prototype.multiStreamAppend.call(self, requests) };
  return { client, sent };
};

describe('multi-stream append capability probe', () => {
  it('asks the server through the client: a server without the method reads false, nothing is sent', async () => {
    const { client, sent } = clientCode(false);
    await expect(client.multiStreamAppend([probeRequest('learner-ledger.')])).rejects.toBeInstanceOf(UnsupportedError);
    expect(await supportsMultiStreamAppend(client, 'learner-ledger.')).toBe(false);
    expect(sent).toEqual([]);
  });

  it('a server with the method reads true, and the client refuses the probe before sending it', async () => {
    const { client, sent } = clientCode(true);
    await expect(client.multiStreamAppend([probeRequest('learner-ledger.')])).rejects.toThrow(REFUSED_PROBE);
    expect(await supportsMultiStreamAppend(client, 'learner-ledger.')).toBe(true);
    expect(sent).toEqual([]);
  });

  it('could never be written: were it sent, its expected revision would not match any stream', () => {
    const request = probeRequest('learner-ledger.');
    expect(request.expectedState).toBe(1n << 62n);
    expect(request.streamName).toMatch(/^learner-ledger\.capability-probe-[0-9a-f-]{36}$/);
    expect(request.events[0]!.metadata).toEqual({ probe: 1 });
  });

  it('reads a refused version as the method being there, and throws connection failures', async () => {
    const conflict = new WrongExpectedVersionError(undefined, { streamName: 'x', expected: 1n << 62n, current: 'no_stream' });
    expect(await supportsMultiStreamAppend({ multiStreamAppend: async () => Promise.reject(conflict) }, '')).toBe(true);
    const down = new UnavailableError(undefined, '14 UNAVAILABLE: No connection established');
    await expect(supportsMultiStreamAppend({ multiStreamAppend: async () => Promise.reject(down) }, '')).rejects.toBe(down);
    await expect(supportsMultiStreamAppend({ multiStreamAppend: async () => ({ position: 1n, responses: [] }) }, '')).rejects.toThrow(/cannot be trusted/);
  });
});
