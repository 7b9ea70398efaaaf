/**
 * @packageDocumentation
 * The pure domain of learner-ledger: events and their codecs, commands, the
 * organization decider, the event-store port, the in-memory store, the
 * ledger that handles commands, and the application workflows over it
 * (imports, due work, organization listing).
 */
export * from './ids.js';
export * from './validation.js';
export * from './events.js';
export * from './metadata.js';
export * from './errors.js';
export * from './commands.js';
export * from './time.js';
// The stores' write-side mark stays inside the package: only a store that freezes events through and through may set it.
export {
  type EventEnvelope,
  type EventDecodeError,
  InvalidEventError,
  type Upcaster,
  registerUpcaster,
  describeValidation,
  encodeEvent,
  isKnownEventType,
  decodeEvent,
  decodeEventFully,
  EventDecodeFailure,
  decodeEventOrThrow,
  linkApart,
} from './serialization.js';
export * from './store/port.js';
export * from './store/list-streams.js';
export { InMemoryEventStore } from './store/in-memory.js';
export {
  activeLearnerCount,
  draftOf,
  initialOrganizationState,
  normalizeEmail,
  normalizeName,
  type EmailIndex,
  type ImportRecord,
  type LearnerPatch,
  type LearnerRecord,
  type Learners,
  type OrganizationState,
  type ScheduleRecord,
  type ScimDeactivationGuard,
  type ScimTokenRecord,
  type TeamRecord,
} from './organization/state.js';
export { scimDeactivationsWithinHour } from './organization/scim-window.js';
export { evolve } from './organization/evolve.js';
export { decide } from './organization/decide.js';
export type { Decision, DecisionContext, Emitted } from './organization/decision.js';
export * from './organization/outcomes.js';
export { teamIdFromName, findTeam, teamIdsNamed } from './organization/teams.js';
export { decideImportOperations } from './organization/imports.js';
export { organizationDecider } from './organization/decider.js';
export * from './ledger/index.js';
export * from './application/index.js';
export * from './snapshots/port.js';
export { InMemorySnapshotStore } from './snapshots/in-memory.js';
export { SerializedOrganizationState, serializeOrganizationState, deserializeOrganizationState } from './snapshots/state-codec.js';
export * from './chain/index.js';
export * from './personal/index.js';
export { isErased, MAX_RETENTION_DAYS } from './organization/erase.js';
