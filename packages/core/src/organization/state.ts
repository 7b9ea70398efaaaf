import type { Connector, ImportFormat, ImportOptions, ImportSchedule, MoveInstruction, TeamKind, LearnerStatus } from '../events.js';
import type { Actor, Channel } from '../metadata.js';
import { OverlayMap } from './overlay-map.js';

export interface TeamRecord {
  readonly teamId: string;
  readonly name: string;
  readonly kind: TeamKind;
}

export interface LearnerRecord {
  readonly learnerId: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly employeeId: string | null;
  readonly status: LearnerStatus;
  readonly licenseId: string | null;
  /** Team ids, in the order they were joined. */
  readonly teams: readonly string[];
  /** The teams the last deactivation removed: what a reactivation restores. */
  readonly teamsBeforeDeactivation: readonly string[];
  readonly activityCount: number;
}

export interface ScheduleRecord {
  readonly scheduleId: string;
  readonly learnerIds: readonly string[];
  readonly effectiveAt: string;
  readonly move: MoveInstruction | null;
  readonly reason?: string;
  readonly status: 'pending' | 'cancelled' | 'completed';
  readonly channel?: Channel;
  readonly actor?: Actor;
}

export interface ImportRecord {
  readonly importId: string;
  readonly fileName: string;
  readonly sha256: string;
  readonly format: ImportFormat;
  readonly targetTeamId: string;
  readonly schedule: ImportSchedule;
  readonly dueAt: string;
  readonly options: ImportOptions;
  readonly rowCount: number;
  readonly location?: string;
  readonly status: 'received' | 'applied' | 'rejected';
}

/**
 * The state of one organization, folded from its stream. The object and its
 * maps are owned by whoever folds them (evolve updates them in place, for
 * speed on large organizations); records inside are immutable values, and
 * `decide` never mutates what it is given.
 */
export interface OrganizationState {
  exists: boolean;
  orgId: string;
  name: string;
  seats: number;
  timeZone: string;
  connector: Connector;
  inactiveTeamId: string | null;
  dailyImportTime: string;
  licensesInUse: number;
  nextLicenseNumber: number;
  readonly teams: Map<string, TeamRecord>;
  /** Lower-cased team name → team id (names are unique case-insensitively). */
  readonly teamIdsByName: Map<string, string>;
  readonly learners: Map<string, LearnerRecord>;
  /** Lower-cased e-mail → learner id. */
  readonly learnerIdsByEmail: Map<string, string>;
  readonly schedules: Map<string, ScheduleRecord>;
  readonly imports: Map<string, ImportRecord>;
}

export const initialOrganizationState = (): OrganizationState => ({
  exists: false,
  orgId: '',
  name: '',
  seats: 0,
  timeZone: 'UTC',
  connector: 'none',
  inactiveTeamId: null,
  dailyImportTime: '02:00',
  licensesInUse: 0,
  nextLicenseNumber: 1,
  teams: new Map(),
  teamIdsByName: new Map(),
  learners: new Map(),
  learnerIdsByEmail: new Map(),
  schedules: new Map(),
  imports: new Map(),
});

/** A copy-on-write view of a state: folding events onto it leaves the original untouched. */
export const draftOf = (state: OrganizationState): OrganizationState => ({
  ...state,
  teams: new OverlayMap(state.teams),
  teamIdsByName: new OverlayMap(state.teamIdsByName),
  learners: new OverlayMap(state.learners),
  learnerIdsByEmail: new OverlayMap(state.learnerIdsByEmail),
  schedules: new OverlayMap(state.schedules),
  imports: new OverlayMap(state.imports),
});

/** A copy whose maps are its own (records inside are immutable values and are shared). O(size of the organization). */
export const copyState = (state: OrganizationState): OrganizationState => ({
  ...state,
  teams: new Map(state.teams),
  teamIdsByName: new Map(state.teamIdsByName),
  learners: new Map(state.learners),
  learnerIdsByEmail: new Map(state.learnerIdsByEmail),
  schedules: new Map(state.schedules),
  imports: new Map(state.imports),
});

export const normalizeName = (name: string): string => name.trim().normalize('NFC').toLocaleLowerCase('en');
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export const activeLearnerCount = (state: OrganizationState): number => {
  let count = 0;
  for (const learner of state.learners.values()) if (learner.status === 'active') count++;
  return count;
};
