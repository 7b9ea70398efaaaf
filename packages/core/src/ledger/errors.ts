import { domainError, type DomainError } from '../errors.js';
import { InvalidEventError } from '../serialization.js';
import { AppendOutcomeUnknownError, StoreUnavailableError } from '../store/port.js';

/** A stored event of the organization's stream does not decode: the stream, not the command, is at fault. */
export class LedgerLoadError extends Error {
  readonly code = 'EVENT_DECODE_FAILED';
}

/** Any failure of loading, reading or appending, as the domain error the caller gets. */
export const toDomainError = (error: unknown): DomainError => {
  if (error instanceof LedgerLoadError) return domainError('EVENT_DECODE_FAILED', error.message);
  // The store's own message says whether anything was written; re-running is safe either way.
  const rerun = 'Run the command again with the same command id: it is applied at most once';
  if (error instanceof StoreUnavailableError || error instanceof AppendOutcomeUnknownError) return domainError('STORE_FAILURE', `${error.message}. ${rerun}`);
  const message = error instanceof Error ? error.message : String(error);
  return domainError('STORE_FAILURE', `The event store failed: ${message}. ${rerun}`);
};

/** A failure while encoding the decided events: nothing reached the store. */
export const encodingFailure = (error: unknown): DomainError => {
  // A command whose fields the decider let through but the event codec refuses: the caller's input, not the store.
  if (error instanceof InvalidEventError) {
    return domainError('INVALID_EVENT', `${error.message}; nothing was written`, error.field !== undefined ? { subject: error.field } : {});
  }
  return toDomainError(error);
};

/** A failed append: it may or may not have landed, so the caller needs the command id to re-run it safely. */
export const appendFailure = (error: unknown, commandId: string): DomainError => {
  const failure = toDomainError(error);
  return { ...failure, message: `${failure.message} (command id ${commandId})`, subject: commandId };
};

/** Every retry lost its race with another writer. */
export const concurrencyConflict = (orgId: string, retries: number): DomainError =>
  domainError('CONCURRENCY_CONFLICT', `Organization ${orgId} kept changing under this command (${retries} retries); nothing was written, run it again`);

/** The command's time is not an instant. */
export const invalidInstant = (given: string): DomainError =>
  domainError('INVALID_INSTANT', `The command time ${JSON.stringify(given)} is not an ISO-8601 instant with an offset, like 2026-03-02T09:00:00Z`);

/** The organization id cannot name a stream. */
export const invalidOrganizationId = (orgId: string): DomainError =>
  domainError('INVALID_ORGANIZATION_ID', `Organization id ${JSON.stringify(orgId)} is not valid: use 1-64 letters, digits, "_", "-" or "."`);
