import type { Actor, Channel, DomainEvent, EventEnvelope, EventType, GlobalPosition } from '@learner-ledger/core';
import { EVENT_TYPES, withPersonalFieldsErased } from '@learner-ledger/core';
import type { Projection } from '../projection.js';
import { Table, integer, json, rowKey, text } from '../table.js';

export interface AuditRow {
  [column: string]: string | number | null | Readonly<Record<string, unknown>>;
  org_id: string;
  /** The exact global position in decimal: store positions go beyond the integers a JavaScript number holds exactly (KurrentDB's reach 2^63 - 1). */
  global_position: string;
  stream_version: number;
  event_id: string;
  event_type: string;
  occurred_at: string;
  learner_id: string | null;
  import_id: string | null;
  file_name: string | null;
  line: number | null;
  actor_kind: string;
  actor_id: string;
  channel: string;
  command_id: string;
  correlation_id: string;
  causation_id: string;
  summary: string;
  data: Readonly<Record<string, unknown>>;
}

export interface AuditLearnerRow {
  [column: string]: string | number;
  org_id: string;
  learner_id: string;
  global_position: string;
}

export interface AuditTrailState {
  readonly trail: Table<AuditRow>;
  readonly learners: Table<AuditLearnerRow>;
  /** Derived indexes (rebuilt on restore): organization → learner or import → rows in log order. */
  readonly byLearner: Map<string, Map<string, AuditRow[]>>;
  readonly byImport: Map<string, Map<string, AuditRow[]>>;
}

