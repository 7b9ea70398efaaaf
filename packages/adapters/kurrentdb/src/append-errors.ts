/**
 * Failures of an append that the port's errors cannot state honestly:
 * `StoreUnavailableError` means nothing was written, and these appends may
 * have been, or were.
 */

/**
 * The connection was lost or the server did not answer in time during an
 * append: it may have been written (whole: a KurrentDB append is atomic) or
 * not at all. Running the same command again is safe; the ledger finds it
 * done by its command id.
 */
export class AppendOutcomeUnknownError extends Error {
  override readonly name = 'AppendOutcomeUnknownError';
  readonly code = 'APPEND_OUTCOME_UNKNOWN';
  constructor(
    readonly store: string,
    readonly streamIds: readonly string[],
    message: string,
    override readonly cause?: unknown,
  ) {
    super(`${store} store: ${message}`);
  }
}

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
