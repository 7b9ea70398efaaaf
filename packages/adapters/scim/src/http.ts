import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isOrgId, type Ledger } from '@learner-ledger/core';
import type { ScimAuthenticator, ScimClient } from './clients.js';
import { readJsonBody } from './body.js';
import { resourceTypes, schemas, serviceProviderConfig } from './discovery.js';
import { ScimGroups } from './groups.js';
import { ScimOperations, type ScimCaller, type ScimReply } from './operations.js';
import { SCIM_MEDIA_TYPE, ScimError, errorDocument, listResponse } from './protocol.js';
import { ScimUsers } from './users.js';

/** One line of the request log: never a token, never a body or a filter (they hold personal data); `orgId` is the URL's organization when it is a valid id, authenticated or not. */
export interface ScimLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  readonly orgId?: string;
  readonly client?: string;
  readonly requestId: string;
}

export interface ScimHandlerOptions {
  readonly ledger: Ledger;
  /** Finds the client a bearer token belongs to. */
  readonly authenticate: ScimAuthenticator;
  /** Where the service is mounted. Default `/scim/v2`; each organization is under `{basePath}/{orgId}`. */
  readonly basePath?: string;
  /** The public origin for `meta.location` (e.g. `https://lms.example.com`). Default: from the request's `Host`. */
  readonly publicOrigin?: string;
  /** Largest request body accepted, in bytes. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Called once per request. */
  readonly log?: (entry: ScimLogEntry) => void;
  /** Ids for learners created without an `externalId`. Default: random UUIDs. */
  readonly newId?: () => string;
}

/** A Node request listener: mount it on `http.createServer` or inside an existing server. */
export type ScimRequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The SCIM 2.0 service provider as a request handler: authentication, routing,
 * bodies, SCIM errors and the request log. Each organization has its own base
 * URL, `{basePath}/{orgId}`, and only its own clients' tokens open it.
 */
export const createScimHandler = (options: ScimHandlerOptions): ScimRequestHandler => {
  const ops = new ScimOperations(options.ledger, options.newId);
  const users = new ScimUsers(ops);
  const groups = new ScimGroups(ops);
  const basePath = (options.basePath ?? '/scim/v2').replace(/\/+$/, '');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const route = async (request: IncomingMessage, url: URL, caller: ScimCaller, segments: readonly string[]): Promise<ScimReply> => {
    const method = request.method ?? 'GET';
    const [resource, id, ...rest] = segments;
    if (rest.length > 0 || resource === undefined) throw new ScimError(404, `No SCIM endpoint at ${url.pathname}`);
    const ifMatch = header(request, 'if-match');
    const body = (): Promise<unknown> => readJsonBody(request, maxBodyBytes);
    const endpoint = resource.toLowerCase();
    if (endpoint === 'users' || endpoint === 'groups') {
      const target = endpoint === 'users' ? users : groups;
      if (id === undefined) {
        if (method === 'GET') return target.list(caller, url.searchParams);
        if (method === 'POST') return target.create(caller, await body());
      } else {
        if (method === 'GET') return target.get(caller, id, url.searchParams);
        if (method === 'PUT') return target.replace(caller, id, await body(), ifMatch);
        if (method === 'PATCH') return target.patch(caller, id, await body(), ifMatch);
        if (method === 'DELETE') return target.delete(caller, id, ifMatch);
      }
      throw new ScimError(405, `${method} is not supported on ${url.pathname}`);
    }
    if (method !== 'GET') throw new ScimError(405, `${method} is not supported on ${url.pathname}`);
    await ops.state(caller.orgId);
    if (endpoint === 'serviceproviderconfig' && id === undefined) return { status: 200, body: serviceProviderConfig(caller.baseUrl) };
    if (endpoint === 'schemas' || endpoint === 'resourcetypes') {
      const all = endpoint === 'schemas' ? schemas(caller.baseUrl) : resourceTypes(caller.baseUrl);
      if (id === undefined) return { status: 200, body: listResponse(all, all.length, 1) };
      const one = all.find((item) => item.id === id);
      if (one === undefined) throw new ScimError(404, `No ${resource} entry ${JSON.stringify(id)}`);
      return { status: 200, body: one };
    }
    throw new ScimError(404, `No SCIM endpoint at ${url.pathname}`);
  };

  return async (request, response) => {
    const started = performance.now();
    const requestId = header(request, 'x-request-id')?.slice(0, 128) ?? randomUUID();
    let url: URL | undefined;
    // The organization of the URL, for the log even when the request is refused before a client is known (a 401).
    let orgOfPath: string | undefined;
    let client: ScimClient | undefined;
    let reply: ScimReply;
    try {
      url = new URL(request.url ?? '/', 'http://service.invalid');
      const segments = relativeSegments(url.pathname, basePath);
      if (segments === undefined || segments.length === 0) throw new ScimError(404, `No SCIM endpoint at ${url.pathname}`);
      const [orgId, ...resourcePath] = segments;
      if (isOrgId(orgId!)) orgOfPath = orgId;
      client = await authenticated(options.authenticate, request, orgId!);
      const origin = options.publicOrigin?.replace(/\/+$/, '') ?? `http://${header(request, 'host') ?? 'localhost'}`;
      const caller: ScimCaller = { orgId: client.orgId, client: client.name, baseUrl: `${origin}${basePath}/${encodeURIComponent(client.orgId)}`, requestId };
      reply = await route(request, url, caller, resourcePath);
    } catch (error) {
      reply = failure(error);
    }
    send(request, response, reply);
    options.log?.({
      method: request.method ?? 'GET',
      path: url?.pathname ?? '',
      status: reply.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...(client !== undefined ? { orgId: client.orgId, client: client.name } : orgOfPath !== undefined ? { orgId: orgOfPath } : {}),
      requestId,
    });
  };
};

