import { listOrganizationIds } from '@learner-ledger/core';
import { processDueImports } from '@learner-ledger/csv';
import { isoInstant } from '../parsing.js';
import { plural, table } from '../output.js';
import { effectsOf } from './results.js';
import type { Register } from './action.js';

/** `process-due`: the scheduled work of every organization that is due. */
export const registerProcessDueCommand: Register = (program, action) => {
  program
    .command('process-due')
    .description('apply scheduled deactivations and queued imports that are due (run it from cron, e.g. every few minutes)')
    .option('--now <ISO instant>', 'treat this instant as now (default: the clock)', isoInstant)
    .action(
      action(async (session, _args, options) => {
        const now: string = options.now ?? session.now();
        const store = await session.store();
        const deactivations: { orgId: string; scheduleId: string; deactivated: string[]; skipped: string[] }[] = [];
        for (const orgId of await listOrganizationIds(store)) {
          const result = await session.execute({ type: 'ProcessDueDeactivations', orgId }, { now, actor: { kind: 'system', id: 'scheduler' } });
          for (const outcome of result.outcomes) {
            if (outcome.action !== 'complete-schedule') continue;
            const { deactivated = [], skipped = [] } = effectsOf(outcome);
            deactivations.push({ orgId, scheduleId: outcome.subject, deactivated: [...deactivated], skipped: [...skipped] });
          }
        }
        const reports = await processDueImports(await session.ledger(), { now });
        const imports = reports.map((r) => ({
          orgId: r.orgId,
          importId: r.importId,
          fileName: r.fileName,
          status: r.status,
          applied: r.applied,
          counts: r.counts,
          ...(r.errors.length > 0 ? { errors: r.errors } : {}),
        }));
        const rows = deactivations.map((d) => [d.orgId, d.scheduleId, d.deactivated.join(', ') || '-', d.skipped.join(', ') || '-']);
        const importRows = imports.map((i) => [i.orgId, i.importId, i.fileName, i.status, `${i.counts.deactivated} deactivated, ${i.counts.registered} registered, ${i.counts.reactivated} reactivated, ${i.counts.errors} errors`]);
        const interrupted = imports.find((i) => i.status === 'interrupted');
        return {
          json: { now, deactivations, imports },
          text:
            `Processed due work at ${now}: ${plural(deactivations.length, 'scheduled deactivation')}, ${plural(imports.length, 'queued import')}.\n` +
            (rows.length ? table(rows, ['organization', 'schedule', 'deactivated', 'skipped (already inactive or gone)']) : '') +
            (importRows.length ? table(importRows, ['organization', 'import', 'file', 'status', 'counts']) : ''),
          ...(interrupted
            ? {
                failure: {
                  code: interrupted.errors?.[0]?.code ?? 'IMPORT_INTERRUPTED',
                  message:
                    `Import ${interrupted.importId} (${interrupted.fileName}) of ${interrupted.orgId} did not finish` +
                    `${interrupted.errors?.[0] ? `: ${interrupted.errors[0].message}` : ''}; it stays queued and the next process-due run tries it again`,
                },
              }
            : {}),
        };
      }),
    );
};
