import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import {
  importDueAt,
  normalizeName,
  type Actor,
  type ImportFormat,
  type ImportOptions as RecordedOptions,
  type ImportRecord,
  type ImportSchedule,
  type Ledger,
  type OrganizationState,
} from '@learner-ledger/core';
import { applyBatch, planBatches, DEFAULT_BATCH_SIZE, type ApplyContext } from './apply.js';
import { lineKey, readRecordedImport } from './audit.js';
import type { FileFacts, ImportInput } from './encoding.js';
import { CsvFileError, type CsvImportError } from './errors.js';
import { matchHeader, type HeaderMap } from './headers.js';
import { readRecords } from './parse.js';
import { countLines, DEFAULT_THRESHOLD, Planner, type ImportCounts, type PlanEntry, type PlannedLine, type SafetyThreshold, type ThresholdCheck } from './plan.js';

/** Options of {@link importLearners} and {@link planImport}. */
export interface ImportLearnersOptions {
  readonly orgId: string;
  /** A file path, a readable stream or any async iterable of byte chunks. */
  readonly input: ImportInput;
  /** The name recorded in the audit; default: the base name of the path, else `upload.csv`. */
  readonly fileName?: string;
  /** `data-services` or `learner-page`; default: recognised from the header. */
  readonly format?: ImportFormat;
  /** The team the file is imported for (id or name, any letter case): new learners join it; the threshold and full sync are measured on it. */
  readonly targetTeam: string;
  /** Plan only: return what each line would do and write nothing at all. */
  readonly dryRun?: boolean;
  /** Apply the lines that can be, record the others as errors, instead of refusing the whole file. */
  readonly partial?: boolean;
  /** Also deactivate the target team's active learners that the file does not list. */
  readonly fullSync?: boolean;
  /** Apply even when the file deactivates more than the threshold allows. */
  readonly allowMassDeactivation?: boolean;
  /** The safety threshold; default 20% of the target team's active learners, checked from 10 deactivations. */
  readonly threshold?: Partial<SafetyThreshold>;
  /** `false`: deactivate without moving learners to the inactive team. Default `true` (the organization's policy). */
  readonly move?: boolean;
  /** `now` (default), or receive now and apply at the next `top-of-hour` or the `daily` import time. */
  readonly schedule?: ImportSchedule;
  /** Where a scheduled file is read again when due; default: the input path. */
  readonly location?: string;
  /** Who imports; default `{ kind: 'import', id: fileName }`. */
  readonly actor?: Actor;
  /** The instant of the import (ISO, UTC); default: the ledger's clock. */
  readonly now?: string;
  /** Operations per append; default 2000. */
  readonly batchSize?: number;
  /**
   * Which lines the report lists: `all` (default), `changes` (every line but the unchanged ones), `errors`, or
   * `none` — for very large files, to keep the report small. Counts and the audit in the log are complete either way.
   */
  readonly reportLines?: 'all' | 'changes' | 'errors' | 'none';
}

export type ImportStatus = 'planned' | 'applied' | 'rejected' | 'scheduled' | 'already-applied' | 'interrupted';

/** What an import did (or, for a dry run, would do): the shape `import --json` prints. */
export interface ImportReport {
  readonly importId: string;
  readonly orgId: string;
  readonly fileName: string;
  readonly format: ImportFormat | null;
  readonly targetTeamId: string | null;
  /** SHA-256 of the file's bytes ('' when the file could not be read to its end). */
  readonly sha256: string;
  readonly dryRun: boolean;
  /** True when the file's changes are in the ledger (now or by an earlier import of the same file). */
  readonly applied: boolean;
  readonly status: ImportStatus;
  /** For a scheduled import: when it becomes due. */
  readonly dueAt?: string;
  /** Data rows read (the header and empty lines excluded). */
  readonly rowCount: number;
  readonly counts: ImportCounts;
  /** One entry per line, in file order; full-sync deactivations (line 0) last. */
  readonly lines: readonly PlannedLine[];
  /** Why the file or its lines were refused: file, line, column, value, expected (line errors: the first 1000). */
  readonly errors: readonly CsvImportError[];
  /** Line errors beyond the first 1000, left out of `errors` (they are in `lines` and counted in `counts.errors`). */
  readonly omittedErrors?: number;
  readonly threshold?: ThresholdCheck;
  /** Appends written by this call. */
  readonly appends: number;
}


