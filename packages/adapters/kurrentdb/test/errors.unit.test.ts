import {
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NO_STREAM,
  StreamDeletedError,
  UnavailableError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { StoreUnavailableError, WrongExpectedVersionError } from '@learner-ledger/core';
import { toPortError } from '../src/errors.js';

const target = 'kurrentdb://node1:2113,node2:2113,node3:2113';
const append = { operation: 'append 3 event(s) to stream learner-ledger.org-acme', writes: true };
const read = { operation: 'read the log ($all)', writes: false };
const grpcError = (code: number, message: string) => Object.assign(new Error(message), { code });

describe('client errors → port errors', () => {
  it('turns a version conflict into the core error with the actual version', () => {
    const conflict = new ClientWrongExpectedVersionError(undefined, { streamName: 'learner-ledger.org-acme', expected: 4n, current: 6n });
    const mapped = toPortError(conflict, target, append, { streamId: 'learner-ledger.org-acme', expectedVersion: 5 });
    expect(mapped).toBeInstanceOf(WrongExpectedVersionError);
    expect(mapped).toMatchObject({ streamId: 'learner-ledger.org-acme', expected: 5, actual: 7 });
    const missing = new ClientWrongExpectedVersionError(undefined, { streamName: 'learner-ledger.org-new', expected: 'stream_exists', current: NO_STREAM });
    expect(toPortError(missing, target, append, { streamId: 'learner-ledger.org-new', expectedVersion: 'stream_exists' })).toMatchObject({ actual: 0 });
  });

  it('says nothing was written when no connection was made', () => {
    const mapped = toPortError(grpcError(14, '14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 10.0.0.1:2113'), target, append);
    expect(mapped).toBeInstanceOf(StoreUnavailableError);
    expect((mapped as Error).message).toMatch(/^kurrentdb store: cannot reach KurrentDB at kurrentdb:\/\/node1:2113,node2:2113,node3:2113 to append 3 event\(s\) to stream learner-ledger\.org-acme \(.*ECONNREFUSED.*\); nothing was written$/);
  });

  it('does not claim nothing was written when the answer was lost, and says a re-run is safe', () => {
    for (const error of [new DeadlineExceededError(undefined, 'Deadline exceeded'), grpcError(4, '4 DEADLINE_EXCEEDED: Deadline exceeded'), new UnavailableError(undefined, 'Connection dropped')]) {
      const mapped = toPortError(error, target, append) as Error;
      expect(mapped).toBeInstanceOf(StoreUnavailableError);
      expect(mapped.message).not.toContain('nothing was written');
      expect(mapped.message).toContain('lands whole or not at all, and running the same command again is safe');
    }
  });

  it('says no more than what happened for reads', () => {
    const mapped = toPortError(new UnavailableError(undefined, 'UnavailableError'), target, read) as Error;
    expect(mapped).toBeInstanceOf(StoreUnavailableError);
    expect(mapped.message).toBe(`kurrentdb store: KurrentDB at ${target} is unavailable: could not read the log ($all) (UnavailableError)`);
  });

  it('names the server setting when an append is too large', () => {
    const mapped = toPortError(MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576), target, append) as Error;
    expect(mapped.message).toBe(
      'kurrentdb store: could not append 3 event(s) to stream learner-ledger.org-acme: it is larger than the server\'s maximum append size (1048576 bytes); nothing was written. Raise the server setting MaxAppendSize, or send the work as several smaller commands',
    );
  });

  it('reports a deleted stream, and passes other errors through untouched', () => {
    expect((toPortError(StreamDeletedError.fromStreamName('learner-ledger.org-gone'), target, append) as Error).message).toMatch(/the stream was deleted in KurrentDB/);
    const other = new TypeError('something else');
    expect(toPortError(other, target, append)).toBe(other);
  });
});
