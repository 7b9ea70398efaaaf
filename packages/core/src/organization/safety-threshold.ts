/** How many of a set of active learners may be deactivated at once: the share, and the count below which it is not checked. */
export interface SafetyThreshold {
  /** Largest share of the active learners that may be deactivated. Default 0.2. */
  readonly share: number;
  /** Below this many deactivations the share is not checked. Default 10. */
  readonly minimum: number;
}

/** 20% of the active learners, checked from 10 deactivations: the CSV import's threshold and the SCIM guard's. */
export const DEFAULT_THRESHOLD: SafetyThreshold = { share: 0.2, minimum: 10 };

/** The share `deactivations` are of `activeLearners` (1 when there are none to deactivate from). */
export const deactivationShare = (deactivations: number, activeLearners: number): number =>
  activeLearners === 0 ? (deactivations === 0 ? 0 : 1) : deactivations / activeLearners;

/** Whether so many deactivations of so many active learners is a mass deactivation: at least the minimum, and more than the share. */
export const exceedsThreshold = (deactivations: number, activeLearners: number, limit: SafetyThreshold): boolean =>
  deactivations >= limit.minimum && deactivationShare(deactivations, activeLearners) > limit.share;
