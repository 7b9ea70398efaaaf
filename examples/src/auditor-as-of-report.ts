/**
 * The auditor's question: "On 31 March 2026, end of day, in Chicago — how
 * many licenses were in use, who was in the Inactive Learners team, and why
 * did Edsger (0004) lose his license: who did it, from which file and line?"
 *
 * Acme Corp (America/Chicago) deactivates one learner from the Learner Draft
 * screen in mid-March and another through a Data Services import on the
 * evening of 31 March — already 1 April in UTC. The as-of answers read only
 * Acme's stream and interpret dates in Acme's time zone, so that import
 * counts for March. A monthly series shows utilisation for the quarter.
 */
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import * as E from 'fp-ts/lib/Either.js';
import { createLedger, InMemoryEventStore, type EventStore } from '@learner-ledger/core';
import { exportLearners, importLearners } from '@learner-ledger/csv';
import { auditTrailForLearner, inactiveRoster, licenseCountAt, licenseSeries, type QueryError } from '@learner-ledger/projections';
import { admin, onboardAcme, run } from './sample-organization.js';

const answer = <T>(result: E.Either<QueryError, T>): T => {
  if (E.isLeft(result)) throw new Error(`${result.left.code}: ${result.left.message}`);
  return result.right;
};

export async function main(log: (line: string) => void = console.log, store: EventStore = new InMemoryEventStore(), workDir = mkdtempSync(join(tmpdir(), 'learner-ledger-'))) {
  // The ledger's clock is set by the story, so the history has real dates.
  let now = '2026-03-02T15:00:00.000Z';
  const ledger = createLedger({ store, clock: () => now });
  await onboardAcme(ledger);

  // 16 March: Jo deactivates Alan (0002) from the Learner Draft screen, moving him to Inactive Learners.
  now = '2026-03-16T14:00:00.000Z';
  await run(ledger, { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0002'], move: { removeFrom: 'all' }, reason: 'left the company' }, admin('learner-draft'));

  // 31 March, 20:30 in Chicago (01:30 on 1 April UTC): a Data Services import sets Edsger (0004) to Active = FALSE.
  now = '2026-04-01T01:30:00.000Z';
  const file = join(workDir, 'acme-sales-learners.csv');
  const output = createWriteStream(file);
  await exportLearners(ledger, { orgId: 'acme', format: 'data-services', team: 'Sales', output });
  if (!output.writableFinished) await once(output, 'finish');
  writeFileSync(file, readFileSync(file, 'utf8').split('\n').map((row) => (row.startsWith('0004,') ? row.replace(/,TRUE$/, ',FALSE') : row)).join('\n'));
  const imported = await importLearners(ledger, { orgId: 'acme', input: file, targetTeam: 'Sales', now });
  log(`import ${imported.importId}: ${imported.status}, ${imported.counts.deactivated} deactivated`);

  // 2 April: a new hire takes a seat.
  now = '2026-04-02T15:00:00.000Z';
  await run(ledger, { type: 'RegisterLearner', orgId: 'acme', learnerId: '0005', email: 'barbara@acme.test', firstName: 'Barbara', lastName: 'Liskov', teams: ['sales'] });

  // The auditor's report, as of the end of 31 March in Acme's time zone.
  const count = answer(await licenseCountAt(store, 'acme', '2026-03-31'));
  log(`licenses on 2026-03-31 (end of day, America/Chicago = ${count.at}): ${count.inUse} of ${count.seats} in use, ${count.available} available`);
  const roster = answer(await inactiveRoster(store, 'acme', { at: '2026-03-31' }));
  for (const learner of roster.learners) {
    const source = learner.importId !== undefined ? `, import ${learner.importId} (${learner.fileName} line ${learner.line})` : '';
    log(`inactive: ${learner.learnerId} since ${learner.since} by ${learner.actor.kind} ${learner.actor.id} via ${learner.channel}${source}`);
  }
  const trail = answer(await auditTrailForLearner(store, 'acme', '0004'));
  const lost = trail.entries.find((entry) => entry.type === 'LicenseReleased')!;
  log(`why 0004 lost the license: ${lost.summary}; ${lost.actor.kind} ${lost.actor.id} via ${lost.channel}, file ${lost.fileName} line ${lost.line}, at ${lost.occurredAt}`);
  const series = answer(await licenseSeries(store, 'acme', { every: 'month', from: '2026-02-01', to: '2026-04-30' }));
  for (const point of series.series) log(`month ending ${point.at}: ${point.inUse}/${point.seats} in use`);
  const today = answer(await licenseCountAt(store, 'acme'));

  return {
    asOf: { at: count.at, seats: count.seats, inUse: count.inUse, available: count.available },
    inactiveOnMarch31: roster.learners.map((l) => ({ learnerId: l.learnerId, channel: l.channel, ...(l.line !== undefined ? { line: l.line } : {}) })),
    licenseLost: { by: lost.actor, channel: lost.channel, importId: lost.importId, fileName: lost.fileName, line: lost.line, at: lost.occurredAt },
    monthly: series.series.map((point) => point.inUse),
    inUseNow: today.inUse,
  };
}
