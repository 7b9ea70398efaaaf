/**
 * The embedding example of the README, verbatim (a test keeps the two equal):
 * a SQLite store, the ledger, one deactivation, two reports.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { createLedger, type Command, type CommandContext } from '@learner-ledger/core';
import { inactiveRoster, licenseCountAt } from '@learner-ledger/projections';
import { openSqliteEventStore } from '@learner-ledger/sqlite';

export async function main(path = join(mkdtempSync(join(tmpdir(), 'ledger-')), 'learner-ledger.db')) {
  const store = openSqliteEventStore({ path }); // or: await openPostgresEventStore({ connectionString })
  const ledger = createLedger({ store });
  const admin: CommandContext = { actor: { kind: 'admin', id: 'jo@acme.test' }, channel: 'api' };
  const run = async (command: Command, context = admin) => {
    const result = await ledger.execute(command, context); // refusals are values: Left({ code, message })
    if (E.isLeft(result)) throw new Error(`${result.left.code}: ${result.left.message}`);
  };
  await run({ type: 'OnboardOrganization', orgId: 'acme', name: 'Acme Corp', seats: 50, timeZone: 'America/Chicago' });
  await run({ type: 'CreateTeam', orgId: 'acme', name: 'Sales' });
  await run({ type: 'RegisterLearner', orgId: 'acme', learnerId: '0042', email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace', teams: ['sales'] });
  // Learner Profile → Deactivate Learner: moved to Inactive Learners, out of Sales, license released — in one atomic append.
  await run({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0042'], reason: 'left the company' }, { ...admin, channel: 'learner-profile' });
  const licenses = await licenseCountAt(store, 'acme', '2099-12-31'); // Right({ orgId, at, seats: 50, inUse: 0, available: 50 }), or Left({ code, message })
  const roster = await inactiveRoster(store, 'acme'); // Right: who is inactive, since when, by whom, through which channel
  await store.close();
  return { licenses, roster };
}
