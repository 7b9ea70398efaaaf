import { createLedger, decodeEvent, listOrganizationIds, organizationStreamId, readAllBatches } from '@learner-ledger/core';
import { adminContext, sampleOrganizationCommands } from '@learner-ledger/core/testing';
import type { PostgresEventStore } from '../src/index.js';
import { freshStore } from './support.js';

type Result<A> = { readonly _tag: 'Left'; readonly left: { readonly message: string } } | { readonly _tag: 'Right'; readonly right: A };
const right = <A>(either: Result<A>): A => {
  if (either._tag === 'Left') throw new Error(either.left.message);
  return either.right;
};

describe('the ledger on the postgres store', () => {
  let store: PostgresEventStore;
  beforeAll(async () => {
    store = await freshStore('ll_test_ledger');
  });
  afterAll(() => store.close());

  it('runs a sample organization and a deactivation with the move, and a fresh ledger folds the same state from the log', async () => {
    const ledger = createLedger({ store });
    for (const command of sampleOrganizationCommands('acme')) right(await ledger.execute(command, adminContext()));
    const deactivation = right(
      await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0002'] }, adminContext({ channel: 'learner-profile', commandId: 'deactivate-0002' })),
    );
    expect(deactivation.status).toBe('applied');
    expect(deactivation.events.map((e) => e.event.type)).toEqual(['TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased']);

    // The same command again is recognised, not applied twice.
    const again = right(await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0002'] }, adminContext({ commandId: 'deactivate-0002' })));
    expect(again.status).toBe('duplicate');
    expect(again.firstPosition).toBe(deactivation.firstPosition);

    const fresh = createLedger({ store });
    const state = right(await fresh.state('acme'));
    expect(state.licensesInUse).toBe(3);
    expect(state.learners.get('0002')?.status).toBe('inactive');
    expect(state.learners.get('0002')?.teams).toEqual(['inactive-learners']);
    expect(state.learners.get('0002')?.teamsBeforeDeactivation).toEqual(['sales', 'support']);
    expect(await listOrganizationIds(store)).toContain('acme');

    // Every stored event decodes, in stream order.
    const stream = await store.readStream(organizationStreamId('acme'));
    expect(stream.events.map((e) => e.streamVersion)).toEqual(stream.events.map((_, i) => i + 1));
    for (const stored of stream.events) expect(decodeEvent(stored)._tag).toBe('Right');
  });

  it('keeps two ledgers (two processes) writing to one organization consistent', async () => {
    const [first, second] = [createLedger({ store }), createLedger({ store })];
    right(await first.execute({ type: 'OnboardOrganization', orgId: 'globex', name: 'Globex', seats: 40, timeZone: 'UTC' }, adminContext()));
    right(await second.execute({ type: 'CreateTeam', orgId: 'globex', name: 'Sales' }, adminContext()));
    const registrations = Array.from({ length: 30 }, (_, i) => {
      const learnerId = String(i + 1).padStart(4, '0');
      const ledger = i % 2 === 0 ? first : second;
      return ledger.execute(
        { type: 'RegisterLearner', orgId: 'globex', learnerId, email: `l${learnerId}@globex.test`, firstName: 'L', lastName: learnerId, teams: ['sales'] },
        adminContext(),
      );
    });
    const results = (await Promise.all(registrations)).map(right);
    expect(results.every((r) => r.status === 'applied')).toBe(true);
    const state = right(await createLedger({ store }).state('globex'));
    expect(state.learners.size).toBe(30);
    expect(state.licensesInUse).toBe(30);

    // The log holds each registration once, in increasing positions.
    const positions: bigint[] = [];
    for await (const batch of readAllBatches(store, { streamIds: [organizationStreamId('globex')], maxCount: 16 })) positions.push(...batch.events.map((e) => e.globalPosition));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
    expect(new Set(positions).size).toBe(positions.length);
  });
});
