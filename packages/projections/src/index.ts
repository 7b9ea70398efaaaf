/**
 * @packageDocumentation
 * Projections of the learner-ledger log: pure reducers that turn events into
 * the answers administrators, auditors and reports ask for — license counts
 * (now, as of any instant, as a time series), the inactive-team roster, team
 * rosters, the learner directory, audit trails and anomalies — and the runner
 * that keeps them current from the store's global log with a checkpoint per
 * projection.
 */
export * from './table.js';
export * from './projection.js';
export * from './projection-store.js';
export * from './runner.js';
export * from './queries.js';
export * from './projections/license-counts.js';
export * from './projections/inactive-roster.js';
export * from './projections/team-rosters.js';
export * from './projections/learner-directory.js';
export * from './projections/audit-trail.js';
export * from './projections/anomalies.js';
export { allProjections } from './all.js';
