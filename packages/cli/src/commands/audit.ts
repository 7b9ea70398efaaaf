import type { AuditEntry } from '@learner-ledger/projections';
import { auditTrailForImport, auditTrailForLearner } from '@learner-ledger/projections';
import { CliError } from '../errors.js';
import { table } from '../output.js';
import { answer, localTime, timeZoneOf } from './report.js';
import type { Register } from './action.js';
import { registerChainCommands } from './audit-chain.js';

const entriesText = (title: string, entries: readonly AuditEntry[], timeZone: string): string =>
  `${title}\n` +
  table(
    entries.map((e) => [
      String(e.globalPosition),
      localTime(e.occurredAt, timeZone),
      e.type,
      `${e.actor.kind}:${e.actor.id}`,
      e.channel,
      e.fileName !== undefined || e.importId !== undefined ? `${e.fileName ?? e.importId}${e.line !== undefined ? `:${e.line}` : ''}` : '',
      e.summary,
    ]),
    ['position', 'when', 'event', 'actor', 'channel', 'file:line', 'what'],
  );

/** `audit learner`, `audit import`. */
export const registerAuditCommands: Register = (program, action) => {
  const audit = program.command('audit').description('every event about a learner or an import, with actor, channel, file and line; the hash chain of an organization (digest, verify, prove)');
  registerChainCommands(audit, action);

  audit
    .command('learner')
    .description('why did this learner lose (or get) a license, who did it, through which channel, file and line')
    .argument('<orgId>', 'organization id')
    .argument('<learnerId>', 'learner id')
    .action(
      action(async (session, [orgId, learnerId]) => {
        const trail = answer(await auditTrailForLearner(await session.store(), orgId, learnerId, { clock: () => session.now() }));
        if (trail.entries.length === 0 && !(await session.organization(orgId)).learners.has(learnerId)) {
          throw new CliError('LEARNER_NOT_FOUND', `Learner ${JSON.stringify(learnerId)} is not a learner of organization ${orgId}`);
        }
        return { json: trail, text: session.json ? '' : entriesText(`Audit trail of learner ${learnerId} in ${orgId}:`, trail.entries, await timeZoneOf(session, orgId)) };
      }),
    );

  audit
    .command('import')
    .description('what an import did: received, each line, the changes it caused, applied or rejected')
    .argument('<orgId>', 'organization id')
    .argument('<importId>', 'import id (printed by the import command)')
    .action(
      action(async (session, [orgId, importId]) => {
        const trail = answer(await auditTrailForImport(await session.store(), orgId, importId, { clock: () => session.now() }));
        if (trail.entries.length === 0 && !(await session.organization(orgId)).imports.has(importId)) {
          throw new CliError('IMPORT_NOT_FOUND', `No import ${JSON.stringify(importId)} was received for organization ${orgId}`);
        }
        return { json: trail, text: session.json ? '' : entriesText(`Audit trail of import ${importId} in ${orgId}:`, trail.entries, await timeZoneOf(session, orgId)) };
      }),
    );
};
