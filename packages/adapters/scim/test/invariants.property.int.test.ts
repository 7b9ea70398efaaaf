import fc from 'fast-check';
import type { StoredEvent } from '@learner-ledger/core';
import { invariantViolations, patch, startService, userBody, type TestService } from './support.js';

const PEOPLE = ['u0', 'u1', 'u2', 'u3', 'u4'];
const TEAMS = ['sales', 'inactive-learners', 'ghost'];
const SEATS = 3;

/** One SCIM request an identity provider might send, in the dialects Okta and Entra ID use. */
type Step = { readonly method: string; readonly path: string; readonly body?: unknown };

const person = fc.constantFrom(...PEOPLE);
const activeValue = fc.constantFrom<unknown>(true, false, 'True', 'False', 'true', 'false');
const op = fc.constantFrom('replace', 'Replace', 'add');

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ id: person, active: fc.boolean() }).map(({ id, active }) => ({ method: 'POST', path: '/Users', body: userBody(`${id}@acme.test`, id, 'X', { externalId: id, active }) })),
  fc.record({ id: person, op, active: activeValue, withPath: fc.boolean() }).map(({ id, op, active, withPath }) => ({
    method: 'PATCH',
    path: `/Users/${id}`,
    body: patch(withPath ? { op, path: 'active', value: active } : { op, value: { active } }),
  })),
  fc.record({ id: person, active: fc.boolean(), family: fc.constantFrom('X', 'Y') }).map(({ id, active, family }) => ({ method: 'PUT', path: `/Users/${id}`, body: userBody(`${id}@acme.test`, id, family, { active }) })),
  person.map((id) => ({ method: 'DELETE', path: `/Users/${id}` })),
  fc.record({ id: person, team: fc.constantFrom(...TEAMS), add: fc.boolean(), entra: fc.boolean() }).map(({ id, team, add, entra }) => ({
    method: 'PATCH',
    path: `/Groups/${team}`,
    body: patch(
      add
        ? { op: entra ? 'Add' : 'add', path: 'members', value: [{ value: id }] }
        : entra
          ? { op: 'Remove', path: 'members', value: [{ $ref: null, value: id }] }
          : { op: 'remove', path: `members[value eq "${id}"]` },
    ),
  })),
);

/** A request, or the same request again: identity providers retry. */
const withRetries: fc.Arbitrary<Step[]> = fc.array(fc.tuple(step, fc.boolean()), { minLength: 1, maxLength: 25 }).map((pairs) => pairs.flatMap(([s, retry]) => (retry ? [s, s] : [s])));

/** Audits the raw log: every license assigned once per activation, released once per deactivation, never more in use than seats. */
const auditRawLog = (events: readonly StoredEvent[]): string[] => {
  const problems: string[] = [];
  const holding = new Set<string>();
  let seats = 0;
  for (const event of events) {
    const data = event.data as { learnerId?: string; seats?: number };
    if (event.type === 'OrganizationOnboarded' || event.type === 'LicensePoolResized') seats = data.seats!;
    if (event.type === 'LicenseAssigned') {
      if (holding.has(data.learnerId!)) problems.push(`v${event.streamVersion}: second license for ${data.learnerId}`);
      holding.add(data.learnerId!);
    }
    if (event.type === 'LicenseReleased') {
      if (!holding.delete(data.learnerId!)) problems.push(`v${event.streamVersion}: release without a license for ${data.learnerId}`);
    }
    if (holding.size > seats) problems.push(`v${event.streamVersion}: ${holding.size} licenses in use > ${seats} seats`);
    const metadata = event.metadata as { channel: string; actor: { id: string } };
    if (event.streamVersion > 4 && (metadata.channel !== 'scim' || metadata.actor.id !== 'okta')) problems.push(`v${event.streamVersion}: written by ${metadata.channel}/${metadata.actor.id}`);
  }
  return problems;
};

describe('SCIM request sequences keep the ledger invariants', () => {
  it('seats never exceeded, inactive learners only in the inactive team, licenses = active learners, no server error', async () => {
    await fc.assert(
      fc.asyncProperty(withRetries, async (steps) => {
        const service: TestService = await startService('memory', SEATS);
        try {
          for (const s of steps) {
            const reply = await service.call(s.method, s.path, s.body);
            expect(reply.status).toBeLessThan(500);
            if (reply.status >= 400) expect(reply.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
            expect(invariantViolations(await service.state())).toEqual([]);
          }
          const log = await service.ledger.store.readStream('learner-ledger.org-acme');
          expect(auditRawLog(log.events)).toEqual([]);
          const state = await service.state();
          const listed = await service.call('GET', '/Users?filter=active%20eq%20true');
          expect(listed.body.totalResults).toBe(state.licensesInUse);
        } finally {
          await service.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
