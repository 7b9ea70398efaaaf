import { DateTime } from 'luxon';
import { createLedger, InMemoryEventStore, readAllBatches, type EventStore, type NewStoredEvent, type StoredEvent } from '@learner-ledger/core';
import { prng, randomScript, runScript } from './scripts.js';

/** Zones with the awkward cases: half- and quarter-hour offsets, a 30-minute DST shift, a skipped day, the far side of the date line, no DST. */
export const AWKWARD_ZONES = [
  'UTC',
  'America/Chicago',
  'Europe/Berlin',
  'Australia/Sydney',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Pacific/Apia',
  'Pacific/Kiritimati',
  'America/Santiago',
  'Asia/Tehran',
] as const;

const HOUR = 3_600_000;
/** How far an event's occurredAt is moved when it is disordered: back-dated commands, clock skew between writers, a millisecond either way. */
const SHIFTS = [-3 * 24 * HOUR, -26 * HOUR, -5 * HOUR, -1, 1, 2 * HOUR, 30 * 24 * HOUR];

export interface ScriptedHistory {
  /** The events to append, in log order, each to its stream. */
  readonly events: readonly StoredEvent[];
  /** The organizations of the history and the zone each was onboarded in. */
  readonly zones: ReadonlyMap<string, string>;
}

/**
 * A random history as a store's log can hold it: the events of a scripted
 * run of the ledger (several organizations, every kind of command), with each
 * organization onboarded in a zone drawn from {@link AWKWARD_ZONES} and, with
 * probability `disorder`, an event's `occurredAt` moved back or forth in time,
 * so a stream's `occurredAt` may go back (what old logs and direct appends hold).
 */
export const scriptedHistory = async (seed: number, length: number, disorder: number, start = '2026-02-20T15:00:00.000Z'): Promise<ScriptedHistory> => {
  const scratch = new InMemoryEventStore();
  await runScript(createLedger({ store: scratch }), randomScript(seed, length, start));
  return copyWithDisorder(scratch, seed, disorder, () => undefined);
};

/** The events of a store, with each organization given a zone (drawn, unless `zoneOf` names one) and some `occurredAt` moved. */
const copyWithDisorder = async (source: EventStore, seed: number, disorder: number, zoneOf: (orgId: string) => string | undefined): Promise<ScriptedHistory> => {
  const r = prng(seed ^ 0x2545f491);
  const zones = new Map<string, string>();
  const events: StoredEvent[] = [];
  for await (const batch of readAllBatches(source, { maxCount: 500 })) {
    for (const stored of batch.events) {
      const metadata = { ...(stored.metadata as Record<string, unknown>) };
      const orgId = metadata['orgId'] as string;
      let data = stored.data;
      if (stored.type === 'OrganizationOnboarded') {
        const zone = zoneOf(orgId) ?? r.pick(AWKWARD_ZONES);
        zones.set(orgId, zone);
        data = { ...(data as object), timeZone: zone };
      }
      if (r.next() < disorder) metadata['occurredAt'] = new Date(Date.parse(metadata['occurredAt'] as string) + r.pick(SHIFTS)).toISOString();
      events.push({ ...stored, data, metadata });
    }
  }
  return { events, zones };
};

/**
 * A busy license history of one organization (`usage`) for series and peaks:
 * registrations, deactivations, reactivations and resizes landing exactly on
 * local midnights, a millisecond either side, at noon or anywhere, often
 * several at one instant, over about six weeks in a zone drawn from
 * {@link AWKWARD_ZONES}; some `occurredAt` then moved (`disorder`).
 */
