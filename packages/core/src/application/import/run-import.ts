import * as E from 'fp-ts/lib/Either.js';
import type { Ledger } from '../../ledger/ledger.js';
import { applyInBatches } from './apply.js';
import { planBatches, DEFAULT_BATCH_SIZE } from './batches.js';
import { checkPlan } from './check.js';
import type { ImportContext } from './context.js';
import type { ImportError } from './errors.js';
import { finishImport, type ImportEnd } from './finish.js';
import { deriveImportId, importIdentity } from './import-id.js';
import { recordedOptions, type ImportReport, type RunImportOptions } from './options.js';
import { countLines } from './plan.js';
import { PlanLines } from './plan-lines.js';
import { readRows } from './read.js';
import { readRecordedImport } from './recorded.js';
import { receiveImport } from './receive.js';
import { countsOf, listedLines, recordedLine, refusedBeforeReading, reportOf, listedErrors, type ReportBasis } from './report.js';
import { resumeFromRecordedLines } from './resume.js';
import { resolveTargetTeam } from './target-team.js';
import { checkThreshold, massDeactivation, DEFAULT_THRESHOLD, type ThresholdCheck } from './threshold.js';

/** Failures of the store rather than refusals of the file: the import stays open and resumes when run again. */
const INTERRUPTING = new Set(['STORE_FAILURE', 'CONCURRENCY_CONFLICT', 'EVENT_DECODE_FAILED']);

/**
 * The import of one learner file, in steps: resolve the target team, read and
 * plan the rows, check the plan against the decider (and the safety
 * threshold) — all before anything is written — then, unless refused, dry or
 * queued: record the file as received, skip the lines an earlier run
 * recorded, apply the rest in batches, and record how it ended. Never throws
 * for a bad file: the report says what was refused.
 */
