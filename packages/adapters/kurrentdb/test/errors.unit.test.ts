import {
  AccessDeniedError,
  AppendRecordSizeExceededError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NO_STREAM,
  NotLeaderError,
  StreamDeletedError,
  StreamTombstonedError,
  TransactionMaxSizeExceededError,
  UnavailableError,
  UnsupportedError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { StoreUnavailableError, WrongExpectedVersionError } from '@learner-ledger/core';
import { AppendOutcomeUnknownError } from '../src/append-errors.js';
import { toPortError } from '../src/errors.js';
import fc from 'fast-check';
import { inspect } from 'node:util';

const target = 'kurrentdb://node1:2113,node2:2113,node3:2113';
const where = { target, secrets: [] };
const append = { operation: 'append 3 event(s) to stream learner-ledger.org-acme', writes: true, streamIds: ['learner-ledger.org-acme'] };
const read = { operation: 'read the log ($all)', writes: false };
const grpcError = (code: number, message: string) => Object.assign(new Error(message), { code });

describe('client errors → port errors', () => {
  it('turns a version conflict into the core error with the actual version', () => {
    const conflict = new ClientWrongExpectedVersionError(undefined, { streamName: 'learner-ledger.org-acme', expected: 4n, current: 6n });
    const mapped = toPortError(conflict, where, append, { streamId: 'learner-ledger.org-acme', expectedVersion: 5 });
    expect(mapped).toBeInstanceOf(WrongExpectedVersionError);
    expect(mapped).toMatchObject({ streamId: 'learner-ledger.org-acme', expected: 5, actual: 7 });
    const missing = new ClientWrongExpectedVersionError(undefined, { streamName: 'learner-ledger.org-new', expected: 'stream_exists', current: NO_STREAM });
    expect(toPortError(missing, where, append, { streamId: 'learner-ledger.org-new', expectedVersion: 'stream_exists' })).toMatchObject({ actual: 0 });
  });

  it('says nothing was written when no connection was made', () => {
    const mapped = toPortError(grpcError(14, '14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 10.0.0.1:2113'), where, append);
    expect(mapped).toBeInstanceOf(StoreUnavailableError);
    expect((mapped as Error).message).toMatch(/^kurrentdb store: cannot reach KurrentDB at kurrentdb:\/\/node1:2113,node2:2113,node3:2113 to append 3 event\(s\) to stream learner-ledger\.org-acme \(.*ECONNREFUSED.*\); nothing was written$/);
  });

  it('does not claim nothing was written when the answer was lost, and says a re-run is safe', () => {
    for (const error of [new DeadlineExceededError(undefined, 'Deadline exceeded'), grpcError(4, '4 DEADLINE_EXCEEDED: Deadline exceeded'), new UnavailableError(undefined, 'Connection dropped')]) {
      const mapped = toPortError(error, where, append) as Error;
      // StoreUnavailableError means nothing was written: an append whose answer was lost is not that.
      expect(mapped).not.toBeInstanceOf(StoreUnavailableError);
      expect(mapped).toBeInstanceOf(AppendOutcomeUnknownError);
      expect(mapped).toMatchObject({ code: 'APPEND_OUTCOME_UNKNOWN', streamIds: ['learner-ledger.org-acme'], cause: error });
      expect(mapped.message).not.toContain('nothing was written');
      expect(mapped.message).toContain('lands whole or not at all, and running the same command again is safe');
    }
  });

  it('says no more than what happened for reads', () => {
    const mapped = toPortError(new UnavailableError(undefined, 'UnavailableError'), where, read) as Error;
    expect(mapped).toBeInstanceOf(StoreUnavailableError);
    expect(mapped.message).toBe(`kurrentdb store: KurrentDB at ${target} is unavailable: could not read the log ($all) (UnavailableError)`);
  });

  it('names the server setting when an append is too large', () => {
    const mapped = toPortError(MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576), where, append) as Error;
    expect(mapped.message).toBe(
      'kurrentdb store: could not append 3 event(s) to stream learner-ledger.org-acme: it is larger than the server\'s maximum append size (1048576 bytes); nothing was written. Raise the server setting MaxAppendSize, or send the work as several smaller commands',
    );
  });

  it('reports a deleted stream, and passes other errors through untouched', () => {
    expect((toPortError(StreamDeletedError.fromStreamName('learner-ledger.org-gone'), where, append) as Error).message).toMatch(/the stream was deleted in KurrentDB/);
    const other = new TypeError('something else');
    expect(toPortError(other, where, append)).toBe(other);
  });

  // The client's errors as the client builds them from a gRPC failure (only message and code are read).
  const serviceError = (code: number, message: string) =>
    Object.assign(new Error(message), { code, details: message }) as unknown as ConstructorParameters<typeof StreamTombstonedError>[0];

  it('names a tombstoned stream, and says nothing was written', () => {
    const tombstoned = new StreamTombstonedError(serviceError(9, '9 FAILED_PRECONDITION: stream tombstoned'), { stream: 'learner-ledger.org-gone' });
    const mapped = toPortError(tombstoned, where, append) as Error;
    expect(mapped).not.toBe(tombstoned);
    expect(mapped.message).toBe(
      'kurrentdb store: could not append 3 event(s) to stream learner-ledger.org-acme: stream learner-ledger.org-gone was deleted for good (tombstoned) in KurrentDB, its name can never be written again; nothing was written',
    );
    expect(mapped.cause).toBe(tombstoned);
  });

  it('says what access a denied user lacks, for writes and reads', () => {
    const denied = new AccessDeniedError(serviceError(16, '16 UNAUTHENTICATED: Access denied'));
    expect((toPortError(denied, where, append) as Error).message).toBe(
      'kurrentdb store: could not append 3 event(s) to stream learner-ledger.org-acme: access denied to the user of the connection string (AccessDeniedError: 16 UNAUTHENTICATED: Access denied); nothing was written. Give the user write access to the stream',
    );
    const onRead = toPortError(denied, where, read) as Error;
    expect(onRead.message).toMatch(/could not read the log \(\$all\): access denied .*\. Give the user read access to it \(\$all needs an admin or ops user\)$/);
    expect(onRead).not.toBeInstanceOf(StoreUnavailableError);
  });

  it('names the size limits of multi-stream appends and events', () => {
    const transaction = new TransactionMaxSizeExceededError(serviceError(10, '10 ABORTED: transaction too large'), { size: 300_000_000, maxSize: 268_435_456 });
    expect((toPortError(transaction, where, append) as Error).message).toBe(
      "kurrentdb store: could not append 3 event(s) to stream learner-ledger.org-acme: at 300000000 bytes it is larger than the server's maximum transaction size (268435456 bytes, one chunk of the log); nothing was written. Send the work as several smaller appends",
    );
    const record = new AppendRecordSizeExceededError(serviceError(3, '3 INVALID_ARGUMENT: record too large'), {
      stream: 'learner-ledger.org-acme',
      recordId: 'e1',
      size: 20_000_000,
      maxSize: 16_777_216,
    });
    expect((toPortError(record, where, append) as Error).message).toMatch(
      /event e1 of stream learner-ledger\.org-acme is 20000000 bytes, more than the server's maximum event size \(16777216 bytes\); nothing was written$/,
    );
  });

  it('says nothing was written when a follower refused the write, or the server lacks the method', () => {
    const notLeader = Object.assign(Object.create(NotLeaderError.prototype) as NotLeaderError, { message: 'Not leader', leader: { address: 'node2', port: 2113 } });
    const mapped = toPortError(notLeader, where, append) as Error;
    expect(mapped).toBeInstanceOf(StoreUnavailableError);
    expect(mapped.message).toMatch(/is not the leader: could not append .*; nothing was written$/);
    const unsupported = toPortError(new UnsupportedError('multiStreamAppend', '25.1'), where, append) as Error;
    expect(unsupported.message).toMatch(/the server does not offer it \(UnsupportedError: multiStreamAppend requires server version 25\.1 or higher\.\); nothing was written$/);
  });

  it('never shows the password in a mapped error, its properties or its cause', () => {
    const failures = [
      (text: string) => grpcError(14, `14 UNAVAILABLE: No connection established to kurrentdb://admin:${text}@node1:2113`),
      (text: string) => new UnavailableError(undefined, `lost kurrentdb://admin:${text}@node1:2113`),
      (text: string) => new AccessDeniedError(serviceError(16, `denied for admin:${text}`)),
      (text: string) => Object.assign(new Error(`ParseError: kurrentdb://admin:${text}@local host:2113`), { connectionString: `kurrentdb://admin:${text}@local host:2113` }),
    ];
    fc.assert(
      fc.property(fc
          .string({ minLength: 1, maxLength: 20 })
          .filter((text) => /^[\w!#$%&*+,./;<=>?^~-]+$/.test(text))
          // A distinctive start: a bare word like "proper" also occurs in the stack frames an inspected error prints.
          .map((text) => `Zq8-${text}`), fc.constantFrom(...failures), fc.boolean(), (secret, failure, writes) => {
        const mapped = toPortError(failure(secret), { target, secrets: [secret] }, { ...append, writes });
        expect(inspect(mapped, { depth: 8 })).not.toContain(secret);
      }),
      { numRuns: 200 },
    );
  });
});
