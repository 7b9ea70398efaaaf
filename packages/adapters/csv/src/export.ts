import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import * as E from 'fp-ts/lib/Either.js';
import { normalizeName, type ImportFormat, type LearnerRecord, type Ledger, type OrganizationState } from '@learner-ledger/core';
import { FORMATS, TEAM_SEPARATOR, headerLine } from './formats.js';
import { formatActive, neutraliseCell } from './values.js';

export interface ExportLearnersOptions {
  readonly orgId: string;
  readonly format: ImportFormat;
  /** Only the learners of this team (id or name); default: every learner of the organization. */
  readonly team?: string;
  readonly output: Writable;
  /** Start with a UTF-8 byte-order mark (helps some spreadsheets detect UTF-8). Default false. */
  readonly bom?: boolean;
  /** Line ending; default `\n`. */
  readonly eol?: '\n' | '\r\n';
  /** Leave `output` open when done (e.g. process.stdout). Default false: it is ended. */
  readonly keepOpen?: boolean;
}

export interface ExportResult {
  readonly rows: number;
  readonly format: ImportFormat;
  readonly teamId: string | null;
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

/**
 * Writes the learners of an organization (or of one team) as a CSV file in
 * either format, streaming with backpressure. Every cell a spreadsheet would
 * run as a formula is neutralised with a leading `'`, which the import
 * removes again: export → import is lossless.
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
  const stringifier = stringify({ bom: options.bom ?? false, record_delimiter: options.eol === '\r\n' ? 'windows' : 'unix', quoted_match: /^\s|\s$/ });
  const done = pipeline(stringifier, options.output, { end: !options.keepOpen });
  const write = async (cells: string[]): Promise<void> => {
    if (!stringifier.write(cells)) await once(stringifier, 'drain');
  };
  await write(headerLine(options.format));
  let rows = 0;
  for (const learner of state.learners.values()) {
    if (teamId !== null && !learner.teams.includes(teamId)) continue;
    await write(learnerRow(state, learner, options.format, teamId).map(neutraliseCell));
    rows++;
  }
  stringifier.end();
  await done;
  return { rows, format: options.format, teamId };
};