/** Line errors listed in a report's `errors` at most. */
export const MAX_LISTED_ERRORS = 1000;

const fileNameOf = (options: ImportLearnersOptions): string => options.fileName ?? (typeof options.input === 'string' ? basename(options.input) : 'upload.csv');

const recordedOptions = (options: ImportLearnersOptions): RecordedOptions => ({
  partial: options.partial ?? false,
  fullSync: options.fullSync ?? false,
  allowMassDeactivation: options.allowMassDeactivation ?? false,
  move: options.move ?? true,
});

/** The import id: derived from the organization, the file's bytes, the target team, the format and the options. */
export const deriveImportId = (orgId: string, sha256: string, targetTeamId: string, format: ImportFormat, options: RecordedOptions): string => {
  const digest = createHash('sha256')
    .update(JSON.stringify([orgId, sha256, targetTeamId, format, options.partial, options.fullSync, options.allowMassDeactivation, options.move]))
    .digest('hex');
  return `imp-${digest.slice(0, 24)}`;
};

const resolveTeam = (state: OrganizationState, team: string): { teamId: string } | { error: Omit<CsvImportError, 'file'> } => {
  const teamId = state.teams.has(team) ? team : state.teamIdsByName.get(normalizeName(team));
  if (teamId === undefined) {
    const names = [...state.teams.values()].map((t) => t.name);
    return { error: { code: 'UNKNOWN_TEAM', value: team, expected: `one of ${names.map((n) => JSON.stringify(n)).join(', ')}`, message: `Organization ${state.orgId} has no team ${JSON.stringify(team)}` } };
  }
  if (teamId === state.inactiveTeamId) {
    return { error: { code: 'INVALID_TARGET_TEAM', value: team, expected: 'a standard team', message: `The inactive team cannot be the target of an import: choose the team the learners belong to` } };
  }
  return { teamId };
};

interface Reading {
  header?: HeaderMap;
  planner?: Planner;
  facts: FileFacts;
  fileErrors: CsvImportError[];
}

/** Reads the whole file once, streaming, into a compact plan; structural problems end the reading. */
const readPlan = async (state: OrganizationState, options: ImportLearnersOptions, fileName: string, targetTeamId: string, now: string): Promise<Reading> => {
  const facts: FileFacts = { sha256: '', bytes: 0, encoding: 'utf-8', bom: false };
  const reading: Reading = { facts, fileErrors: [] };
  const fail = (error: Omit<CsvImportError, 'file'>) => reading.fileErrors.push({ ...error, file: fileName });
  try {
    for await (const record of readRecords(options.input, facts)) {
      if (reading.planner) {
        reading.planner.add(record);
        continue;
      }
      if (record.fields.every((f) => f.trim() === '')) continue; // blank lines before the header
      const matched = matchHeader(record.fields.map((f, i) => (i === 0 && record.line === 1 ? f.replace(/^\ufeff/, '') : f)), options.format);
      if ('errors' in matched) {
        matched.errors.forEach((e) => fail({ ...e, line: record.line }));
        return reading;
      }
      reading.header = matched.header;
      reading.planner = new Planner(state, matched.header, { fileName, targetTeamId, now, move: options.move ?? true });
    }
  } catch (error) {
    if (!(error instanceof CsvFileError)) throw error;
    // Parsing runs ahead of planning: the header may not have been planned yet when the error surfaced.
    const header = reading.header ?? (error.headerCells ? matchHeader(error.headerCells, options.format) : undefined);
    const names = header && 'header' in header ? header.header.names : reading.header?.names;
    const column = error.fieldIndex !== undefined ? names?.[error.fieldIndex] : undefined;
    fail({ ...error.detail, ...(column !== undefined && error.detail.column === undefined ? { column } : {}) });
    return reading;
  }
  if (!reading.header) {
    fail(
      facts.bytes === 0
        ? { code: 'EMPTY_FILE', message: 'The file is empty', expected: 'a header line and at least one learner' }
        : { code: 'EMPTY_FILE', line: 1, message: 'The file holds only blank lines', expected: 'a header line and at least one learner' },
    );
  } else if (reading.planner!.entries.every((e) => e.action === 'skipped')) {
    fail({ code: 'HEADER_ONLY', line: 1, message: 'The file has a header but no learners', expected: 'at least one learner row after the header' });
  }
  return reading;
};

