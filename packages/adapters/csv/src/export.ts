import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import * as E from 'fp-ts/lib/Either.js';
import { normalizeName, type ImportFormat, type LearnerRecord, type Ledger, type OrganizationState } from '@learner-ledger/core';
import { FORMATS, TEAM_SEPARATOR, headerLine } from './formats.js';
import { formatActive, neutraliseCell } from './values.js';
import { SpreadsheetWarnings, type ExportWarning } from './warnings.js';
import { workbookWriter, type TableWriter } from './xlsx/write.js';

/** The two file types of learner files: CSV text, or an Excel workbook. */
export type LearnerFileType = 'csv' | 'xlsx';

export interface ExportLearnersOptions {
  readonly orgId: string;
  readonly format: ImportFormat;
  /** Only the learners of this team (id or name); default: every learner of the organization. */
  readonly team?: string;
  readonly output: Writable;
  /**
   * `csv` (default), or `xlsx`: an Excel workbook whose cells are all text, in columns formatted as Text, so that no
   * spreadsheet reads an id as a number or a date — the safe way through a spreadsheet.
   */
  readonly fileType?: LearnerFileType;
  /** CSV: start with a UTF-8 byte-order mark (helps some spreadsheets detect UTF-8). Default false. */
  readonly bom?: boolean;
  /** CSV: the line ending; default `\n`. */
  readonly eol?: '\n' | '\r\n';
  /** Leave `output` open when done (e.g. process.stdout). Default false: it is ended. */
  readonly keepOpen?: boolean;
}

export interface ExportResult {
  readonly rows: number;
  readonly format: ImportFormat;
  readonly teamId: string | null;
  /** A CSV export's ids that a spreadsheet opening the file would change, by column and kind (absent when there are none). */
  readonly warnings?: readonly ExportWarning[];
}

/** Why an export could not run. */
export class ExportError extends Error {
  constructor(readonly code: 'ORGANIZATION_NOT_FOUND' | 'UNKNOWN_TEAM', message: string) {
    super(message);
  }
}

/** The cells of one learner in a format (before neutralisation). */
export const learnerRow = (state: OrganizationState, learner: LearnerRecord, format: ImportFormat, teamId: string | null): string[] => {
  const teamNames = learner.teams.map((id) => state.teams.get(id)?.name ?? id);
  const teams = FORMATS[format].multipleTeams ? teamNames.join(TEAM_SEPARATOR) : teamId !== null ? (state.teams.get(teamId)?.name ?? '') : (teamNames[0] ?? '');
  return [learner.learnerId, learner.firstName, learner.lastName, learner.email, learner.employeeId ?? '', teams, formatActive(learner.status === 'active')];
};

/** A CSV file written with backpressure; cells are already neutralised. */
const csvWriter = (options: ExportLearnersOptions): TableWriter => {
  const stringifier = stringify({ bom: options.bom ?? false, record_delimiter: options.eol === '\r\n' ? 'windows' : 'unix', quoted_match: /^\s|\s$/ });
  const done = pipeline(stringifier, options.output, { end: !options.keepOpen });
  // A failure of the output is reported by `end`; a write waiting for a drain then stops waiting.
  done.catch(() => stringifier.destroy());
  return {
    row: async (cells) => {
      if (!stringifier.write(cells)) await once(stringifier, 'drain');
    },
    end: async () => {
      stringifier.end();
      await done;
    },
  };
};

/**
 * Writes the learners of an organization (or of one team) in either format,
 * as a CSV file or an Excel workbook (`fileType`), streaming with
 * backpressure. Every cell a spreadsheet would run as a formula is
 * neutralised with a leading `'`, which the import removes again, in both
 * file types: export → import is lossless, and a workbook saved back as CSV
 * by a spreadsheet stays safe. A CSV export's result warns of ids a
 * spreadsheet would change (leading zeros, long numbers, numbers and dates):
 * for those, the XLSX export is the safe route.
 */
export const exportLearners = async (ledger: Ledger, options: ExportLearnersOptions): Promise<ExportResult> => {
  const loaded = await ledger.state(options.orgId);
  if (E.isLeft(loaded) || !loaded.right.exists) throw new ExportError('ORGANIZATION_NOT_FOUND', `Organization ${options.orgId} does not exist`);
  const state = loaded.right;
  let teamId: string | null = null;
  if (options.team !== undefined) {
    teamId = state.teams.has(options.team) ? options.team : (state.teamIdsByName.get(normalizeName(options.team)) ?? null);
    if (teamId === null) throw new ExportError('UNKNOWN_TEAM', `Organization ${options.orgId} has no team ${JSON.stringify(options.team)}`);
  }
  const xlsx = options.fileType === 'xlsx';
  const writer = xlsx ? await workbookWriter(options.output, { sheetName: options.format, ...(options.keepOpen ? { keepOpen: true } : {}) }) : csvWriter(options);
  const warnings = xlsx ? undefined : new SpreadsheetWarnings(options.format);
  await writer.row(headerLine(options.format));
  let rows = 0;
  for (const learner of state.learners.values()) {
    if (teamId !== null && !learner.teams.includes(teamId)) continue;
    warnings?.check(learner);
    await writer.row(learnerRow(state, learner, options.format, teamId).map(neutraliseCell));
    rows++;
  }
  await writer.end();
  const found = warnings?.list() ?? [];
  return { rows, format: options.format, teamId, ...(found.length > 0 ? { warnings: found } : {}) };
};
