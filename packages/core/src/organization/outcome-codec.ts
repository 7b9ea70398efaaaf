import * as t from 'io-ts';
import { ERROR_CODES } from '../errors.js';
import { OUTCOME_ACTIONS, OUTCOME_NOTES } from './outcomes.js';

const keysOf = <K extends string>(values: readonly K[]) => t.keyof(Object.fromEntries(values.map((value) => [value, null])) as Record<K, null>);

const Effects = t.partial({
  licenseAssigned: t.string,
  licenseReleased: t.string,
  addedTo: t.readonlyArray(t.string),
  removedFrom: t.readonlyArray(t.string),
  restoredTeams: t.readonlyArray(t.string),
  scheduledFor: t.string,
  deactivated: t.readonlyArray(t.string),
  skipped: t.readonlyArray(t.string),
});

const common = { subject: t.string, action: keysOf(OUTCOME_ACTIONS) };
const where = { message: t.string, line: t.number };

/**
 * An outcome as the ledger records it with a command's events (when the
 * events alone cannot tell it), so a repeated delivery answers with the
 * outcomes of the first. `field` is kept as text: it was written from a
 * command field by this library.
 */
export const RecordedOutcome = t.union([
  t.intersection([t.type({ ...common, status: t.literal('applied') }), t.partial({ ...where, code: keysOf(OUTCOME_NOTES), effects: Effects })]),
  t.intersection([t.type({ ...common, status: t.literal('skipped'), code: t.union([keysOf(OUTCOME_NOTES), keysOf(ERROR_CODES)]) }), t.partial(where)]),
  t.intersection([t.type({ ...common, status: t.literal('rejected'), code: keysOf(ERROR_CODES), message: t.string }), t.partial({ line: t.number, field: t.string, value: t.string })]),
]);
export type RecordedOutcome = t.TypeOf<typeof RecordedOutcome>;