export const runImport = async <C extends string = never>(ledger: Ledger, options: RunImportOptions<C>): Promise<ImportReport<C>> => {
  const { orgId, source, received, onProgress } = options;
  const now = options.now ?? ledger.now();
  const fileName = received?.fileName ?? source.fileName;
  const dryRun = options.dryRun ?? false;
  const refuse = (error: Omit<ImportError<C>, 'file'>) => refusedBeforeReading<C>({ orgId, fileName, dryRun }, { ...error, file: fileName });

  // The organization, the options and the target team.
  const loaded = await ledger.state(orgId);
  if (E.isLeft(loaded) || !loaded.right.exists) {
    return refuse({ code: 'ORGANIZATION_NOT_FOUND', message: E.isLeft(loaded) ? loaded.left.message : `Organization ${orgId} does not exist` });
  }
  const state = loaded.right;
  const schedule = options.schedule ?? 'now';
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) return refuse({ code: 'INVALID_OPTION', value: String(batchSize), message: 'batchSize must be a whole number ≥ 1' });
  if (schedule !== 'now' && !received && options.location === undefined) {
    return refuse({ code: 'LOCATION_REQUIRED', message: 'A queued import needs the location of its file, to read it again when due' });
  }
  const team = resolveTargetTeam<C>(state, options.targetTeam);
  if ('error' in team) return refuse(team.error);
  const { teamId: targetTeamId } = team;
  const opts = recordedOptions(options);

  // Read and plan the rows; then check the plan against the decider and the threshold.
  const reading = await readRows(source, { state, targetTeamId, now, move: opts.move, matchMangledIds: opts.matchMangledIds === true }, onProgress);
  const { planner, facts, format, columns } = reading;
  const fileErrors: ImportError<C>[] = reading.fileErrors.map((error) => ({ ...error, file: fileName }));
  const identity = received
    ? { importId: received.importId, record: received }
    : format && facts.sha256 !== '' ? importIdentity(state, deriveImportId(orgId, facts.sha256, targetTeamId, format, opts)) : { importId: '' };
  const { importId } = identity;
  let record = identity.record;
  let threshold: ThresholdCheck | undefined;
  if (planner && columns && fileErrors.length === 0) {
    if (opts.fullSync) planner.addFullSync();
    checkPlan(planner.entries, { state, importId, now, columns, batchSize, ...(onProgress ? { onProgress } : {}) });
    threshold = checkThreshold(state, targetTeamId, planner.entries, { ...DEFAULT_THRESHOLD, ...options.threshold }, opts.allowMassDeactivation);
    if (threshold.exceeded && !opts.allowMassDeactivation) fileErrors.push({ ...massDeactivation<C>(threshold, state.teams.get(targetTeamId)!.name), file: fileName });
  }
  if (received && facts.sha256 !== '' && facts.sha256 !== received.sha256) {
    fileErrors.push({
      code: 'FILE_CHANGED',
      file: fileName,
      value: facts.sha256,
      expected: received.sha256,
      message: `The file changed since it was received (SHA-256 ${received.sha256.slice(0, 12)}… then, ${facts.sha256.slice(0, 12)}… now)`,
    });
  }
  const entries = planner?.entries ?? new PlanLines<C>();
  const listed = listedErrors(fileName, fileErrors, entries);
  const errors = listed.errors;
  const refused = fileErrors.length > 0 || (listed.lineErrors > 0 && !opts.partial);
  const basis: ReportBasis<C> = {
    orgId, fileName, dryRun, importId, format, targetTeamId, sha256: facts.sha256, rowCount: planner?.rowCount ?? 0, entries, errors,
    omittedErrors: listed.omitted, ...(threshold ? { threshold } : {}), reportLines: options.reportLines ?? 'all',
  };

  // What the log already knows of this import.
  if (dryRun) return reportOf(basis, 'planned');
  if (record?.status === 'applied') {
    const earlier = (await readRecordedImport(ledger, orgId, importId)).lines.map(recordedLine);
    return reportOf(basis, 'already-applied', { lines: listedLines(earlier, basis.reportLines), counts: countLines(earlier), errors: [] });
  }
  if (record?.status === 'received' && !received && record.schedule !== 'now' && Date.parse(record.dueAt) > Date.parse(now)) {
    return reportOf(basis, 'scheduled', { dueAt: record.dueAt });
  }

  const context: ImportContext = { orgId, importId, fileName, format: format ?? 'data-services', actor: options.actor ?? { kind: 'import', id: fileName }, now, partial: opts.partial };
  let appends = 0;
  const finish = async (end: ImportEnd): Promise<ImportReport<C>> => {
    onProgress?.({ stage: 'finishing' });
    const finished = await finishImport(ledger, context, record!.sha256, end, countsOf(basis));
    if (E.isLeft(finished)) return reportOf(basis, 'interrupted', { appends, errors: [...errors, { code: finished.left.code, file: fileName, message: finished.left.message }] });
    if (finished.right) appends++;
    return reportOf(basis, end.applied ? 'applied' : 'rejected', { appends });
  };

  if (refused) {
    // A file refused before anything was received writes nothing; a received (queued or interrupted) import is closed as rejected.
    if (record?.status !== 'received') return reportOf(basis, 'rejected');
    // An unreadable file (a share not mounted yet) may be readable at the next run: the import stays received.
    if (fileErrors.some((e) => e.code === 'FILE_UNREADABLE')) return reportOf(basis, 'interrupted');
    const first = errors[0]!;
    return finish({ applied: false, code: first.code, message: `${errors.length} error${errors.length === 1 ? '' : 's'}; first: ${first.line !== undefined ? `line ${first.line}: ` : ''}${first.message}` });
  }
  if (!format || !columns || facts.sha256 === '') return reportOf(basis, 'rejected');

  // Receive, resume, apply in batches, finish.
  const resuming = record !== undefined;
  if (!record) {
    const receipt = await receiveImport(ledger, context, state, {
      sha256: facts.sha256, targetTeamId, rowCount: basis.rowCount, schedule, options: opts, ...(options.location !== undefined ? { location: options.location } : {}),
    });
    if (E.isLeft(receipt)) return reportOf(basis, 'interrupted', { errors: [...errors, { code: receipt.left.code, file: fileName, message: receipt.left.message }] });
    appends++;
    record = receipt.right;
    if (schedule !== 'now') return reportOf(basis, 'scheduled', { dueAt: record.dueAt, appends });
  }
  let pending = entries;
  if (resuming) {
    const resumed = await resumeFromRecordedLines(ledger, orgId, importId, entries);
    basis.recorded = resumed.recorded;
    pending = resumed.pending;
  }
  const applied = await applyInBatches(ledger, planBatches(importId, pending, batchSize), context, { state, columns }, onProgress);
  appends += applied.appends;
  const stop = applied.stoppedBy;
  if (!stop) return finish({ applied: true });
  if (INTERRUPTING.has(stop.code)) {
    return reportOf(basis, 'interrupted', { appends, errors: [...errors, { code: stop.code, file: fileName, message: `${stop.message}; the import ${importId} can be run again and resumes where it stopped` }] });
  }
  errors.push(...(stop.errors ?? [stop]).map((e): ImportError<C> => ({ code: e.code, file: fileName, ...(e.line !== undefined ? { line: e.line } : {}), message: e.message })));
  return finish({ applied: false, code: stop.code, message: `The ledger refused a batch (the organization changed since the file was checked): ${stop.message}` });
};
