import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { createLedger, InMemoryEventStore, type Command, type EventStore, type Ledger, type OrganizationState } from '@learner-ledger/core';
import { openSqliteEventStore } from '@learner-ledger/sqlite';
import { hashToken, startScimServer, tokenAuthenticator, type RunningScimServer, type ScimLogEntry } from '../src/index.js';

export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** Bearer tokens of the test clients: Okta for acme, Entra ID for globex. */
export const TOKENS = { acme: 'acme-okta-token', globex: 'globex-entra-token' } as const;

export interface ScimReplyJson {
  readonly status: number;
  readonly body: any;
  readonly headers: Headers;
}

/** A SCIM server on an ephemeral port over a real store, with a ledger to set up and inspect organizations. */
export interface TestService {
  readonly ledger: Ledger;
  readonly server: RunningScimServer;
  readonly log: ScimLogEntry[];
  /** One HTTP request to `/scim/v2/{orgId}{path}` with the organization's token unless another is given. */
  call(method: string, path: string, body?: unknown, options?: { readonly orgId?: string; readonly token?: string | null; readonly headers?: Record<string, string>; readonly raw?: string }): Promise<ScimReplyJson>;
  state(orgId?: string): Promise<OrganizationState>;
  close(): Promise<void>;
}

export type StoreKind = 'memory' | 'sqlite';

const openStore = (kind: StoreKind): { store: EventStore; remove: () => Promise<void> } => {
  if (kind === 'memory') return { store: new InMemoryEventStore(), remove: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'll-scim-'));
  const store = openSqliteEventStore({ path: join(dir, 'ledger.db') });
  return {
    store,
    remove: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

const admin = { actor: { kind: 'admin' as const, id: 'setup' }, channel: 'api' as const };

/** Runs a setup command and fails the test on a refusal. */
export const setup = async (ledger: Ledger, command: Command): Promise<void> => {
  const result = await ledger.execute(command, admin);
  if (E.isLeft(result)) throw new Error(`setup refused: ${result.left.message}`);
};

/** Starts a service with two organizations, acme (Okta) and globex (Entra ID), each with `seats` licenses and a Sales team. */
export const startService = async (kind: StoreKind = 'memory', seats = 5): Promise<TestService> => {
  const { store, remove } = openStore(kind);
  const ledger = createLedger({ store });
  for (const orgId of ['acme', 'globex']) {
    await setup(ledger, { type: 'OnboardOrganization', orgId, name: orgId, seats });
    await setup(ledger, { type: 'CreateTeam', orgId, name: 'Sales' });
  }
  const log: ScimLogEntry[] = [];
  const server = await startScimServer({
    ledger,
    authenticate: tokenAuthenticator([
      { name: 'okta', orgId: 'acme', sha256: hashToken(TOKENS.acme) },
      { name: 'entra', orgId: 'globex', sha256: hashToken(TOKENS.globex) },
    ]),
    log: (entry) => log.push(entry),
  });
  return {
    ledger,
    server,
    log,
    async call(method, path, body, options = {}) {
      const orgId = options.orgId ?? 'acme';
      const token = options.token === undefined ? TOKENS[orgId as keyof typeof TOKENS] : options.token;
      const payload = options.raw ?? (body !== undefined ? JSON.stringify(body) : undefined);
      const headers = { ...(token !== null ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/scim+json', ...(options.headers ?? {}) };
      return send(`${server.origin}/scim/v2/${orgId}${path}`, method, headers, payload);
    },
    async state(orgId = 'acme') {
      const state = await ledger.state(orgId);
      if (E.isLeft(state)) throw new Error(state.left.message);
      return state.right;
    },
    async close() {
      await server.close();
      await remove();
    },
  };
};

/** One request on a connection of its own (no pool left open when a test ends), the reply parsed. */
const send = (url: string, method: string, headers: Record<string, string>, payload: string | undefined): Promise<ScimReplyJson> =>
  new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const replyHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') replyHeaders.set(name, value);
        resolve({ status: response.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text), headers: replyHeaders });
      });
    });
    // A refused upload (413) may end the connection before the body is sent: the reply is what counts.
    request.on('error', reject);
    request.end(payload);
  });

/** A SCIM User body as the providers send it on creation. */
export const userBody = (userName: string, givenName: string, familyName: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  schemas: [USER],
  userName,
  name: { givenName, familyName },
  emails: [{ primary: true, value: userName, type: 'work' }],
  active: true,
  ...extra,
});

export const patch = (...operations: unknown[]): Record<string, unknown> => ({ schemas: [PATCH_OP], Operations: operations });

/** The invariants of the ledger every SCIM sequence keeps, checked on an organization's state. */
export const invariantViolations = (state: OrganizationState): string[] => {
  const problems: string[] = [];
  let active = 0;
  for (const learner of state.learners.values()) {
    if (learner.status === 'active') {
      active++;
      if (learner.licenseId === null) problems.push(`${learner.learnerId} is active without a license`);
      if (state.inactiveTeamId !== null && learner.teams.includes(state.inactiveTeamId)) problems.push(`${learner.learnerId} is active on the inactive team`);
    } else {
      if (learner.licenseId !== null) problems.push(`${learner.learnerId} is inactive holding ${learner.licenseId}`);
      const standard = learner.teams.filter((teamId) => teamId !== state.inactiveTeamId);
      if (standard.length > 0) problems.push(`${learner.learnerId} is inactive on ${standard.join(', ')}`);
      if (state.inactiveTeamId !== null && !learner.teams.includes(state.inactiveTeamId)) problems.push(`${learner.learnerId} is inactive outside the inactive team`);
    }
  }
  if (state.licensesInUse !== active) problems.push(`licenses in use ${state.licensesInUse} ≠ active learners ${active}`);
  if (state.licensesInUse > state.seats) problems.push(`licenses in use ${state.licensesInUse} > seats ${state.seats}`);
  return problems;
};