/** One event in an audit trail: what happened, when, who did it, through which channel, from which file and line. */
export interface AuditEntry {
  readonly globalPosition: GlobalPosition;
  readonly streamVersion: number;
  readonly eventId: string;
  readonly type: EventType;
  readonly occurredAt: string;
  readonly learnerId?: string;
  readonly actor: Actor;
  readonly channel: Channel;
  readonly importId?: string;
  readonly fileName?: string;
  readonly line?: number;
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId: string;
  /** One sentence: what the event means. */
  readonly summary: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export const auditTrailTables = {
  trail: {
    name: 'll_audit_trail',
    description:
      'Every event of every organization in log order: type, time, learner, actor, channel, command ids, import id, file name and line, a one-sentence summary and the event data (JSON).',
    columns: [
      text('org_id'),
      text('global_position'),
      integer('stream_version'),
      text('event_id'),
      text('event_type'),
      text('occurred_at'),
      text('learner_id', true),
      text('import_id', true),
      text('file_name', true),
      integer('line', true),
      text('actor_kind'),
      text('actor_id'),
      text('channel'),
      text('command_id'),
      text('correlation_id'),
      text('causation_id'),
      text('summary'),
      json('data'),
    ],
    primaryKey: ['org_id', 'global_position'],
    indexes: [['org_id', 'learner_id'], ['org_id', 'import_id']],
  },
  learners: {
    name: 'll_audit_learners',
    description:
      'Which events concern which learner (events naming several learners — scheduled deactivations, import line records — have one row per learner): join with ll_audit_trail on org_id, global_position.',
    columns: [text('org_id'), text('learner_id'), text('global_position')],
    primaryKey: ['org_id', 'learner_id', 'global_position'],
  },
} as const;

/** Every learner an event concerns. */
export const learnersOfEvent = (event: DomainEvent): string[] => {
  switch (event.type) {
    case 'DeactivationScheduled':
      return [...new Set(event.data.learnerIds)];
    case 'ScheduledDeactivationCompleted':
      return [...new Set([...event.data.deactivated, ...event.data.skipped])];
    case 'ImportLinesRecorded':
      return [...new Set(event.data.lines.map((line) => line.learnerId).filter((id) => id !== ''))];
    case 'ScimDeactivationsHeld':
      return [...new Set(event.data.learnerIds)];
    default:
      return 'learnerId' in event.data ? [event.data.learnerId] : [];
  }
};

/** A one-sentence description of an event for auditors. */
export const describeEvent = (event: DomainEvent): string => {
  switch (event.type) {
    case 'OrganizationOnboarded':
      return `Organization ${event.data.name} onboarded with ${event.data.seats} seats (${event.data.timeZone})`;
    case 'LicensePoolResized':
      return `License pool resized from ${event.data.previousSeats} to ${event.data.seats} seats`;
    case 'TeamCreated':
      return `Team ${event.data.name} (${event.data.teamId}, ${event.data.kind}) created`;
    case 'LearnerRegistered':
      return `Learner ${event.data.learnerId} <${event.data.email}> registered ${event.data.status}`;
    case 'LearnerPersonalDataErased':
      return `Personal data of learner ${event.data.learnerId} erased (${event.data.reason})`;
    case 'RetentionPeriodSet':
      return `Retention period set from ${event.data.previousDays} to ${event.data.days} days`;
    case 'LicenseAssigned':
      return `License ${event.data.licenseId} assigned to ${event.data.learnerId}`;
    case 'LicenseReleased':
      return `License ${event.data.licenseId !== undefined ? `${event.data.licenseId} ` : ''}of ${event.data.learnerId} released to the pool`;
    case 'TeamMembershipChanged': {
      const parts = [];
      if (event.data.added.length > 0) parts.push(`added to ${event.data.added.join(', ')}`);
      if (event.data.removed.length > 0) parts.push(`removed from ${event.data.removed.join(', ')}`);
      return `Learner ${event.data.learnerId} ${parts.join(' and ') || 'team memberships unchanged'}`;
    }
    case 'LearnerDeactivated':
      return `Learner ${event.data.learnerId} deactivated${event.data.reason ? `: ${event.data.reason}` : ''}${event.data.scheduleId ? ` (scheduled ${event.data.scheduleId})` : ''}`;
    case 'LearnerReactivated':
      return `Learner ${event.data.learnerId} reactivated${event.data.restoredTeams.length > 0 ? `, teams restored: ${event.data.restoredTeams.join(', ')}` : ''}`;
    case 'LearnerProfileUpdated':
      return `Profile of ${event.data.learnerId} updated: ${Object.keys(event.data.changes).join(', ')}`;
    case 'ActivityRecorded':
      return `${event.data.kind === 'completion' ? 'Completion' : 'Assignment'} of course ${event.data.courseId} recorded for ${event.data.learnerId}`;
    case 'DeactivationScheduled':
      return `Deactivation of ${event.data.learnerIds.join(', ')} scheduled for ${event.data.effectiveAt}${event.data.reason ? `: ${event.data.reason}` : ''}`;
    case 'ScheduledDeactivationCancelled':
      return `Scheduled deactivation ${event.data.scheduleId} cancelled${event.data.reason ? `: ${event.data.reason}` : ''}`;
    case 'ScheduledDeactivationCompleted':
      return `Scheduled deactivation ${event.data.scheduleId} done: ${event.data.deactivated.length} deactivated, ${event.data.skipped.length} skipped`;
    case 'ImportReceived':
      return `Import ${event.data.importId} received: ${event.data.fileName} (${event.data.format}, ${event.data.rowCount} rows, due ${event.data.dueAt})`;
    case 'ImportLinesRecorded':
      return `Import ${event.data.importId}: outcome of ${event.data.lines.length} line(s) recorded`;
    case 'ImportApplied': {
      const c = event.data.counts;
      return `Import ${event.data.importId} applied: ${c.registered} registered, ${c.deactivated} deactivated, ${c.reactivated} reactivated, ${c.updated} updated, ${c.unchanged} unchanged, ${c.errors} errors`;
    }
    case 'ImportRejected':
      return `Import ${event.data.importId} rejected (${event.data.code}): ${event.data.message}`;
    case 'ScimTokenIssued':
      return `SCIM token ${event.data.tokenId} issued to client ${event.data.client}`;
    case 'ScimTokenRevoked':
      return `SCIM token ${event.data.tokenId} revoked`;
    case 'ScimDeactivationsHeld':
      return `SCIM deactivations held by the mass-deactivation guard (${event.data.deactivations} within the hour of ${event.data.activeLearners} active learners; refused: ${event.data.learnerIds.join(', ')})`;
    case 'ScimDeactivationsAllowed':
      return `SCIM deactivations allowed${event.data.until !== undefined ? ` until ${event.data.until}` : ''}${event.data.count !== undefined ? ` for ${event.data.count} more` : ''}`;
  }
};

const index = (map: Map<string, Map<string, AuditRow[]>>, orgId: string, key: string, row: AuditRow): void => {
  let org = map.get(orgId);
  if (!org) map.set(orgId, (org = new Map()));
  const list = org.get(key);
  if (list) list.push(row);
  else org.set(key, [row]);
};

const importOf = (event: DomainEvent, envelope: EventEnvelope): string | null =>
  ('importId' in event.data ? (event.data as { importId: string }).importId : undefined) ?? envelope.metadata.importId ?? null;

const apply = (state: AuditTrailState, envelope: EventEnvelope): AuditTrailState => {
  const { event, metadata: m } = envelope;
  const orgId = m.orgId;
  const position = envelope.globalPosition.toString();
  const learners = learnersOfEvent(event);
  const row: AuditRow = {
    org_id: orgId,
    global_position: position,
    stream_version: envelope.streamVersion,
    event_id: m.eventId,
    event_type: event.type,
    occurred_at: m.occurredAt,
    learner_id: 'learnerId' in event.data ? event.data.learnerId : null,
    import_id: importOf(event, envelope),
    file_name: m.fileName ?? null,
    line: m.line ?? null,
    actor_kind: m.actor.kind,
    actor_id: m.actor.id,
    channel: m.channel,
    command_id: m.commandId,
    correlation_id: m.correlationId,
    causation_id: m.causationId,
    summary: describeEvent(event),
    data: event.data as Readonly<Record<string, unknown>>,
  };
  state.trail.set(orgId, rowKey(position), row);
  for (const learnerId of learners) {
    state.learners.set(orgId, rowKey(learnerId, position), { org_id: orgId, learner_id: learnerId, global_position: position });
    index(state.byLearner, orgId, learnerId, row);
  }
  if (row.import_id !== null) index(state.byImport, orgId, row.import_id, row);
  if (event.type === 'LearnerPersonalDataErased') scrub(state, orgId, event.data.learnerId);
  return state;
};

/** The learner's rows with their personal fields (data and summary) read as erased; actor, channel, file and line stay. */
const scrub = (state: AuditTrailState, orgId: string, learnerId: string): void => {
  for (const row of state.byLearner.get(orgId)?.get(learnerId) ?? []) {
    const event = { type: row.event_type, data: row.data } as DomainEvent;
    const erased = withPersonalFieldsErased(event, learnerId);
    if (erased === event) continue;
    // In place: the learner and import indexes hold this very row.
    row.data = erased.data as Readonly<Record<string, unknown>>;
    row.summary = describeEvent(erased);
    state.trail.set(orgId, rowKey(row.global_position), row);
  }
};

/** Log order of two rows by their exact positions. */
const byPosition = (a: { global_position: string }, b: { global_position: string }): number => {
  const [x, y] = [BigInt(a.global_position), BigInt(b.global_position)];
  return x < y ? -1 : x > y ? 1 : 0;
};

const restored = (state: AuditTrailState): void => {
  state.byLearner.clear();
  state.byImport.clear();
  const rows = [...state.trail.allRows()].sort(byPosition);
  const atPosition = new Map<string, AuditRow>();
  for (const row of rows) {
    atPosition.set(`${row.org_id}\u0000${row.global_position}`, row);
    if (row.import_id !== null) index(state.byImport, row.org_id, row.import_id, row);
  }
  const links = [...state.learners.allRows()].sort(byPosition);
  for (const link of links) {
    const row = atPosition.get(`${link.org_id}\u0000${link.global_position}`);
    if (row) index(state.byLearner, link.org_id, link.learner_id, row);
  }
};

/**
 * Audit trail: every event of every organization with actor, channel, time,
 * import, file and line, indexed per learner and per import.
 */
export const auditTrailProjection: Projection<AuditTrailState> = {
  name: 'audit-trail',
  reads: EVENT_TYPES,
  initialState: () => ({ trail: new Table(auditTrailTables.trail), learners: new Table(auditTrailTables.learners), byLearner: new Map(), byImport: new Map() }),
  apply,
  tables: (state) => [state.trail, state.learners],
  restored,
};

export const toAuditEntry = (row: AuditRow): AuditEntry => ({
  globalPosition: BigInt(row.global_position),
  streamVersion: row.stream_version,
  eventId: row.event_id,
  type: row.event_type as EventType,
  occurredAt: row.occurred_at,
  ...(row.learner_id !== null ? { learnerId: row.learner_id } : {}),
  actor: { kind: row.actor_kind as Actor['kind'], id: row.actor_id },
  channel: row.channel as Channel,
  ...(row.import_id !== null ? { importId: row.import_id } : {}),
  ...(row.file_name !== null ? { fileName: row.file_name } : {}),
  ...(row.line !== null ? { line: row.line } : {}),
  commandId: row.command_id,
  correlationId: row.correlation_id,
  causationId: row.causation_id,
  summary: row.summary,
  data: row.data,
});

/** Every event concerning one learner, in log order. */
export const auditEntriesForLearner = (state: AuditTrailState, orgId: string, learnerId: string): AuditEntry[] =>
  (state.byLearner.get(orgId)?.get(learnerId) ?? []).map(toAuditEntry);

/** Every event of one import (its audit events and the changes its lines caused), in log order. */
export const auditEntriesForImport = (state: AuditTrailState, orgId: string, importId: string): AuditEntry[] =>
  (state.byImport.get(orgId)?.get(importId) ?? []).map(toAuditEntry);
