import {
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  StreamDeletedError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { StoreUnavailableError, WrongExpectedVersionError, type ExpectedVersion } from '@learner-ledger/core';
import { toStreamVersion } from './expected-version.js';

export const STORE_NAME = 'kurrentdb';

// gRPC status codes the client may leave unconverted on the append path.
const GRPC_CANCELLED = 1;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/**
 * `unreachable`: no connection was made, so nothing was sent.
 * `connection-lost`: the server became unavailable during the call.
 * `no-answer`: the call timed out or was cancelled; it may have been applied.
 */
export type Failure = 'unreachable' | 'connection-lost' | 'no-answer';

const NEVER_CONNECTED = /No connection established|Failed to discover after \d+ attempts|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/;

/** Why the store could not do its work, or undefined when the error is something else. */
export const classifyFailure = (error: unknown): Failure | undefined => {
  if (!(error instanceof Error)) return undefined;
  if (NEVER_CONNECTED.test(error.message)) return 'unreachable';
  const code = (error as { code?: unknown }).code;
  if (error instanceof UnavailableError || error instanceof NotLeaderError || code === GRPC_UNAVAILABLE) return 'connection-lost';
  if (error instanceof DeadlineExceededError || error instanceof TimeoutError || error instanceof CancelledError) return 'no-answer';
  if (code === GRPC_DEADLINE_EXCEEDED || code === GRPC_CANCELLED) return 'no-answer';
  if (/ECONNRESET|ETIMEDOUT|EPIPE/.test(error.message)) return 'connection-lost';
  return undefined;
};

const detailOf = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const name = error.constructor.name && error.constructor.name !== 'Error' ? error.constructor.name : error.name;
  const message = error.message && error.message !== name ? error.message : '';
  return message ? `${name}: ${message}` : name;
};

/** What a failed operation means for the data, in words an operator can act on. */
export interface OperationContext {
  /** e.g. `append to stream learner-ledger.org-acme`. */
  readonly operation: string;
  /** True for writes: the message then says what may have been written. */
  readonly writes: boolean;
}

/**
 * The port's error for a client failure: `WrongExpectedVersionError` with the
 * stream's actual version, `StoreUnavailableError` for an unreachable server
 * or cluster, the original error otherwise.
 */
export const toPortError = (
  error: unknown,
  target: string,
  context: OperationContext,
  expected?: { readonly streamId: string; readonly expectedVersion: ExpectedVersion },
): unknown => {
  if (error instanceof ClientWrongExpectedVersionError) {
    const streamId = error.streamName || expected?.streamId || '(unknown stream)';
    return new WrongExpectedVersionError(streamId, expected?.expectedVersion ?? 'any', toStreamVersion(error.actualState));
  }
  if (error instanceof StreamDeletedError) {
    const consequence = context.writes ? '; nothing was written' : '';
    return new Error(`${STORE_NAME} store: could not ${context.operation}: the stream was deleted in KurrentDB (${detailOf(error)})${consequence}`, { cause: error });
  }
  if (error instanceof MaxAppendSizeExceededError) {
    return new Error(
      `${STORE_NAME} store: could not ${context.operation}: it is larger than the server's maximum append size` +
        `${error.maxAppendSize ? ` (${error.maxAppendSize} bytes)` : ''}; nothing was written. ` +
        'Raise the server setting MaxAppendSize, or send the work as several smaller commands',
      { cause: error },
    );
  }
  const failure = classifyFailure(error);
  if (failure === undefined) return error;
  const what = {
    unreachable: `cannot reach KurrentDB at ${target} to ${context.operation}`,
    'connection-lost': `KurrentDB at ${target} is unavailable: could not ${context.operation}`,
    'no-answer': `KurrentDB at ${target} did not answer in time to ${context.operation}`,
  }[failure];
  const consequence = !context.writes
    ? ''
    : failure === 'unreachable'
      ? '; nothing was written'
      : '; a stream append lands whole or not at all, and running the same command again is safe';
  return new StoreUnavailableError(STORE_NAME, `${what} (${detailOf(error)})${consequence}`, error);
};
