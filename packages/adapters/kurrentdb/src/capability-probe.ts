import { jsonEvent, UnsupportedError, WrongExpectedVersionError, type AppendStreamRequest } from '@kurrent/kurrentdb-client';
import { randomUUID } from 'node:crypto';
import type { KurrentClient } from './context.js';

/** The client's refusal of metadata that is not string-valued, before it sends a multi-stream append. */
export const REFUSED_PROBE = /multiStreamAppend requires metadata to be a plain object with string keys and string values/;

/**
 * A multi-stream append that can never be written: the client refuses its
 * metadata (a number) before sending anything, and were it sent, the server
 * would refuse its expected revision (2^62 events, on a stream no one writes).
 */
export const probeRequest = (prefix: string): AppendStreamRequest => ({
  streamName: `${prefix}capability-probe-${randomUUID()}`,
  expectedState: 1n << 62n,
  events: [jsonEvent({ type: 'CapabilityProbe', data: {}, metadata: { probe: 1 } })],
});

/**
 * Whether the server offers atomic multi-stream appends (KurrentDB 25.1+),
 * asked through the client's public `multiStreamAppend`: the client first
 * asks the server which methods it has and throws `UnsupportedError` when
 * the multi-stream append is not among them; only then does it check the
 * request, which this one fails. (The client's `supports` and `capabilities`
 * would say it directly, but they are protected members.) Nothing is ever
 * written. Connection failures are thrown.
 */
export const supportsMultiStreamAppend = async (client: Pick<KurrentClient, 'multiStreamAppend'>, prefix: string): Promise<boolean> => {
  try {
    await client.multiStreamAppend([probeRequest(prefix)]);
  } catch (error) {
    if (error instanceof UnsupportedError) return false;
    if (error instanceof WrongExpectedVersionError) return true;
    if (error instanceof Error && REFUSED_PROBE.test(error.message)) return true;
    throw error;
  }
  throw new Error('kurrentdb store: the server accepted a multi-stream append that cannot match; its answer cannot be trusted');
};
