/**
 * Provisioning from an identity provider over SCIM 2.0, on a SQLite file: a
 * token for Okta is issued into the organization's history (only its digest
 * is kept, as `learner-ledger scim token create` does), the service provider
 * is started on a local port and finds tokens there, and Okta's requests
 * create a learner, deactivate them when they leave (moved
 * to Inactive Learners, license released) and retry the deactivation, which
 * changes nothing. The inactive roster shows channel `scim` and the client.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { createLedger, type Ledger } from '@learner-ledger/core';
import { inactiveRoster, licenseCountAt } from '@learner-ledger/projections';
import { hashToken, issueToken, ledgerTokenAuthenticator, startScimServer } from '@learner-ledger/scim';
import { openSqliteEventStore } from '@learner-ledger/sqlite';

const admin = { actor: { kind: 'admin' as const, id: 'jo@acme.test' }, channel: 'api' as const };

const onboardAcme = async (ledger: Ledger): Promise<void> => {
  const onboarded = await ledger.execute({ type: 'OnboardOrganization', orgId: 'acme', name: 'Acme Corp', seats: 10 }, admin);
  if (E.isLeft(onboarded) && onboarded.left.code !== 'ORGANIZATION_ALREADY_EXISTS') throw new Error(onboarded.left.message);
};

export async function main(path = join(mkdtempSync(join(tmpdir(), 'ledger-')), 'learner-ledger.db')) {
  const store = openSqliteEventStore({ path });
  const ledger = createLedger({ store });
  await onboardAcme(ledger);
  // Shown once to the administrator, who pastes it into Okta; the organization's history keeps only its SHA-256 digest.
  const token = issueToken();
  const issued = await ledger.execute({ type: 'IssueScimToken', orgId: 'acme', tokenId: `tok-${randomBytes(6).toString('hex')}`, client: 'okta', sha256: hashToken(token) }, admin);
  if (E.isLeft(issued)) throw new Error(issued.left.message);
  // Each request catches the organization up first, so a token revoked by another process stops working at once.
  const server = await startScimServer({ ledger, authenticate: ledgerTokenAuthenticator(ledger) });
  const base = `${server.origin}/scim/v2/acme`;
  const okta = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
  const created = await okta('POST', '/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'ada@acme.test',
    name: { givenName: 'Ada', familyName: 'Lovelace' },
    emails: [{ primary: true, value: 'ada@acme.test', type: 'work' }],
    active: true,
  });
  const leaves = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] };
  const deactivated = await okta('PATCH', `/Users/${created.body.id}`, leaves);
  const retried = await okta('PATCH', `/Users/${created.body.id}`, leaves);
  await server.close();
  const state = await ledger.state('acme');
  const tokens = E.isRight(state) ? [...state.right.scimTokens.values()].map(({ tokenId, client, status }) => ({ tokenId, client, status })) : [];
  const licenses = await licenseCountAt(store, 'acme', '2099-12-31');
  const roster = await inactiveRoster(store, 'acme');
  await store.close();
  return { created: created.status, deactivated: deactivated.body.active as boolean, retried: retried.status, licenses, roster, tokens };
}
