import * as E from 'fp-ts/lib/Either.js';
import type { ResizeLicensePool } from '../commands.js';
import { domainError } from '../errors.js';
import { checkSeats } from '../validation.js';
import { ok, type Result } from './decision.js';
import type { OrganizationState } from './state.js';

/** Whether a learner can be given a license now. */
export const hasFreeLicense = (state: OrganizationState): boolean => state.licensesInUse < state.seats;

/** The id the next assigned license gets. */
export const nextLicenseId = (state: OrganizationState): string => `L-${state.nextLicenseNumber}`;

/** Resizes the pool, never below the licenses in use. */
export const resizeLicensePool = (state: OrganizationState, c: ResizeLicensePool): Result => {
  const invalid = checkSeats(c.seats);
  if (invalid) return E.left(invalid);
  if (c.seats < state.licensesInUse) {
    return E.left(
      domainError('SEATS_BELOW_IN_USE', `Cannot resize ${state.orgId} to ${c.seats} seats: ${state.licensesInUse} licenses are in use`, { field: 'seats', value: String(c.seats) }),
    );
  }
  if (c.seats === state.seats) return ok([], [{ subject: state.orgId, action: 'resize', status: 'skipped', code: 'UNCHANGED' }]);
  return ok([{ event: { type: 'LicensePoolResized', data: { seats: c.seats, previousSeats: state.seats } } }], [{ subject: state.orgId, action: 'resize', status: 'applied' }]);
};
