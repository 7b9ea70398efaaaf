import { ORGANIZATION_STREAM_PREFIX, orgIdOfStream } from '../ids.js';
import type { EventStore } from '../store/port.js';

/**
 * Every onboarded organization's id, in order. Asks the store for the streams
 * under the organization prefix whose first event is `OrganizationOnboarded`
 * (the ledger writes no other first event): an index range scan on SQLite and
 * PostgreSQL, one filtered pass on KurrentDB; the log itself is not read.
 */
export const listOrganizationIds = async (store: EventStore): Promise<string[]> => {
  const { streamIds } = await store.listStreams({ prefix: ORGANIZATION_STREAM_PREFIX, firstEventType: 'OrganizationOnboarded' });
  const ids: string[] = [];
  for (const streamId of streamIds) {
    const orgId = orgIdOfStream(streamId);
    if (orgId !== undefined) ids.push(orgId);
  }
  return ids;
};
