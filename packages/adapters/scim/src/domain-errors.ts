import type { DomainError, ErrorCode } from '@learner-ledger/core';
import { ScimError, type ScimType } from './protocol.js';

/** How each refusal of the ledger reads to a SCIM client: HTTP status and `scimType`. */
const ANSWERS: Partial<Record<ErrorCode, readonly [number, ScimType | undefined]>> = {
  ORGANIZATION_NOT_FOUND: [404, undefined],
  LEARNER_NOT_FOUND: [404, undefined],
  UNKNOWN_TEAM: [404, undefined],
  DUPLICATE_LEARNER_ID: [409, 'uniqueness'],
  DUPLICATE_EMAIL: [409, 'uniqueness'],
  DUPLICATE_TEAM_NAME: [409, 'uniqueness'],
  DUPLICATE_TEAM_ID: [409, 'uniqueness'],
  // RFC 7644 has no scimType for a resource the service cannot provide: a 409 whose detail says what to do.
  LICENSE_POOL_EXHAUSTED: [409, undefined],
  CONCURRENCY_CONFLICT: [409, undefined],
  // A hold lasts until an administrator acts, not a set time: a 409 fails this request only, where a 429 or 503 would pause the client's whole provisioning.
  MASS_DEACTIVATION_GUARD: [409, undefined],
  STORE_FAILURE: [503, undefined],
  EVENT_DECODE_FAILED: [500, undefined],
  INVALID_EVENT: [500, undefined],
};

/** The SCIM error for a refusal of the ledger (or of one subject of a command); anything not listed is a value the client sent that the ledger refuses. */
export const scimErrorOf = (error: Pick<DomainError, 'code' | 'message'>): ScimError => {
  const [status, scimType] = ANSWERS[error.code] ?? [400, 'invalidValue'];
  const detail = error.code === 'LICENSE_POOL_EXHAUSTED' ? `${error.message}. The request changed nothing; retry once a license is free.` : error.message;
  return new ScimError(status, detail, scimType, error.code);
};
