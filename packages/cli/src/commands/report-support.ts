import * as E from 'fp-ts/lib/Either.js';
import { DateTime } from 'luxon';
import { organizationTimeZone, type QueryError } from '@learner-ledger/projections';
import { CliError } from '../errors.js';
import type { Session } from '../session.js';

/** A refused query becomes a CLI error (exit code 1). */
export const answer = <T>(result: E.Either<QueryError, T>): T => {
  if (E.isLeft(result)) throw new CliError(result.left.code, result.left.message);
  return result.right;
};

/** `2026-03-31 23:59 America/Chicago` for an instant. */
export const localTime = (instant: string, timeZone: string): string => {
  const local = DateTime.fromISO(instant, { zone: 'utc' }).setZone(timeZone);
  return local.isValid ? `${local.toFormat('yyyy-MM-dd HH:mm')} ${timeZone}` : instant;
};

/** The organization's time zone to show times in; UTC for an organization that does not exist. */
export const timeZoneOf = async (session: Session, orgId: string): Promise<string> => {
  const zone = await organizationTimeZone(await session.store(), orgId);
  if (E.isLeft(zone) && (zone.left.code === 'ORGANIZATION_NOT_FOUND' || zone.left.code === 'INVALID_ORGANIZATION_ID')) return 'UTC';
  return answer(zone);
};

