import type { Command, ImportOperation } from './commands.js';

/**
 * Domain errors are values with a stable code (scripts and tests rely on it)
 * and a message a person can act on. One meaning, one code: adapters (CSV,
 * CLI) report the same code for the same refusal.
 */
export const ERROR_CODES = [
  'ORGANIZATION_NOT_FOUND',
  'ORGANIZATION_ALREADY_EXISTS',
  'INVALID_ORGANIZATION_ID',
  'INVALID_SEATS',
  'INVALID_TIME_ZONE',
  'INVALID_TIME_OF_DAY',
  'INVALID_ID',
  'INVALID_TEXT',
  'INVALID_EMAIL',
  'INVALID_INSTANT',
  'INACTIVE_TEAM_REQUIRED',
  'SEATS_BELOW_IN_USE',
  'DUPLICATE_TEAM_NAME',
  'DUPLICATE_TEAM_ID',
  'UNKNOWN_TEAM',
  'LEARNER_NOT_FOUND',
  'DUPLICATE_LEARNER_ID',
  'DUPLICATE_EMAIL',
  'LICENSE_POOL_EXHAUSTED',
  'INACTIVE_TEAM_MISSING',
  'MOVE_TARGET_NOT_INACTIVE_TEAM',
  'INACTIVE_LEARNER_ON_STANDARD_TEAM',
  'ACTIVE_LEARNER_ON_INACTIVE_TEAM',
  'EMPTY_COMMAND',
  'SCHEDULE_NOT_FOUND',
  'SCHEDULE_IN_PAST',
  'DUPLICATE_SCHEDULE',
  'IMPORT_NOT_FOUND',
  'IMPORT_ALREADY_EXISTS',
  'IMPORT_ALREADY_FINISHED',
  'SCIM_TOKEN_NOT_FOUND',
  'DUPLICATE_SCIM_TOKEN',
  'LEARNER_ERASED',
  'LEARNER_STILL_ACTIVE',
  'RETENTION_PERIOD_NOT_OVER',
  'INVALID_RETENTION_PERIOD',
  'PERSONAL_DATA_NOT_SEALED',
  'MASS_DEACTIVATION_GUARD',
  'INVALID_ALLOWANCE',
  'BATCH_REJECTED',
  'INVALID_EVENT',
  'CONCURRENCY_CONFLICT',
  'EVENT_DECODE_FAILED',
  'STORE_FAILURE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

type KeysOfEach<T> = T extends unknown ? keyof T : never;

/**
 * A field of a command, or of one planned import line, that a refusal points
 * at (`learnerId`, `email`, `teams`, `effectiveAt`, `seats`, …). Fields of a
 * nested value are named by the command field that holds them: an unknown
 * team in `move.addTo` is `move`, a bad e-mail in `changes` is `email`.
 */
export type CommandField = Exclude<KeysOfEach<Command> | KeysOfEach<ImportOperation>, 'type' | 'op'>;

export interface DomainError {
  readonly code: ErrorCode;
  readonly message: string;
  /** The learner, team, schedule or import the error is about. */
  readonly subject?: string;
  /** The command field at fault, so an adapter can name its own column or attribute. */
  readonly field?: CommandField;
  /** The offending value, as text. */
  readonly value?: string;
  /** CSV line (1-based) when the command came from an import. */
  readonly line?: number;
  /** For BATCH_REJECTED: every error of the batch. */
  readonly errors?: readonly DomainError[];
}

export const domainError = (code: ErrorCode, message: string, extra: Partial<Omit<DomainError, 'code' | 'message'>> = {}): DomainError => ({
  code,
  message,
  ...extra,
});
