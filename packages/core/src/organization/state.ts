import type { Connector, ImportFormat, ImportOptions, ImportSchedule, MoveInstruction, TeamKind } from '../events.js';
import type { Actor, Channel } from '../metadata.js';
import { TableEmailIndex } from './email-index.js';
import { TableInactiveSince } from './inactive-since.js';
import { LearnerDraft } from './learner-draft.js';
import { LearnerTable } from './learner-table.js';
import type { EmailIndex, InstantIndex, Learners } from './learners.js';
import { OverlayMap } from './overlay-map.js';

export type { EmailIndex, InstantIndex, LearnerPatch, LearnerRecord, Learners } from './learners.js';
export { normalizeEmail, normalizeName } from './normalize.js';

export interface TeamRecord {
  readonly teamId: string;
  readonly name: string;
  readonly kind: TeamKind;
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

/** A SCIM client's token as the organization keeps it: the digest, never the token. */
export interface ScimTokenRecord {
  readonly tokenId: string;
  readonly client: string;
  readonly sha256: string;
  readonly status: 'active' | 'revoked';
}

/**
 * What the SCIM mass-deactivation guard knows: the SCIM deactivations of the
 * last hour, counted per minute (so it stays 61 numbers at most however many
 * there are), whether deactivations are held, and an administrator's
 * allowance. A value: folding replaces it, never changes it.
 */
export interface ScimDeactivationGuard {
  /** `[minute since the epoch, SCIM deactivations in it]`, oldest first, the last 61 minutes at most. */
  readonly minutes: readonly [number, number][];
  /** SCIM deactivations are held until an administrator allows them. */
  readonly held: boolean;
  /** SCIM deactivations pass the guard before this instant (an allowance `--for`). */
  readonly allowedUntil: string | null;
  /** This many more SCIM deactivations pass the guard (an allowance `--count`). */
  readonly allowedCount: number;
}

/** No SCIM deactivation counted, none held, nothing allowed. */
export const OPEN_SCIM_GUARD: ScimDeactivationGuard = { minutes: [], held: false, allowedUntil: null, allowedCount: 0 };

/**
 * The state of one organization, folded from its stream. The object and its
 * maps are owned by whoever folds them (evolve updates them in place, for
 * speed on large organizations); records read from them are immutable
 * values, and `decide` never mutates what it is given. The learners are a
 * compact table (column-wise) in a folded state and a copy-on-write draft
 * over one in a draft.
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
  readonly learners: Learners;
  /** Normalized e-mail → learner id. */
  readonly learnerIdsByEmail: EmailIndex;
  readonly schedules: Map<string, ScheduleRecord>;
  readonly imports: Map<string, ImportRecord>;
  /** SCIM clients' tokens by token id, revoked ones included. */
  readonly scimTokens: Map<string, ScimTokenRecord>;
  /** Days an inactive learner's personal data is kept before it may be erased (0: no wait). */
  retentionDays: number;
  /** Inactive learners → the instant they became inactive (UTC ISO): when their retention period began. */
  readonly inactiveSince: InstantIndex;
  /** The SCIM mass-deactivation guard's window, hold and allowance. */
  scimGuard: ScimDeactivationGuard;
}

/** A folded state: its learners are a table of their own, which can be frozen. */
export interface FoldedOrganizationState extends OrganizationState {
  readonly learners: LearnerTable;
  readonly learnerIdsByEmail: TableEmailIndex;
  readonly inactiveSince: TableInactiveSince;
}

/** An organization before its first event. */
export const initialOrganizationState = (): OrganizationState => emptyFoldedState();

/** An organization before its first event, as the ledger folds it. */
export const emptyFoldedState = (): FoldedOrganizationState => foldedState(LearnerTable.empty(), {
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
  schedules: new Map(),
  imports: new Map(),
  scimTokens: new Map(),
  retentionDays: 0,
  scimGuard: OPEN_SCIM_GUARD,
});

/** The fields of a state that are not kept in its learner table. */
export type OrganizationFields = Omit<OrganizationState, 'learners' | 'learnerIdsByEmail' | 'inactiveSince'>;

/** A folded state of the given learners and other fields. */
export const foldedState = (learners: LearnerTable, rest: OrganizationFields): FoldedOrganizationState => ({
  ...rest,
  learners,
  learnerIdsByEmail: new TableEmailIndex(learners),
  inactiveSince: new TableInactiveSince(learners),
});

/** A copy-on-write view of a state: folding events onto it leaves the original untouched. O(1); its writes cost O(what they change). */
export const draftOf = (state: OrganizationState): OrganizationState => ({
  ...state,
  teams: new OverlayMap(state.teams),
  teamIdsByName: new OverlayMap(state.teamIdsByName),
  learners: new LearnerDraft(state.learners),
  learnerIdsByEmail: new OverlayMap(state.learnerIdsByEmail),
  schedules: new OverlayMap(state.schedules),
  imports: new OverlayMap(state.imports),
  scimTokens: new OverlayMap(state.scimTokens),
  inactiveSince: new OverlayMap(state.inactiveSince),
});

/**
 * A copy that later folds into `state` never change: the learner table is
 * frozen (its pages shared until either side writes one), the small maps
 * (teams, schedules, imports) copied. O(pages + teams + schedules + imports).
 */
export const frozenCopy = (state: FoldedOrganizationState): FoldedOrganizationState => ({
  ...foldedState(state.learners.freeze(), state),
  teams: new Map(state.teams),
  teamIdsByName: new Map(state.teamIdsByName),
  schedules: new Map(state.schedules),
  imports: new Map(state.imports),
  scimTokens: new Map(state.scimTokens),
});

export const activeLearnerCount = (state: OrganizationState): number => {
  let count = 0;
  for (const learnerId of state.learners.keys()) if (state.learners.read(learnerId, 'status') === 'active') count++;
  return count;
};
