import * as t from 'io-ts';
import { Count, Ids, OrganizationFieldsCodec } from './state-codec.js';

/**
 * The first section of a snapshot's payload: the organization's own fields
 * and small maps (as the plain form has them), the interned tables the
 * learners' columns refer to, and how many rows, text bytes and commands the
 * other sections hold.
 */
export const SnapshotMeta = t.intersection([
  OrganizationFieldsCodec,
  t.type({
    /** Learner rows (deleted ones included). */
    rows: Count,
    /** Bytes of the text section: every row's text record, in row order. */
    textBytes: Count,
    /** Team lists by number; list 0 is the empty list. */
    teamLists: t.readonlyArray(Ids),
    /** License ids that are not `L-n`, by code (-1, -2, …). */
    otherLicenses: Ids,
    /** Instants of the `since` column that are not in a `toISOString` form, by code (-1, -2, …). */
    otherInstants: Ids,
    /** Commands in the command sections. */
    commands: Count,
    /** The version of the last event the command index tracked. */
    lastCommandVersion: Count,
  }),
]);
export type SnapshotMeta = t.TypeOf<typeof SnapshotMeta>;
