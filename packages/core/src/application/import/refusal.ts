import type { CommandField, ErrorCode } from '../../errors.js';
import type { ImportLineAction } from '../../events.js';
import type { RejectedOutcome } from '../../organization/outcomes.js';
import type { OrganizationState } from '../../organization/state.js';
import type { FileIssue } from './errors.js';
import type { ColumnNames, LearnerColumn } from './source.js';

/** The column of a learner file that holds each command field a refusal can name. */
const COLUMN_OF_FIELD: Partial<Record<CommandField, LearnerColumn>> = {
  learnerId: 'learnerId',
  learnerIds: 'learnerId',
  email: 'email',
  firstName: 'firstName',
  lastName: 'lastName',
  employeeId: 'employeeId',
  teams: 'teams',
  add: 'teams',
  active: 'active',
  reason: 'reason',
  effectiveAt: 'deactivationDate',
};

/** Fields whose value is a team id: the file wrote the team's name. */
const TEAM_FIELDS: ReadonlySet<CommandField> = new Set<CommandField>(['teams', 'add', 'remove', 'move']);

/** Refusals of a value's form: when the cell is blank, the value is missing rather than wrong. */
const FORM_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['INVALID_EMAIL', 'INVALID_TEXT', 'INVALID_ID']);

/**
 * The column a refusal is about: the one holding the field it names; a
 * refusal that names no field (no free license) is about what the line asks,
 * which `Deactivation Date` states for a schedule and `Active` otherwise.
 */
const columnOf = (field: CommandField | undefined, action: ImportLineAction): LearnerColumn | undefined => {
  if (field !== undefined) return COLUMN_OF_FIELD[field];
  if (action === 'schedule') return 'deactivationDate';
  return action === 'update' ? undefined : 'active';
};

/**
 * A line the decider refused, as the line's error: the decider's code and
 * message, its field as the file's column, its value as the file wrote it (a
 * team's name rather than its id). A rule changed in the core reaches every
 * file format this way, with no rule restated here.
 */
export const lineRefusal = <C extends string>(outcome: RejectedOutcome, action: ImportLineAction, state: OrganizationState, columns: ColumnNames): FileIssue<C> => {
  const column = columnOf(outcome.field, action);
  // Active is read from a cell (TRUE, yes, 1…): the decider's `true` is not what the file says.
  let value = column === 'active' ? undefined : outcome.value;
  if (value !== undefined && outcome.field !== undefined && TEAM_FIELDS.has(outcome.field)) value = state.teams.get(value)?.name ?? value;
  const code = value === '' && FORM_REFUSALS.has(outcome.code) ? 'MISSING_VALUE' : outcome.code;
  return { code, ...(column !== undefined ? { column: columns[column] } : {}), ...(value !== undefined ? { value } : {}), message: outcome.message };
};
