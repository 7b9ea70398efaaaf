/**
 * The Data Services path: an administrator exports the Learners file of the
 * Sales team, sets `Active` to `FALSE` on a row in a spreadsheet, and imports
 * the file back for the same team. The import is checked and planned first
 * (a dry run writes nothing), then applied: the learner is moved to the
 * Inactive Learners team, deactivated and their license released, every event
 * naming the import, the file and the line. Importing the same file again
 * changes nothing.
 */
import { mkdtempSync, readFileSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLedger, InMemoryEventStore, type EventStore } from '@learner-ledger/core';
import { exportLearners, importLearners, planImport } from '@learner-ledger/csv';
import { licenses, onboardAcme, stateOf } from './sample-organization.js';

export async function main(log: (line: string) => void = console.log, store: EventStore = new InMemoryEventStore(), workDir = mkdtempSync(join(tmpdir(), 'learner-ledger-'))) {
  const ledger = createLedger({ store });
  await onboardAcme(ledger);
  const file = join(workDir, 'acme-sales-learners.csv');

  // 1. Export the Learners file of the Sales team.
  const exported = await exportLearners(ledger, { orgId: 'acme', format: 'data-services', team: 'Sales', output: createWriteStream(file) });
  log(`exported ${exported.rows} learners of Sales to ${file}`);
  for (const row of readFileSync(file, 'utf8').trimEnd().split('\n')) log(row);

  // 2. In a spreadsheet: Edsger Dijkstra (0004) left; Active becomes FALSE.
  const edited = readFileSync(file, 'utf8')
    .split('\n')
    .map((row) => (row.startsWith('0004,') ? row.replace(/,TRUE$/, ',FALSE') : row))
    .join('\n');
  writeFileSync(file, edited);

  // 3. Dry run: what would each line do? Nothing is written.
  const plan = await planImport(ledger, { orgId: 'acme', input: file, targetTeam: 'Sales' });
  for (const line of plan.lines) log(`plan: line ${line.line} learner ${line.learnerId}: ${line.action}`);

  // 4. Import for the target team.
  const report = await importLearners(ledger, { orgId: 'acme', input: file, targetTeam: 'Sales' });
  log(`import ${report.importId}: ${report.status}, ${JSON.stringify(report.counts)} in ${report.appends} appends`);

  // 5. The same file again: recognised by its SHA-256, nothing is written.
  const again = await importLearners(ledger, { orgId: 'acme', input: file, targetTeam: 'Sales' });
  log(`same file again: ${again.status}, ${again.appends} appends`);

  const state = await stateOf(ledger, 'acme');
  log(`licenses: ${licenses(state)}`);
  return {
    plan: plan.lines.map((line) => [line.learnerId, line.action]),
    status: report.status,
    counts: report.counts,
    again: again.status,
    learner0004: { status: state.learners.get('0004')!.status, teams: state.learners.get('0004')!.teams },
    inUse: state.licensesInUse,
  };
}