const header = (request: IncomingMessage, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The path below the base path, split and decoded; `undefined` when the request is not for this service. */
const relativeSegments = (pathname: string, basePath: string): string[] | undefined => {
  if (pathname !== basePath && !pathname.startsWith(`${basePath}/`)) return undefined;
  const parts = pathname.slice(basePath.length).split('/').filter((part) => part !== '');
  try {
    return parts.map((part) => decodeURIComponent(part));
  } catch {
    throw new ScimError(400, 'The request path is not valid percent-encoding', 'invalidSyntax');
  }
};

/**
 * The client of the request's bearer token, if it belongs to the organization
 * of the URL. A token of another organization reads as no token at all, so a
 * client learns nothing about organizations other than its own.
 */
const authenticated = async (authenticate: ScimAuthenticator, request: IncomingMessage, orgId: string): Promise<ScimClient> => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header(request, 'authorization') ?? '');
  const client = match ? await authenticate(match[1]!, orgId) : undefined;
  if (client === undefined || client.orgId !== orgId) throw new ScimError(401, 'A valid bearer token for this organization is required');
  return client;
};

const failure = (error: unknown): ScimReply => {
  const scimError = error instanceof ScimError ? error : new ScimError(500, 'The service failed to handle the request; it changed nothing that was not reported. Retry later.');
  return { status: scimError.status, body: errorDocument(scimError), ...(scimError.status === 401 ? { headers: { 'WWW-Authenticate': 'Bearer' } } : {}) };
};

const send = (request: IncomingMessage, response: ServerResponse, reply: ScimReply): void => {
  const text = reply.body === undefined ? undefined : JSON.stringify(reply.body);
  response.statusCode = reply.status;
  for (const [name, value] of Object.entries(reply.headers ?? {})) response.setHeader(name, value);
  if (text !== undefined) {
    response.setHeader('Content-Type', `${SCIM_MEDIA_TYPE}; charset=utf-8`);
    response.setHeader('Content-Length', Buffer.byteLength(text));
  }
  // A body left unread (refused early) must not be parsed as the next request on the connection.
  if (!request.complete) response.setHeader('Connection', 'close');
  response.end(text);
};
