import { processDue } from '@learner-ledger/core';
import { csvAdapter } from '../adapters.js';
import { isoInstant } from '../parsing.js';
import { plural, table } from '../output.js';
import { dueProgress } from '../progress.js';
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
        const { csvLearnerFile } = await csvAdapter();
        const progress = dueProgress(session.io, { json: session.json });
        let work;
        try {
          progress.stage('Looking for due work');
          work = await processDue(await session.ledger(), {
            now,
            // A queued file is read again from the path it was received from.
            openSource: (location, record) => csvLearnerFile(location, { fileName: record.fileName, format: record.format }),
            onProgress: progress.onProgress,
          });
        } finally {
          progress.finish();
        }
        const deactivations = work.deactivations.map((d) => ({ orgId: d.orgId, scheduleId: d.scheduleId, deactivated: [...d.deactivated], skipped: [...d.skipped] }));
        const imports = work.imports.map((r) => ({
          orgId: r.orgId,
          importId: r.importId,
          fileName: r.fileName,
          status: r.status,
          applied: r.applied,
          counts: r.counts,
          ...(r.errors.length > 0 ? { errors: r.errors } : {}),
        }));
        const failures = work.failures.map((f) => ({ orgId: f.orgId, code: f.error.code, message: f.error.message }));
        const rows = deactivations.map((d) => [d.orgId, d.scheduleId, d.deactivated.join(', ') || '-', d.skipped.join(', ') || '-']);
        const importRows = imports.map((i) => [i.orgId, i.importId, i.fileName, i.status, `${i.counts.deactivated} deactivated, ${i.counts.registered} registered, ${i.counts.reactivated} reactivated, ${i.counts.errors} errors`]);
        const interrupted = imports.find((i) => i.status === 'interrupted');
        const failed = failures[0];
        return {
          json: { now, deactivations, imports, ...(failures.length > 0 ? { failures } : {}) },
          text:
            `Processed due work at ${now}: ${plural(deactivations.length, 'scheduled deactivation')}, ${plural(imports.length, 'queued import')}.\n` +
            (rows.length ? table(rows, ['organization', 'schedule', 'deactivated', 'skipped (already inactive or gone)']) : '') +
            (importRows.length ? table(importRows, ['organization', 'import', 'file', 'status', 'counts']) : ''),
          ...(failed
            ? { failure: { code: failed.code, message: `The scheduled deactivations of ${failed.orgId} could not run: ${failed.message}; the next process-due run tries them again` } }
            : interrupted
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
      }, { bulkWrites: true }),
    );
};
