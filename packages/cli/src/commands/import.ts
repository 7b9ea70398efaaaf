import * as fs from 'node:fs';
import * as path from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Option } from 'commander';
import { normalizeName, type ImportFormat, type ImportSchedule, type OrganizationState, type ReportLines } from '@learner-ledger/core';
import type { CsvImportError, ImportReport, LearnerFileType } from '@learner-ledger/csv';
import { csvAdapter } from '../adapters.js';
import { CliError } from '../errors.js';
import { plural, table } from '../output.js';
import { importProgress, progressBar } from '../progress.js';
import type { CliIo } from '../io.js';
import type { Register } from './action.js';

/** Whether a report's errors refuse the file (rather than being recorded lines of a partial import). */
export const importRefused = (report: ImportReport, partial: boolean, refusesFile: (error: CsvImportError) => boolean): boolean =>
  report.status === 'rejected' || report.status === 'interrupted' || report.errors.some(refusesFile) || (!partial && report.errors.length > 0);

/**
 * Where an error is: `sales.csv:3 column "Active"`, or without the file name
 * (`line 3, column "Active"`) inside a report that has named it already. The
 * library's messages say what is wrong and leave the place to these fields.
 */
const where = (e: ImportReport['errors'][number], withFile = true): string => {
  const line = e.line !== undefined && e.line > 0 ? e.line : undefined;
  const column = e.column !== undefined ? `column "${e.column}"` : undefined;
  if (withFile) return `${e.file}${line !== undefined ? `:${line}` : ''}${column !== undefined ? ` ${column}` : ''}`;
  return [line !== undefined ? `line ${line}` : undefined, column].filter((part) => part !== undefined).join(', ');
};

/** The import report for people: what happened, the counts, the lines that change something, the errors. */
export const importText = (report: ImportReport, teamName: string, options: { maxLines?: number } = {}): string => {
  const maxLines = options.maxLines ?? 50;
  const c = report.counts;
  const verdict =
    report.dryRun ? 'dry run, nothing written'
    : report.status === 'already-applied' ? 'already applied earlier: nothing new was written'
    : report.status === 'scheduled' ? `received, scheduled for ${report.dueAt}`
    : report.status;
  const lines: string[] = [
    `Import ${report.importId || '(not recorded)'} of ${report.fileName} (${report.format ?? 'unknown format'}) into team ${teamName}: ${verdict}.`,
    `  ${plural(report.rowCount, 'row')}: registered ${c.registered}, deactivated ${c.deactivated}, reactivated ${c.reactivated}, updated ${c.updated}, scheduled ${c.scheduled}, unchanged ${c.unchanged}, skipped ${c.skipped}, errors ${c.errors}`,
  ];
  // A line matched to its learner despite ids a spreadsheet changed is shown even when it changes nothing.
  const changing = report.lines.filter((l) => (l.action !== 'unchanged' || l.matched !== undefined) && l.action !== 'error');
  if (changing.length > 0) {
    if (!report.applied) lines.push(report.status === 'scheduled' ? '  when due, it will:' : '  the plan (nothing of it was applied):');
    lines.push(
      table(
        changing.slice(0, maxLines).map((l) => [l.line === 0 ? 'not in file' : `line ${l.line}`, l.learnerId, l.action, l.message ?? '']),
      ).replace(/^(?=.)/gm, '  ').trimEnd(),
    );
    if (changing.length > maxLines) lines.push(`  … ${changing.length - maxLines} more (use --json for every line)`);
  }
  for (const e of report.errors.slice(0, maxLines)) {
    const place = where(e, false);
    lines.push(`  error ${e.code}${place !== '' ? ` at ${place}` : ''}: ${e.message}`);
  }
  const omitted = report.omittedErrors ?? 0;
  const more = Math.max(0, report.errors.length - maxLines) + omitted;
  if (more > 0) lines.push(`  … ${more} more errors${omitted > 0 ? '' : ' (use --json for all)'}`);
  return lines.join('\n') + '\n';
};

/** The `import --json` document: the library's import report as it is (fields may be added, never removed). */
export const importJson = (report: ImportReport): ImportReport => report;

/**
 * The refusal of an import as a one-line message: the first error, or, when
 * the report printed above already lists the errors (`listed`), only where
 * the first one is; and whether anything was changed.
 */
export const importFailure = (report: ImportReport, options: { listed?: boolean } = {}): { code: string; message: string } => {
  const first = report.errors[0];
  if (!first) return { code: 'IMPORT_REFUSED', message: `Import of ${report.fileName} was ${report.status}` };
  const interrupted = report.status === 'interrupted';
  if (options.listed === true) {
    const place = where(first, false);
    const above = report.errors.length === 1 ? `the error above${place !== '' ? `, at ${place}` : ''}` : `${report.errors.length} errors above${place !== '' ? `, the first at ${place}` : ''}`;
    return { code: first.code, message: `${report.fileName} ${interrupted ? 'stopped part-way' : 'was refused, nothing was changed'} (${above})` };
  }
  const more = report.errors.length > 1 ? ` (and ${plural(report.errors.length - 1, 'more error')})` : '';
  return { code: first.code, message: `${interrupted ? 'Stopped part-way' : 'Refused, nothing was changed'}: ${where(first)}: ${first.message}${more}` };
};

