/*
 * The CSV and SCIM adapters are loaded by the commands that use them (import,
 * export, process-due, demo; scim): every other command starts without their
 * modules, which are about a third of what a fresh process would load.
 */

/** `@learner-ledger/csv`, loaded once on first use. */
export const csvAdapter = (): Promise<typeof import('@learner-ledger/csv')> => import('@learner-ledger/csv');

/** `@learner-ledger/scim`, loaded once on first use. */
export const scimAdapter = (): Promise<typeof import('@learner-ledger/scim')> => import('@learner-ledger/scim');