const emptyReport = (fields: Pick<ImportReport, 'orgId' | 'fileName' | 'dryRun'> & Partial<ImportReport>): ImportReport => ({
  importId: '',
  format: null,
  targetTeamId: null,
  sha256: '',
  applied: false,
  status: fields.dryRun ? 'planned' : 'rejected',
  rowCount: 0,
  counts: countLines([]),
  lines: [],
  errors: [],
  appends: 0,
  ...fields,
});

/** A line for the report: the plan entry without its operations. */
const publicLine = (entry: PlannedLine): PlannedLine => ({
  line: entry.line,
  learnerId: entry.learnerId,
  action: entry.action,
  ...(entry.error ? { error: entry.error } : {}),
  ...(entry.message !== undefined ? { message: entry.message } : {}),
});

const toCoreCounts = (counts: ImportCounts) => ({ ...counts });

/**
 * The import: read and check the whole file, plan every line against the
 * organization, then (unless refused, dry or scheduled) apply the plan in
 * batches between `ImportReceived` and `ImportApplied`. `received` is the
 * recorded import when a due scheduled import is processed.
 */
export const runImport = async (ledger: Ledger, options: ImportLearnersOptions, received?: ImportRecord): Promise<ImportReport> => {
  const now = options.now ?? ledger.now();
  const fileName = received?.fileName ?? fileNameOf(options);
  const dryRun = options.dryRun ?? false;
  const base = { orgId: options.orgId, fileName, dryRun };
  const loaded = await ledger.state(options.orgId);
  if (E.isLeft(loaded) || !loaded.right.exists) {
    const message = E.isLeft(loaded) ? loaded.left.message : `Organization ${options.orgId} does not exist`;
    return emptyReport({ ...base, errors: [{ code: 'ORGANIZATION_NOT_FOUND', file: fileName, message }] });
  }
  const state = loaded.right;
  const schedule = options.schedule ?? 'now';
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    return emptyReport({ ...base, errors: [{ code: 'INVALID_OPTION', file: fileName, value: String(batchSize), message: 'batchSize must be a whole number ≥ 1' }] });
  }
  const location = options.location ?? (typeof options.input === 'string' ? options.input : undefined);
  if (schedule !== 'now' && !received && location === undefined) {
    return emptyReport({ ...base, errors: [{ code: 'LOCATION_REQUIRED', file: fileName, message: 'A scheduled import needs the file path (input as a path, or location) to read it again when due' }] });
  }
  const team = resolveTeam(state, options.targetTeam);
  if ('error' in team) return emptyReport({ ...base, errors: [{ ...team.error, file: fileName }] });
  const targetTeamId = team.teamId;

  const reading = await readPlan(state, options, fileName, targetTeamId, now);
  const planner = reading.planner;
  const fileErrors = reading.fileErrors;
  const format = reading.header?.format ?? options.format ?? null;
  const opts = recordedOptions(options);
  let threshold: ThresholdCheck | undefined;
  if (planner && fileErrors.length === 0) {
    if (opts.fullSync) planner.addFullSync();
    planner.settleSeats();
    threshold = planner.checkThreshold({ ...DEFAULT_THRESHOLD, ...options.threshold }, opts.allowMassDeactivation);
    if (threshold.exceeded && !opts.allowMassDeactivation) {
      const percent = (threshold.share * 100).toFixed(1);
      fileErrors.push({
        code: 'MASS_DEACTIVATION',
        file: fileName,
        value: `${threshold.deactivations} deactivations`,
        expected: `at most ${Math.round(threshold.limit.share * 100)}% of the ${threshold.activeInTargetTeam} active learners of the target team, or allowMassDeactivation`,
        message: `The file would deactivate ${threshold.deactivations} learners, ${percent}% of the ${threshold.activeInTargetTeam} active learners of team ${state.teams.get(targetTeamId)!.name} (the limit is ${Math.round(threshold.limit.share * 100)}% from ${threshold.limit.minimum} deactivations): refused — check that the file is complete and meant for this team, or allow a mass deactivation explicitly`,
      });
    }
  }
  if (received && reading.facts.sha256 !== '' && reading.facts.sha256 !== received.sha256) {
    fileErrors.push({ code: 'FILE_CHANGED', file: fileName, value: reading.facts.sha256, expected: received.sha256, message: `The file changed since it was received (SHA-256 ${received.sha256.slice(0, 12)}… then, ${reading.facts.sha256.slice(0, 12)}… now): refused` });
  }
  const entries: PlanEntry[] = planner?.entries ?? [];
  const rowErrors = planner ? planner.lineErrors() : [];
  // Every line error is in `lines`; the list of errors keeps the first MAX_LISTED_ERRORS (a wrong file may have a million).
  const errors = [...fileErrors, ...rowErrors.slice(0, MAX_LISTED_ERRORS)];
  const omittedErrors = Math.max(0, rowErrors.length - MAX_LISTED_ERRORS);
  const refused = fileErrors.length > 0 || (rowErrors.length > 0 && !opts.partial);

  // The import id, and what the log already knows of it.
  let importId = received?.importId ?? '';
  let record = received;
  if (!received && format && reading.facts.sha256 !== '') {
    const derived = deriveImportId(options.orgId, reading.facts.sha256, targetTeamId, format, opts);
    for (let attempt = 1; ; attempt++) {
      importId = attempt === 1 ? derived : `${derived}-${attempt}`;
      record = state.imports.get(importId);
      if (!record || record.status !== 'rejected') break;
    }
  }
  const which = options.reportLines ?? 'all';
  const reported = (lines: readonly PlannedLine[]): PlannedLine[] => {
    if (which === 'none') return [];
    const kept = which === 'all' ? lines : lines.filter((l) => (which === 'errors' ? l.action === 'error' : l.action !== 'unchanged'));
    return kept.map(publicLine);
  };
  const report = (status: ImportStatus, extra: Partial<ImportReport> = {}): ImportReport => ({
    importId,
    orgId: options.orgId,
    fileName,
    format,
    targetTeamId,
    sha256: reading.facts.sha256,
    dryRun,
    applied: status === 'applied' || status === 'already-applied',
    status,
    rowCount: planner?.rowCount ?? 0,
    counts: countLines(entries),
    lines: reported(entries),
    errors,
    ...(threshold ? { threshold } : {}),
    ...(omittedErrors > 0 ? { omittedErrors } : {}),
    appends: 0,
    ...extra,
  });

  if (dryRun) return report('planned');
  if (record?.status === 'applied') {
    const earlier = await readRecordedImport(ledger, options.orgId, importId);
    const lines = earlier.lines.map((l) => publicLine({ line: l.line, learnerId: l.learnerId, action: l.action, ...(l.action === 'error' ? { error: { code: l.code ?? 'ERROR', ...(l.column !== undefined ? { column: l.column } : {}), message: l.message ?? '' } } : l.message !== undefined ? { message: l.message } : {}) }));
    return report('already-applied', { lines: reported(lines), counts: countLines(lines), errors: [] });
  }
  if (record?.status === 'received' && !received && record.schedule !== 'now' && Date.parse(record.dueAt) > Date.parse(now)) {
    return report('scheduled', { dueAt: record.dueAt });
  }

  const actor = options.actor ?? { kind: 'import' as const, id: fileName };
  const context: ApplyContext = { orgId: options.orgId, importId, fileName, format: format ?? 'data-services', actor, now, partial: opts.partial };
  const commandContext = (suffix: string) => ({ commandId: `${importId}:${suffix}`, actor, channel: context.format, importId, fileName, now });
  let appends = 0;
  const finish = async (outcome: { applied: true } | { applied: false; code: string; message: string }): Promise<ImportReport> => {
    const counts = countLines(entries);
    const result = await ledger.execute(
      {
        type: 'FinishImport',
        orgId: options.orgId,
        importId,
        sha256: record!.sha256,
        outcome: outcome.applied ? { applied: true, counts: toCoreCounts(counts) } : { applied: false, code: outcome.code, message: outcome.message, counts: toCoreCounts(counts) },
      },
      commandContext(outcome.applied ? 'applied' : 'rejected'),
    );
    if (E.isLeft(result)) return report('interrupted', { appends, errors: [...errors, { code: result.left.code, file: fileName, message: result.left.message }] });
    if (result.right.status === 'applied') appends++;
    return report(outcome.applied ? 'applied' : 'rejected', { appends });
  };

  if (refused) {
    // A file refused before anything was received writes nothing; a received (scheduled or interrupted) import is closed as rejected.
    if (record?.status !== 'received') return report('rejected');
    // An unreadable file (a share not mounted yet) may be readable at the next run: the import stays received.
    if (fileErrors.some((e) => e.code === 'FILE_UNREADABLE')) return report('interrupted');
    const first = errors[0]!;
    return finish({ applied: false, code: first.code, message: `${errors.length} error${errors.length === 1 ? '' : 's'}; first: ${first.line !== undefined ? `line ${first.line}: ` : ''}${first.message}` });
  }
  if (!format || reading.facts.sha256 === '') return report('rejected');

  const resuming = record !== undefined;
  if (!record) {
    const dueAt = importDueAt(schedule, now, state.timeZone, state.dailyImportTime);
    const receivedResult = await ledger.execute(
      {
        type: 'RecordImportReceived',
        orgId: options.orgId,
        importId,
        fileName,
        sha256: reading.facts.sha256,
        format,
        targetTeamId,
        rowCount: planner!.rowCount,
        schedule,
        dueAt,
        options: opts,
        ...(location !== undefined ? { location } : {}),
      },
      commandContext('received'),
    );
    if (E.isLeft(receivedResult)) return report('interrupted', { errors: [...errors, { code: receivedResult.left.code, file: fileName, message: receivedResult.left.message }] });
    appends++;
    record = { importId, fileName, sha256: reading.facts.sha256, format, targetTeamId, schedule, dueAt, options: opts, rowCount: planner!.rowCount, status: 'received', ...(location !== undefined ? { location } : {}) };
    if (schedule !== 'now') return report('scheduled', { dueAt, appends });
  }

  // Resume: lines the log already records for this import are not written again (a new import has none).
  const recorded = resuming ? await readRecordedImport(ledger, options.orgId, importId) : { lines: [] };
  const done = new Map(recorded.lines.map((l) => [lineKey(l.line, l.learnerId), l] as const));
  const pending: PlanEntry[] = [];
  for (const entry of entries) {
    const earlier = done.get(lineKey(entry.line, entry.learnerId));
    if (!earlier) {
      pending.push(entry);
      continue;
    }
    entry.action = earlier.action;
    delete entry.ops;
    delete entry.error;
    delete entry.message;
    if (earlier.action === 'error') entry.error = { code: earlier.code ?? 'ERROR', ...(earlier.column !== undefined ? { column: earlier.column } : {}), message: earlier.message ?? '' };
    else if (earlier.message !== undefined) entry.message = earlier.message;
  }
  for (const batch of planBatches(importId, pending, batchSize)) {
    const applied = await applyBatch(ledger, batch, context);
    if (E.isLeft(applied)) {
      const error = applied.left;
      if (error.code === 'STORE_FAILURE' || error.code === 'CONCURRENCY_CONFLICT' || error.code === 'EVENT_DECODE_FAILED') {
        return report('interrupted', { appends, errors: [...errors, { code: error.code, file: fileName, message: `${error.message}; the import ${importId} can be run again and resumes where it stopped` }] });
      }
      const lineErrors = (error.errors ?? [error]).map((e) => ({ code: e.code, file: fileName, ...(e.line !== undefined ? { line: e.line } : {}), message: e.message }));
      errors.push(...lineErrors);
      return finish({ applied: false, code: error.code, message: `The ledger refused a batch (the organization changed since the file was checked): ${error.message}` });
    }
    if (applied.right.appended) appends++;
  }
  return finish({ applied: true });
};