/** Standard output as a stream; it ends the export early once the reader has gone away (`| head -1`). */
const toWritable = (io: CliIo): Writable =>
  new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      io.stdout(chunk.toString());
      callback(io.stdoutClosed?.() ? new Error('standard output was closed by its reader') : null);
    },
  });

/** How a file goes through a spreadsheet and back: shown after `import --help` and `export --help`. */
const SPREADSHEET_HELP = `
Through a spreadsheet and back (Excel, LibreOffice, Google Sheets):
  1. export --output learners.xlsx writes every cell as text in columns
     formatted as Text, so the spreadsheet keeps ids such as 0042, 1e5 or
     000123 as they are. Edit Active, save as .xlsx (or as CSV from that
     workbook) and import the file: a workbook is recognised by its bytes.
  2. A CSV export opened directly in a spreadsheet loses leading zeros and
     reads 1e5 or long ids as numbers; the export warns of such ids
     (SPREADSHEET_WOULD_CHANGE_IDS). A file saved that way is refused line
     by line with ID_MANGLED_BY_SPREADSHEET, saying how to fix it; import
     --match-mangled-ids applies it anyway, matching each changed id to the
     learner with the line's e-mail, every such line reported and audited.`;

/** `import`, `export`. */
export const registerImportExportCommands: Register = (program, action) => {
  program
    .command('import')
    .description('import a Learners file (data-services) or the Learner page template (learner-page) for a team: FALSE deactivates, TRUE reactivates, new ids register')
    .argument('<orgId>', 'organization id')
    .argument('<file>', 'the Excel workbook (.xlsx) or CSV file (UTF-8, or UTF-16 with BOM), told apart by its bytes')
    .addOption(new Option('--format <format>', 'the file format').choices(['data-services', 'learner-page']).makeOptionMandatory())
    .addOption(new Option('--file-type <type>', 'read the file as this type, refusing it if its bytes disagree (default: recognised by its bytes)').choices(['xlsx', 'csv']))
    .requiredOption('--team <target team>', 'the team the file was exported for (name or id)')
    .option('--dry-run', 'print the plan (per line) and write nothing')
    .option('--partial', 'apply the valid lines, record the others as errors (default: any error refuses the file)')
    .option('--full-sync', 'also deactivate active learners of the team that the file does not list')
    .option('--allow-mass-deactivation', 'apply even when the file deactivates more than 20% of the team (from 10 deactivations)')
    .option('--no-move', 'deactivate without moving learners to the inactive team')
    .option('--match-mangled-ids', 'apply lines whose Learner ID or Employee ID a spreadsheet changed (0042 saved as 42, 1e5 as 100000) to the learner they match, each reported and audited (default: refused with ID_MANGLED_BY_SPREADSHEET)')
    .addOption(
      new Option('--lines <which>', 'the lines --json lists: all (default), changes (all but the unchanged), errors or none; counts and the audit are complete either way').choices(['all', 'changes', 'errors', 'none']),
    )
    .addOption(new Option('--schedule <when>', 'apply now, at the next top of the hour, or at the daily import time (then run process-due)').choices(['now', 'top-of-hour', 'daily']).default('now'))
    .addHelpText('after', SPREADSHEET_HELP)
    .action(
      action(async (session, [orgId, file], options) => {
        const absolute = path.resolve(session.io.cwd, file as string);
        const { importLearners, refusesFile } = await csvAdapter();
        const progress = importProgress(session.io, { json: session.json });
        let state: OrganizationState;
        let report: ImportReport;
        try {
          progress.stage(`Loading organization ${orgId}`);
          state = await session.organization(orgId);
          const ledger = await session.ledger();
          report = await importLearners(ledger, {
            orgId,
            input: absolute,
            fileName: path.basename(absolute),
            location: absolute,
            format: options.format as ImportFormat,
            ...(options.fileType !== undefined ? { fileType: options.fileType as LearnerFileType } : {}),
            targetTeam: options.team,
            dryRun: options.dryRun === true,
            partial: options.partial === true,
            fullSync: options.fullSync === true,
            allowMassDeactivation: options.allowMassDeactivation === true,
            move: options.move !== false,
            ...(options.matchMangledIds === true ? { matchMangledIds: true } : {}),
            schedule: options.schedule as ImportSchedule,
            actor: session.actor(),
            now: session.now(),
            // The text report lists the lines that change something: the unchanged ones of a large file are not kept for it.
            reportLines: (options.lines as ReportLines | undefined) ?? (session.json ? 'all' : 'changes'),
            onProgress: progress.onProgress,
          });
        } finally {
          progress.finish();
        }
        const teamName = report.targetTeamId !== null ? (state.teams.get(report.targetTeamId)?.name ?? options.team) : options.team;
        const refused = importRefused(report, options.partial === true, refusesFile);
        const failure = refused ? importFailure(report) : undefined;
        return {
          json: { ...importJson(report), ...(failure ? { error: { ...failure, errors: report.errors } } : {}) },
          text: importText(report, teamName),
          // Without --json the report on stdout lists the errors: stderr says where the first is, not all of it again.
          ...(failure ? { failure: session.json ? failure : importFailure(report, { listed: true }) } : {}),
        };
      }, { bulkWrites: true }),
    );

  program
    .command('export')
    .description('export learners as an Excel workbook (.xlsx) or a CSV file that imports back unchanged (spreadsheet formulas neutralised)')
    .argument('<orgId>', 'organization id')
    .addOption(new Option('--format <format>', 'the file format').choices(['data-services', 'learner-page']).makeOptionMandatory())
    .option('--team <name>', 'only the learners of this team')
    .option('--output <file>', 'write to this file (default: stdout, CSV only)')
    .addOption(new Option('--file-type <type>', 'xlsx: every cell text, so a spreadsheet keeps ids such as 0042 as they are (default: xlsx for an --output ending in .xlsx, else csv)').choices(['xlsx', 'csv']))
    .option('--bom', 'CSV: start the file with a UTF-8 byte-order mark (for spreadsheets)')
    .addHelpText('after', SPREADSHEET_HELP)
    .action(
      action(async (session, [orgId], options) => {
        const { exportLearners, ExportError } = await csvAdapter();
        const state = await session.organization(orgId);
        const ledger = await session.ledger();
        const file = options.output !== undefined ? path.resolve(session.io.cwd, options.output as string) : undefined;
        const fileType: LearnerFileType = (options.fileType as LearnerFileType | undefined) ?? (file !== undefined && /\.xlsx$/i.test(file) ? 'xlsx' : 'csv');
        if (fileType === 'xlsx' && file === undefined) throw new CliError('OUTPUT_REQUIRED', 'An XLSX export is a binary file, not text for standard output: give --output learners.xlsx');
        const teamId = options.team !== undefined ? (state.teamIdsByName.get(normalizeName(options.team as string)) ?? options.team) : undefined;
        const total = [...state.learners.values()].filter((l) => teamId === undefined || l.teams.includes(teamId)).length;
        let captured = '';
        let output: Writable;
        if (file !== undefined) {
          output = fs.createWriteStream(file);
        } else if (session.json) {
          output = new Writable({
            write(chunk: Buffer | string, _encoding, callback) {
              captured += chunk.toString();
              callback();
            },
          });
        } else {
          output = toWritable(session.io);
        }
        // On a terminal, count the lines going out (header included) for the progress bar.
        const bar = progressBar(session.io, 'Exporting', { json: session.json, total: total + 1 });
        let piping: Promise<void> | undefined;
        if (session.io.stderrIsTTY && !session.json && file !== undefined && fileType === 'csv') {
          let lines = 0;
          const counter = new Transform({
            transform(chunk: Buffer, _encoding, callback) {
              for (const byte of chunk) if (byte === 10) lines++;
              bar.update(lines);
              callback(null, chunk);
            },
          });
          piping = pipeline(counter, output);
          output = counter;
        }
        let result;
        try {
          result = await exportLearners(ledger, {
            orgId,
            format: options.format as ImportFormat,
            ...(options.team !== undefined ? { team: options.team } : {}),
            output,
            fileType,
            ...(options.bom ? { bom: true } : {}),
          });
          await piping;
        } catch (error) {
          // The reader of stdout stopped reading: not a failure of the export.
          if (file === undefined && session.io.stdoutClosed?.()) return { json: null, text: '' };
          if (error instanceof ExportError) throw new CliError(error.code, error.message);
          throw new CliError('WRITE_FAILED', `Cannot export to ${file ?? 'stdout'}: ${(error as Error).message}`);
        } finally {
          bar.finish();
        }
        const warnings = result.warnings ?? [];
        const summary = { orgId, format: result.format, teamId: result.teamId, rows: result.rows, output: file ?? null, ...(fileType === 'xlsx' ? { fileType } : {}), ...(warnings.length > 0 ? { warnings } : {}) };
        const warned = warnings.map((w) => `warning (${w.code}): column "${w.column}": ${w.message}\n`).join('');
        // With the CSV itself on stdout, its warnings go to stderr.
        if (!session.json && file === undefined) session.io.stderr(warned.replace(/^(?=.)/gm, 'learner-ledger: '));
        return {
          json: file !== undefined ? summary : { ...summary, csv: captured },
          text: file !== undefined ? `Exported ${plural(result.rows, 'learner')} of ${orgId} to ${file} (${result.format}${fileType === 'xlsx' ? ', XLSX' : ''}).\n${warned}` : '',
        };
      }),
    );
};
