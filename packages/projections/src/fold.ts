import type { EventStore, GlobalPosition } from '@learner-ledger/core';
import { takesEffect } from './history/temporal.js';
import type { Projection } from './projection.js';
import { licenseCountOf, licenseCountsProjection, type LicenseCount } from './projections/license-counts.js';
import { organizationEvents, type Period } from './query-support.js';

/** The state of a projection folded from one organization's stream, and the position of the last event read. */
export interface Folded<S> {
  readonly state: S;
  readonly position: GlobalPosition;
}

/**
 * Folds one organization's stream into a fresh projection state, up to
 * `limit` (epoch ms; +∞ for every event): every event that takes effect at or
 * before it ({@link takesEffect}: at the latest `occurredAt` of the stream up
 * to it). Those events are a prefix of the stream, so the read stops at the
 * first event past the limit.
 */
export const foldAsOf = async <S>(store: EventStore, projection: Projection<S>, orgId: string, limit: number, onUnknownEvent: 'stop' | 'skip' = 'stop'): Promise<Folded<S>> => {
  const reads = new Set<string>(projection.reads);
  let state = projection.initialState();
  let clock: number | undefined;
  let position: GlobalPosition = 0n;
  // Every event moves the clock, so every event is decoded, whatever the projection reads.
  for await (const envelope of organizationEvents(store, orgId, undefined, onUnknownEvent)) {
    clock = takesEffect(clock, envelope.metadata.occurredAt);
    if (clock > limit) break;
    if (reads.has(envelope.event.type)) state = projection.apply(state, envelope);
    position = envelope.globalPosition;
  }
  return { state, position };
};

/** The license count after each instant at which license events of the organization took effect, in time order. */
export interface LicenseTimeline {
  readonly instants: readonly number[];
  readonly counts: readonly LicenseCount[];
  readonly position: GlobalPosition;
}

/** Folds the organization's stream once, keeping the license count after every instant a license event took effect. */
export const licenseTimeline = async (store: EventStore, orgId: string, onUnknownEvent: 'stop' | 'skip' = 'stop'): Promise<LicenseTimeline> => {
  const reads = new Set<string>(licenseCountsProjection.reads);
  const state = licenseCountsProjection.initialState();
  const instants: number[] = [];
  const counts: LicenseCount[] = [];
  let clock: number | undefined;
  let position: GlobalPosition = 0n;
  for await (const envelope of organizationEvents(store, orgId, undefined, onUnknownEvent)) {
    clock = takesEffect(clock, envelope.metadata.occurredAt);
    position = envelope.globalPosition;
    if (!reads.has(envelope.event.type)) continue;
    licenseCountsProjection.apply(state, envelope);
    const count = licenseCountOf(state, orgId);
    // Only the last count of an instant is ever observable.
    if (instants.length > 0 && instants[instants.length - 1] === clock) counts[counts.length - 1] = count;
    else {
      instants.push(clock);
      counts.push(count);
    }
  }
  return { instants, counts, position };
};

const ZERO: LicenseCount = { seats: 0, inUse: 0, available: 0 };

/** What one period of a license series holds: the count at its end, and the most licenses in use at any instant of it with the first instant that reached it. */
export interface PeriodCount {
  readonly end: LicenseCount;
  readonly peak: { readonly inUse: number; readonly at: number };
}

/**
 * The count at the end of each period and its peak, from a timeline: the
 * count at an instant u is the one after the last instant ≤ u; the peak of
 * [start, end] is the greatest count at `start` or at an instant in
 * (start, end], reached first at the earliest of them.
 */
export const periodCounts = (timeline: Pick<LicenseTimeline, 'instants' | 'counts'>, periods: readonly Period[]): PeriodCount[] => {
  const { instants, counts } = timeline;
  const result: PeriodCount[] = [];
  let next = 0;
  let current = ZERO;
  for (const period of periods) {
    while (next < instants.length && instants[next]! <= period.start) current = counts[next++]!;
    let peak = { inUse: current.inUse, at: period.start };
    while (next < instants.length && instants[next]! <= period.end) {
      current = counts[next]!;
      if (current.inUse > peak.inUse) peak = { inUse: current.inUse, at: instants[next]! };
      next++;
    }
    result.push({ end: current, peak });
  }
  return result;
};
