/**
 * The SCIM 2.0 wire vocabulary this adapter speaks (RFC 7643, RFC 7644): schema
 * URNs, the error document, the list response and the entity tags.
 */

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';

/** The media type of every SCIM body. */
export const SCIM_MEDIA_TYPE = 'application/scim+json';

/** The `scimType` keywords of RFC 7644 §3.12 this adapter answers with. */
export type ScimType = 'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget' | 'invalidValue' | 'invalidVers';

/** A refusal on its way to the client as a SCIM error document. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
    /** The ledger's error code behind the refusal, when there is one. */
    readonly code?: string,
  ) {
    super(detail);
    this.name = 'ScimError';
  }
}

/** The error document of RFC 7644 §3.12 (`status` is a string there). */
export const errorDocument = (error: ScimError): Record<string, unknown> => ({
  schemas: [ERROR_SCHEMA],
  status: String(error.status),
  ...(error.scimType !== undefined ? { scimType: error.scimType } : {}),
  detail: error.detail,
});

/** A page of resources (RFC 7644 §3.4.2). */
export const listResponse = (resources: readonly unknown[], totalResults: number, startIndex: number): Record<string, unknown> => ({
  schemas: [LIST_RESPONSE_SCHEMA],
  totalResults,
  startIndex,
  itemsPerPage: resources.length,
  Resources: resources,
});

/** The weak entity tag of a resource last changed at `version` of its organization's stream. */
export const entityTag = (version: number): string => `W/"${version}"`;

/**
 * Whether an `If-Match` header admits the resource's current tag: `*`, or one
 * of the listed tags (weak and strong forms compare equal, as a SCIM client
 * echoes back what `meta.version` said).
 */
export const ifMatchAdmits = (header: string, current: string): boolean => {
  const bare = (tag: string): string => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(current));
};

/** A SCIM boolean as identity providers send it: `true`/`false`, or the strings `"True"`/`"False"` (Entra ID), in any case. */
export const scimBoolean = (value: unknown, attribute: string): boolean => {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  throw new ScimError(400, `${attribute} must be true or false, got ${JSON.stringify(value)}`, 'invalidValue');
};

/** A plain JSON object (not an array, not null). */
export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value of an attribute by its name, compared without case (SCIM attribute names are case-insensitive). */
export const attribute = (resource: Record<string, unknown>, name: string): unknown => {
  const lower = name.toLowerCase();
  const key = Object.keys(resource).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : resource[key];
};
