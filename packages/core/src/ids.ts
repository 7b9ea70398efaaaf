import * as t from 'io-ts';
import { isEntityId, isOrgId, MAX_ID_LENGTH } from './validation.js';

/**
 * Identifiers reach stream names and SQL parameters, so they are checked once,
 * by the codecs here (with the rules of validation.ts), before anything else
 * sees them. Organization ids become part of a stream name; learner and team
 * ids are payload only and kept verbatim (leading zeros included).
 */

// The ledger and the stores check organization ids where they name streams.
export { isOrgId } from './validation.js';

/** io-ts codec for an organization id (see {@link isOrgId}). */
export const OrgIdCodec = new t.Type<string, string, unknown>(
  'OrgId',
  (u): u is string => typeof u === 'string' && isOrgId(u),
  (u, c) => (typeof u === 'string' && isOrgId(u) ? t.success(u) : t.failure(u, c, 'an organization id: 1-64 letters, digits, "_", "-" or "."')),
  t.identity,
);

/** io-ts codec for a learner, team, import or activity id. */
export const EntityIdCodec = new t.Type<string, string, unknown>(
  'EntityId',
  (u): u is string => typeof u === 'string' && isEntityId(u),
  (u, c) =>
    typeof u === 'string' && isEntityId(u)
      ? t.success(u)
      : t.failure(u, c, `an id: 1-${MAX_ID_LENGTH} characters, no control characters, no surrounding spaces`),
  t.identity,
);

/** The stream that holds every event of one organization (its consistency boundary). */
export const ORGANIZATION_STREAM_PREFIX = 'learner-ledger.org-';
export const organizationStreamId = (orgId: string): string => {
  if (!isOrgId(orgId)) throw new Error(`Invalid organization id ${JSON.stringify(orgId)}`);
  return `${ORGANIZATION_STREAM_PREFIX}${orgId}`;
};
/** The organization id of a stream name, or undefined when the stream is not an organization stream. */
export const orgIdOfStream = (streamId: string): string | undefined => {
  if (!streamId.startsWith(ORGANIZATION_STREAM_PREFIX)) return undefined;
  const orgId = streamId.slice(ORGANIZATION_STREAM_PREFIX.length);
  return isOrgId(orgId) ? orgId : undefined;
};
