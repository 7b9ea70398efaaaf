import type { AnyProjection } from './projection.js';
import { anomaliesProjection } from './projections/anomalies.js';
import { auditTrailProjection } from './projections/audit-trail.js';
import { inactiveRosterProjection } from './projections/inactive-roster.js';
import { learnerDirectoryProjection } from './projections/learner-directory.js';
import { licenseCountsProjection } from './projections/license-counts.js';
import { teamRostersProjection } from './projections/team-rosters.js';

/** Every projection of this package, for a runner that keeps them all. */
export const allProjections: readonly AnyProjection[] = [
  licenseCountsProjection,
  inactiveRosterProjection,
  teamRostersProjection,
  learnerDirectoryProjection,
  auditTrailProjection,
  anomaliesProjection,
];
