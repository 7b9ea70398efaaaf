/**
 * The Learner page path: Import / Export Learners. The administrator exports
 * the learners, fills the import template — `Active` set to `False` for one
 * learner, a new learner added — and imports it for a chosen team (Support):
 * the new learner joins that team, the deactivated one moves to the Inactive
 * Learners team. A template with a typo in `Active` is refused as a whole,
 * naming the line, the column and the value, before anything is written.
 */
import { PassThrough, Readable } from 'node:stream';
import { createLedger, InMemoryEventStore, type EventStore } from '@learner-ledger/core';
import { exportLearners, importLearners } from '@learner-ledger/csv';
import { licenses, onboardAcme, stateOf } from './sample-organization.js';

const asInput = (text: string) => Readable.from([Buffer.from(text, 'utf8')]);

export async function main(log: (line: string) => void = console.log, store: EventStore = new InMemoryEventStore()) {
  const ledger = createLedger({ store });
  await onboardAcme(ledger);

  // 1. Export the learners (the Learner page format), here into memory.
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  await exportLearners(ledger, { orgId: 'acme', format: 'learner-page', output });
  const exported = Buffer.concat(chunks).toString('utf8');
  log(exported.trimEnd());

  // 2. The template: Grace Hopper (0003) is deactivated, Barbara Liskov joins.
  const rows = exported.trimEnd().split('\n');
  const template = [
    rows[0],
    ...rows.slice(1).map((row) => (row.startsWith('0003,') ? row.replace(/,TRUE$/, ',False') : row)),
    '0005,Barbara,Liskov,barbara@acme.test,E-0005,Support,True',
  ].join('\r\n');

  // 3. A typo first: "Flase" is refused with its line, column and value; nothing is written.
  const typo = await importLearners(ledger, { orgId: 'acme', input: asInput(template.replace(',False', ',Flase')), fileName: 'template.csv', targetTeam: 'Support' });
  const error = typo.errors[0]!;
  log(`refused: ${error.code} at line ${error.line}, column ${error.column}: ${error.message}`);

  // 4. The corrected template, imported for the Support team.
  const report = await importLearners(ledger, { orgId: 'acme', input: asInput(template), fileName: 'template.csv', targetTeam: 'Support' });
  for (const line of report.lines) if (line.action !== 'unchanged') log(`line ${line.line} learner ${line.learnerId}: ${line.action}`);

  const state = await stateOf(ledger, 'acme');
  log(`licenses: ${licenses(state)}`);
  return {
    refused: { code: error.code, line: error.line, column: error.column, value: error.value },
    format: report.format,
    changes: report.lines.filter((line) => line.action !== 'unchanged').map((line) => [line.line, line.learnerId, line.action]),
    teams: { '0003': state.learners.get('0003')!.teams, '0005': state.learners.get('0005')!.teams },
    inUse: state.licensesInUse,
  };
}