export const busyLicenseHistory = async (seed: number, commands: number, disorder: number): Promise<ScriptedHistory & { readonly first: number; readonly last: number }> => {
  const r = prng(seed);
  const zone = r.pick(AWKWARD_ZONES);
  const firstDay = DateTime.fromObject({ year: 2026, month: r.int(1, 12), day: r.int(1, 28) }, { zone }).startOf('day');
  const instants = Array.from({ length: commands }, () => {
    const midnight = firstDay.plus({ days: r.int(1, 42) }).startOf('day').toMillis();
    return r.pick([midnight, midnight - 1, midnight + 1, midnight + 12 * HOUR, midnight + r.int(0, 24 * HOUR - 1)]);
  }).sort((a, b) => a - b);
  const scratch = new InMemoryEventStore();
  const ledger = createLedger({ store: scratch });
  const context = (at: number) => ({ actor: { kind: 'admin' as const, id: 'a@usage.test' }, channel: 'api' as const, now: new Date(at).toISOString() });
  await ledger.execute({ type: 'OnboardOrganization', orgId: 'usage', name: 'Usage Test Org', seats: r.int(2, 6), timeZone: zone }, context(firstDay.toMillis()));
  const learners: string[] = [];
  for (const at of instants) {
    const roll = r.next();
    const someone = learners.length > 0 ? r.pick(learners) : 'nobody';
    if (roll < 0.45) {
      const learnerId = `L${learners.length + 1}`;
      learners.push(learnerId);
      await ledger.execute({ type: 'RegisterLearner', orgId: 'usage', learnerId, email: `${learnerId}@usage.test`, firstName: 'F', lastName: 'L' }, context(at));
    } else if (roll < 0.75) await ledger.execute({ type: 'DeactivateLearners', orgId: 'usage', learnerIds: [someone] }, context(at));
    else if (roll < 0.9) await ledger.execute({ type: 'ReactivateLearner', orgId: 'usage', learnerId: someone }, context(at));
    else await ledger.execute({ type: 'ResizeLicensePool', orgId: 'usage', seats: r.int(0, 8) }, context(at));
  }
  const history = await copyWithDisorder(scratch, seed, disorder, () => zone);
  return { ...history, first: firstDay.toMillis(), last: firstDay.plus({ days: 44 }).toMillis() };
};

/** Appends events to a store one at a time, in order, each to its own stream (any expected version). */
export const appendHistory = async (store: EventStore, events: readonly StoredEvent[]): Promise<void> => {
  for (const event of events) {
    const copy: NewStoredEvent = { eventId: event.eventId, type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata: event.metadata };
    await store.appendToStream(event.streamId, [copy], { expectedVersion: 'any' });
  }
};

/**
 * The questions to ask of one organization: every instant an event of it
 * carries, a millisecond either side, instants between, and the same moments
 * as a report states them — dates (the end of that day in the zone), local
 * date-times, instants with an offset — plus a day before it existed.
 */
export const questionsFor = (events: readonly StoredEvent[], orgId: string, zone: string, seed: number): string[] => {
  const r = prng(seed);
  const times = events.filter((e) => (e.metadata as { orgId: string }).orgId === orgId).map((e) => Date.parse((e.metadata as { occurredAt: string }).occurredAt));
  if (times.length === 0) return [];
  const asked = new Set<string>();
  const lo = Math.min(...times);
  const hi = Math.max(...times);
  for (const time of times) for (const d of [-1, 0, 1]) asked.add(new Date(time + d).toISOString());
  for (let i = 0; i < 12; i++) {
    const at = DateTime.fromMillis(lo + Math.floor(r.next() * (hi - lo + 2 * 24 * HOUR)) - 24 * HOUR, { zone });
    asked.add(at.toISODate()!);
    asked.add(at.toFormat("yyyy-MM-dd'T'HH:mm"));
    asked.add(at.toISO()!);
    asked.add(at.toISO({ suppressMilliseconds: true, includeOffset: true })!);
  }
  asked.add(DateTime.fromMillis(lo, { zone }).minus({ days: 1 }).toISODate()!);
  asked.add(DateTime.fromMillis(hi, { zone }).plus({ days: 1 }).toISODate()!);
  return [...asked];
};
