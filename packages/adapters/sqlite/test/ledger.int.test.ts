import { createLedger, listOrganizationIds, organizationStreamId } from '@learner-ledger/core';
import { adminContext, sampleOrganizationCommands } from '@learner-ledger/core/testing';
import { openSqliteEventStore } from '../src/index.js';
import { rightOf, temporaryDirectory } from './support.js';

describe('the ledger on the sqlite store', () => {
  const temp = temporaryDirectory();
  afterAll(() => temp.remove());

  it('runs a sample organization and a deactivation with move, and reads it all back after re-opening the file', async () => {
    const file = temp.file();
    const store = openSqliteEventStore({ path: file });
    const ledger = createLedger({ store });
    for (const command of sampleOrganizationCommands('acme')) rightOf(await ledger.execute(command, adminContext()));
    const deactivation = { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0002', '0003'], reason: 'left the company' } as const;
    const context = adminContext({ channel: 'learner-draft', commandId: 'deactivate-0002-0003' });
    const applied = rightOf(await ledger.execute(deactivation, context));
    expect(applied.status).toBe('applied');
    expect(applied.events.map((e) => e.event.type)).toEqual([
      'TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased',
      'TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased',
    ]);
    // Delivered twice: applied once.
    expect(rightOf(await ledger.execute(deactivation, context)).status).toBe('duplicate');
    await store.close();

    const reopened = openSqliteEventStore({ path: file });
    const fresh = createLedger({ store: reopened });
    const state = rightOf(await fresh.state('acme'));
    const inactiveTeam = state.inactiveTeamId!;
    expect(inactiveTeam).toBeTruthy();
    expect(state.learners.get('0002')).toMatchObject({ status: 'inactive', teams: [inactiveTeam], licenseId: null });
    expect(state.learners.get('0003')).toMatchObject({ status: 'inactive', teams: [inactiveTeam], licenseId: null });
    expect(state.learners.get('0001')).toMatchObject({ status: 'active' });
    expect(state.licensesInUse).toBe(2);
    // The same command id is still recognised by a new ledger on the re-opened file.
    expect(rightOf(await fresh.execute(deactivation, context)).status).toBe('duplicate');
    expect(await listOrganizationIds(reopened)).toEqual(['acme']);
    const stream = await reopened.readStream(organizationStreamId('acme'));
    const log = await reopened.readAll({ maxCount: 1000 });
    expect(log.events.map((e) => e.eventId)).toEqual(stream.events.map((e) => e.eventId));
    expect(log.isEnd).toBe(true);
    await reopened.close();
  });
});
