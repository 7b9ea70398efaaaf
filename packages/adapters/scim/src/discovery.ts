import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, RESOURCE_TYPE_SCHEMA, SCHEMA_SCHEMA, SERVICE_PROVIDER_CONFIG_SCHEMA, USER_SCHEMA } from './protocol.js';
import { MAX_PAGE_SIZE } from './query.js';

/*
 * The discovery endpoints of RFC 7644 §4: what this service supports, and the
 * attributes of its resources as the learner ledger maps them.
 */

interface AttributeOptions {
  readonly required?: boolean;
  readonly mutability?: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  readonly uniqueness?: 'none' | 'server' | 'global';
  readonly multiValued?: boolean;
  readonly type?: 'string' | 'boolean' | 'complex' | 'reference';
  readonly subAttributes?: readonly Record<string, unknown>[];
  readonly referenceTypes?: readonly string[];
}

const attribute = (name: string, description: string, o: AttributeOptions = {}): Record<string, unknown> => ({
  name,
  type: o.type ?? 'string',
  multiValued: o.multiValued ?? false,
  description,
  required: o.required ?? false,
  caseExact: false,
  mutability: o.mutability ?? 'readWrite',
  returned: 'default',
  uniqueness: o.uniqueness ?? 'none',
  ...(o.subAttributes !== undefined ? { subAttributes: o.subAttributes } : {}),
  ...(o.referenceTypes !== undefined ? { referenceTypes: o.referenceTypes } : {}),
});

const schema = (id: string, name: string, description: string, attributes: readonly Record<string, unknown>[], baseUrl: string): Record<string, unknown> => ({
  schemas: [SCHEMA_SCHEMA],
  id,
  name,
  description,
  attributes,
  meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${id}` },
});

const userSchema = (baseUrl: string) =>
  schema(
    USER_SCHEMA,
    'User',
    'A learner of the organization',
    [
      attribute('userName', "The learner's e-mail address, unique in the organization", { required: true, uniqueness: 'server' }),
      attribute('externalId', 'The learner ID (set on creation, never changed)', { mutability: 'immutable' }),
      attribute('name', "The learner's name", {
        type: 'complex',
        required: true,
        subAttributes: [attribute('givenName', 'First name', { required: true }), attribute('familyName', 'Last name', { required: true }), attribute('formatted', 'Full name', { mutability: 'readOnly' })],
      }),
      attribute('displayName', 'First and last name', { mutability: 'readOnly' }),
      attribute('emails', 'The learner\'s e-mail address as one primary work e-mail (it follows userName)', {
        type: 'complex',
        multiValued: true,
        mutability: 'readOnly',
        subAttributes: [attribute('value', 'E-mail address'), attribute('type', 'Always work'), attribute('primary', 'Always true', { type: 'boolean' })],
      }),
      attribute('active', 'Active learners hold a license; deactivation moves them to the inactive team and releases it', { type: 'boolean' }),
      attribute('groups', 'The teams the learner is on (changed through Groups)', {
        type: 'complex',
        multiValued: true,
        mutability: 'readOnly',
        subAttributes: [attribute('value', 'Team id', { mutability: 'readOnly' }), attribute('display', 'Team name', { mutability: 'readOnly' })],
      }),
    ],
    baseUrl,
  );

const enterpriseSchema = (baseUrl: string) =>
  schema(ENTERPRISE_USER_SCHEMA, 'EnterpriseUser', 'Enterprise extension: the employee ID', [attribute('employeeNumber', "The learner's employee ID")], baseUrl);

const groupSchema = (baseUrl: string) =>
  schema(
    GROUP_SCHEMA,
    'Group',
    'A team of the organization',
    [
      attribute('displayName', 'The team name, unique in the organization', { required: true, uniqueness: 'server' }),
      attribute('members', 'The learners on the team', {
        type: 'complex',
        multiValued: true,
        subAttributes: [attribute('value', 'Learner id', { mutability: 'immutable' }), attribute('display', 'Learner name', { mutability: 'readOnly' })],
      }),
    ],
    baseUrl,
  );

/** Every schema this service publishes, in `/Schemas` order. */
export const schemas = (baseUrl: string): readonly Record<string, unknown>[] => [userSchema(baseUrl), enterpriseSchema(baseUrl), groupSchema(baseUrl)];

/** The two resource types: Users (learners) and Groups (teams). */
export const resourceTypes = (baseUrl: string): readonly Record<string, unknown>[] => [
  {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'Learners',
    schema: USER_SCHEMA,
    schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
  },
  {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: 'Group',
    name: 'Group',
    endpoint: '/Groups',
    description: 'Teams',
    schema: GROUP_SCHEMA,
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/Group` },
  },
];

/** What the service supports (RFC 7643 §5). */
export const serviceProviderConfig = (baseUrl: string): Record<string, unknown> => ({
  schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
  patch: { supported: true },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  filter: { supported: true, maxResults: MAX_PAGE_SIZE },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: true },
  authenticationSchemes: [{ type: 'oauthbearertoken', name: 'Bearer token', description: 'A bearer token issued to the identity provider for one organization', primary: true }],
  meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
});
