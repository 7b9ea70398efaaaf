/**
 * Failures of an append that `StoreUnavailableError` cannot state honestly
 * (it means nothing was written): these appends may have been, or were.
 */

/**
 * The connection was lost or the server did not answer in time during an
 * append: it may have been written (whole: a KurrentDB append is atomic) or
 * not at all. The core's error, so the ledger maps it like every store's.
 */
export { AppendOutcomeUnknownError } from '@learner-ledger/core';

/**
 * The append was written, but the store could not establish its result (the
 * log positions of its events, or a stream's new revision). Running the same
 * command again finds it done.
 */
export class AppendWrittenResultUnknownError extends Error {
  override readonly name = 'AppendWrittenResultUnknownError';
  readonly code = 'APPEND_WRITTEN_RESULT_UNKNOWN';
  constructor(
    readonly store: string,
    readonly streamIds: readonly string[],
    message: string,
    override readonly cause?: unknown,
  ) {
    super(`${store} store: ${message}`);
  }
}
