/**
 * @packageDocumentation
 * Projections of the learner-ledger log: pure reducers that turn events into
 * the answers administrators, auditors and reports ask for — license counts
 * (now, as of any instant, as a time series with peaks), the inactive-team
 * roster, team rosters, the learner directory, audit trails and anomalies —
 * the runner that keeps them current from the store's global log with a
 * checkpoint per projection, and the time-indexed read models that answer
 * as-of questions with index lookups.
 */
export * from './table.js';
export * from './projection.js';
export * from './projection-store.js';
export * from './runner.js';
export * from './queries.js';
export { bucketsBetween, organizationHead, type OrganizationHead, type Period } from './query-support.js';
export { foldAsOf, licenseTimeline, periodCounts, type Folded, type LicenseTimeline, type PeriodCount } from './fold.js';
export * from './history/temporal.js';
export * from './history/as-of-projections.js';
export * from './read-model/port.js';
export { END_OF_TIME, inactiveLearnersFromModel, licenseCountFromModel, periodCountsFromModel, teamRostersFromModel } from './read-model/answers.js';
export { chooseSource, type AnswerSource, type CatchUpProgress, type ReadModelOptions } from './read-model/source.js';
export * from './projections/license-counts.js';
export * from './projections/inactive-roster.js';
export * from './projections/team-rosters.js';
export * from './projections/learner-directory.js';
export * from './projections/audit-trail.js';
export * from './projections/anomalies.js';
export { allProjections } from './all.js';
