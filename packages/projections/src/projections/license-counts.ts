import type { EventEnvelope } from '@learner-ledger/core';
import type { Projection } from '../projection.js';
import { Table, integer, text } from '../table.js';

export interface LicenseCountRow {
  [column: string]: string | number | null;
  org_id: string;
  time_zone: string;
  seats: number;
  in_use: number;
  available: number;
  onboarded_at: string | null;
}

export interface LicenseHolderRow {
  [column: string]: string;
  org_id: string;
  learner_id: string;
  license_id: string;
}

/** State of the license-count projection: one counts row per organization, one row per license held. */
export interface LicenseCountsState {
  readonly counts: Table<LicenseCountRow>;
  readonly holders: Table<LicenseHolderRow>;
}

/** The answer to "how many licenses": seats, in use, available. */
export interface LicenseCount {
  readonly seats: number;
  readonly inUse: number;
  readonly available: number;
}

export const licenseCountsTables = {
  counts: {
    name: 'll_license_counts',
    description: 'One row per organization: seats bought, licenses in use, licenses available, its IANA time zone.',
    columns: [text('org_id'), text('time_zone'), integer('seats'), integer('in_use'), integer('available'), text('onboarded_at', true)],
    primaryKey: ['org_id'],
  },
  holders: {
    name: 'll_license_holders',
    description: 'One row per license in use: which learner holds which license.',
    columns: [text('org_id'), text('learner_id'), text('license_id')],
    primaryKey: ['org_id', 'learner_id'],
  },
} as const;

const countsOf = (state: LicenseCountsState, orgId: string): LicenseCountRow => {
  let row = state.counts.get(orgId, orgId);
  if (!row) {
    row = { org_id: orgId, time_zone: 'UTC', seats: 0, in_use: 0, available: 0, onboarded_at: null };
    state.counts.set(orgId, orgId, row);
  }
  return row;
};

const apply = (state: LicenseCountsState, envelope: EventEnvelope): LicenseCountsState => {
  const event = envelope.event;
  const orgId = envelope.metadata.orgId;
  switch (event.type) {
    case 'OrganizationOnboarded': {
      const row = countsOf(state, orgId);
      row.time_zone = event.data.timeZone;
      row.seats = event.data.seats;
      row.available = row.seats - row.in_use;
      row.onboarded_at = envelope.metadata.occurredAt;
      state.counts.touch(orgId, orgId, row);
      return state;
    }
    case 'LicensePoolResized': {
      const row = countsOf(state, orgId);
      row.seats = event.data.seats;
      row.available = row.seats - row.in_use;
      state.counts.touch(orgId, orgId, row);
      return state;
    }
    case 'LicenseAssigned': {
      const learnerId = event.data.learnerId;
      // A learner holds at most one license: a second assignment replaces it, like the organization's own fold.
      if (state.holders.add(orgId, learnerId, { org_id: orgId, learner_id: learnerId, license_id: event.data.licenseId })) {
        const row = countsOf(state, orgId);
        row.in_use++;
        row.available = row.seats - row.in_use;
        state.counts.touch(orgId, orgId, row);
      }
      return state;
    }
    case 'LicenseReleased': {
      if (!state.holders.remove(orgId, event.data.learnerId)) return state;
      const row = countsOf(state, orgId);
      row.in_use--;
      row.available = row.seats - row.in_use;
      state.counts.touch(orgId, orgId, row);
      return state;
    }
    default:
      return state;
  }
};

/**
 * Active license count per organization: seats, licenses in use (one per
 * active learner holding a license), available (seats − in use; negative
 * only if the log itself is inconsistent, which the anomalies projection
 * reports).
 */
export const licenseCountsProjection: Projection<LicenseCountsState> = {
  name: 'license-counts',
  reads: ['OrganizationOnboarded', 'LicensePoolResized', 'LicenseAssigned', 'LicenseReleased'],
  initialState: () => ({ counts: new Table(licenseCountsTables.counts), holders: new Table(licenseCountsTables.holders) }),
  apply,
  scopedByOrganization: true,
  scopedByLearner: true,
  tables: (state) => [state.counts, state.holders],
};

/** The license count of one organization in a license-count state (zeros when it does not exist there). */
export const licenseCountOf = (state: LicenseCountsState, orgId: string): LicenseCount => {
  const row = state.counts.get(orgId, orgId);
  return row ? { seats: row.seats, inUse: row.in_use, available: row.available } : { seats: 0, inUse: 0, available: 0 };
};

/** The IANA time zone an organization was onboarded with, if the state knows the organization. */
export const timeZoneOf = (state: LicenseCountsState, orgId: string): string | undefined => {
  const row = state.counts.get(orgId, orgId);
  return row?.onboarded_at ? row.time_zone : undefined;
};
