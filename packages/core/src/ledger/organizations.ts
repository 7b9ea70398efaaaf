import { readAllBatches, type EventStore } from '../store/port.js';
import { orgIdOfStream } from '../ids.js';

/** Every organization id with a stream in the store (scans the log once). */
export const listOrganizationIds = async (store: EventStore): Promise<string[]> => {
  const ids = new Set<string>();
  for await (const batch of readAllBatches(store, { maxCount: 5000 })) {
    for (const event of batch.events) {
      if (event.type !== 'OrganizationOnboarded') continue;
      const orgId = orgIdOfStream(event.streamId);
      if (orgId !== undefined) ids.add(orgId);
    }
  }
  return [...ids].sort();
};
