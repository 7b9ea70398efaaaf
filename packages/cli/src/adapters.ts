/*
 * The CSV and SCIM adapters are loaded by the commands that use them (import,
 * export, process-due, demo; scim): every other command starts without their
 * modules, about a quarter of those a fresh process would otherwise load.
 */

/** `@learner-ledger/csv` (Node loads a module once and hands back the same one after). */
export const csvAdapter = (): Promise<typeof import('@learner-ledger/csv')> => import('@learner-ledger/csv');

/** `@learner-ledger/scim`, the same way. */
export const scimAdapter = (): Promise<typeof import('@learner-ledger/scim')> => import('@learner-ledger/scim');
