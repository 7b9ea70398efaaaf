import {
  AccessDeniedError,
  AppendRecordSizeExceededError,
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  StreamDeletedError,
  StreamTombstonedError,
  TimeoutError,
  TransactionMaxSizeExceededError,
  UnavailableError,
  UnsupportedError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { StoreUnavailableError, WrongExpectedVersionError, type ExpectedVersion } from '@learner-ledger/core';
import { AppendOutcomeUnknownError } from './append-errors.js';
import { scrub, scrubError, type ConnectionDescription } from './connection.js';
import { toStreamVersion } from './expected-version.js';

export const STORE_NAME = 'kurrentdb';

// gRPC status codes the client may leave unconverted on the append path.
const GRPC_CANCELLED = 1;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/**
 * `unreachable`: no connection was made, so nothing was sent.
 * `not-leader`: the node refused the call because it is not the leader.
 * `connection-lost`: the server became unavailable during the call.
 * `no-answer`: the call timed out or was cancelled; it may have been applied.
 */
export type Failure = 'unreachable' | 'not-leader' | 'connection-lost' | 'no-answer';

const NEVER_CONNECTED = /No connection established|Name resolution failed|Failed to discover after \d+ attempts|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/;

/** Why the store could not do its work, or undefined when the error is something else. */
export const classifyFailure = (error: unknown): Failure | undefined => {
  if (!(error instanceof Error)) return undefined;
  if (NEVER_CONNECTED.test(error.message)) return 'unreachable';
  if (error instanceof NotLeaderError) return 'not-leader';
  const code = (error as { code?: unknown }).code;
  if (error instanceof UnavailableError || code === GRPC_UNAVAILABLE) return 'connection-lost';
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
  /** The streams a write was for (named by {@link AppendOutcomeUnknownError}). */
  readonly streamIds?: readonly string[];
}

type Where = Pick<ConnectionDescription, 'target' | 'secrets'>;

/** The errors the server answers when it refused a call: nothing was written. */
const refusal = (error: unknown, context: OperationContext): string | undefined => {
  const nothing = context.writes ? '; nothing was written' : '';
  if (error instanceof StreamTombstonedError) {
    return `could not ${context.operation}: stream ${error.stream} was deleted for good (tombstoned) in KurrentDB, its name can never be written again${nothing}`;
  }
  if (error instanceof StreamDeletedError) {
    return `could not ${context.operation}: the stream was deleted in KurrentDB (${detailOf(error)})${nothing}`;
  }
  if (error instanceof AccessDeniedError) {
    const grant = context.writes ? 'write access to the stream' : 'read access to it ($all needs an admin or ops user)';
    return `could not ${context.operation}: access denied to the user of the connection string (${detailOf(error)})${nothing}. Give the user ${grant}`;
  }
  if (error instanceof MaxAppendSizeExceededError) {
    return (
      `could not ${context.operation}: it is larger than the server's maximum append size` +
      `${error.maxAppendSize ? ` (${error.maxAppendSize} bytes)` : ''}; nothing was written. ` +
      'Raise the server setting MaxAppendSize, or send the work as several smaller commands'
    );
  }
  if (error instanceof TransactionMaxSizeExceededError) {
    return (
      `could not ${context.operation}: at ${error.size} bytes it is larger than the server's maximum transaction size (${error.maxSize} bytes, one chunk of the log); ` +
      'nothing was written. Send the work as several smaller appends'
    );
  }
  if (error instanceof AppendRecordSizeExceededError) {
    return (
      `could not ${context.operation}: event ${error.recordId} of stream ${error.stream} is ${error.size} bytes, more than the server's maximum event size (${error.maxSize} bytes); ` +
      'nothing was written'
    );
  }
  if (error instanceof UnsupportedError) {
    // The client checks the server's features before it sends anything.
    return `could not ${context.operation}: the server does not offer it (${detailOf(error)})${nothing}`;
  }
  return undefined;
};

/**
 * The port's error for a client failure: `WrongExpectedVersionError` with the
 * stream's actual version; `StoreUnavailableError` when nothing was written
 * (an unreachable server, a node that is not the leader, any failed read);
 * {@link AppendOutcomeUnknownError} for a write whose answer was lost; a
 * plain error naming the cause for a refusal; the original error otherwise.
 * No message, property or cause of the result shows the password.
 */
export const toPortError = (
  error: unknown,
  where: Where,
  context: OperationContext,
  expected?: { readonly streamId: string; readonly expectedVersion: ExpectedVersion },
): unknown => {
  const cause = scrubError(error, where.secrets);
  if (error instanceof ClientWrongExpectedVersionError) {
    const streamId = error.streamName || expected?.streamId || '(unknown stream)';
    return new WrongExpectedVersionError(streamId, expected?.expectedVersion ?? 'any', toStreamVersion(error.actualState));
  }
  const refused = refusal(error, context);
  if (refused !== undefined) return new Error(`${STORE_NAME} store: ${scrub(refused, where.secrets)}`, { cause });
  const failure = classifyFailure(error);
  if (failure === undefined) return cause;
  const detail = scrub(detailOf(error), where.secrets);
  const what = {
    unreachable: `cannot reach KurrentDB at ${where.target} to ${context.operation}`,
    'not-leader': `the KurrentDB node it reached at ${where.target} is not the leader: could not ${context.operation}`,
    'connection-lost': `KurrentDB at ${where.target} is unavailable: could not ${context.operation}`,
    'no-answer': `KurrentDB at ${where.target} did not answer in time to ${context.operation}`,
  }[failure];
  if (context.writes && (failure === 'connection-lost' || failure === 'no-answer')) {
    return new AppendOutcomeUnknownError(
      STORE_NAME,
      context.streamIds ?? [],
      `${what} (${detail}); it may have been written: a stream append lands whole or not at all, and running the same command again is safe`,
      cause,
    );
  }
  return new StoreUnavailableError(STORE_NAME, `${what} (${detail})${context.writes ? '; nothing was written' : ''}`, cause);
};
