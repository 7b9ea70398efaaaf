import * as t from 'io-ts';

/**
 * Identifiers reach stream names and SQL parameters, so they are checked once,
 * here, before anything else sees them. Organization ids become part of a
 * stream name: letters, digits, `_`, `-` and `.` only. Learner and team ids are
 * payload only, so any printable text without control characters is kept
 * verbatim (leading zeros included).
 */
const ORG_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export const MAX_ID_LENGTH = 128;
export const MAX_TEXT_LENGTH = 512;

export const isOrgId = (value: string): boolean => ORG_ID.test(value);

export const isEntityId = (value: string): boolean =>
  value.length > 0 && value.length <= MAX_ID_LENGTH && value.trim() === value && !CONTROL.test(value);

export const isText = (value: string): boolean => value.length <= MAX_TEXT_LENGTH && !CONTROL.test(value);

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
