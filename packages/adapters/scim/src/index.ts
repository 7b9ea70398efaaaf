/**
 * @packageDocumentation
 * A SCIM 2.0 service provider (RFC 7643, RFC 7644) over the learner ledger:
 * identity providers such as Okta and Microsoft Entra ID create, update,
 * deactivate and reactivate learners (Users) and change team membership
 * (Groups), under the same rules and with the same audit as every other path
 * (channel `scim`, actor the provider's client).
 */
export { createScimHandler, type ScimHandlerOptions, type ScimLogEntry, type ScimRequestHandler } from './http.js';
export { startScimServer, type RunningScimServer, type ScimServerOptions } from './server.js';
export { hashToken, issueToken, ledgerTokenAuthenticator, tokenAuthenticator, type ScimAuthenticator, type ScimClient, type ScimTokenRecord } from './clients.js';
export { ScimError, type ScimType, SCIM_MEDIA_TYPE, USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA, ERROR_SCHEMA, LIST_RESPONSE_SCHEMA, PATCH_OP_SCHEMA } from './protocol.js';
