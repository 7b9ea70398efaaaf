import * as E from 'fp-ts/lib/Either.js';
import { decodeEvent, organizationStreamId, type DomainEvent, type EventStore } from '@learner-ledger/core';

/** When a resource was created and last changed: the stream version of that change and its instant. */
export interface ResourceStamp {
  readonly version: number;
  readonly created: string;
  readonly lastModified: string;
}

interface OrganizationStamps {
  upTo: number;
  readonly learners: Map<string, ResourceStamp>;
  readonly teams: Map<string, ResourceStamp>;
}

const READ_BATCH = 1000;

/**
 * Per resource, the version of the organization's stream that last changed
 * it: the `meta.version` a client sends back in `If-Match`. One organization
 * is one stream, so a resource's version is the stream version of the last
 * event about it, caught up from the store before each request (another
 * process may have written).
 */
export class ResourceVersions {
  private readonly organizations = new Map<string, OrganizationStamps>();

  constructor(private readonly store: EventStore) {}

  /** The stamps of an organization's learners and teams, caught up with its stream. */
  async catchUp(orgId: string): Promise<{ readonly learners: ReadonlyMap<string, ResourceStamp>; readonly teams: ReadonlyMap<string, ResourceStamp> }> {
    let stamps = this.organizations.get(orgId);
    if (stamps === undefined) {
      stamps = { upTo: 0, learners: new Map(), teams: new Map() };
      this.organizations.set(orgId, stamps);
    }
    const streamId = organizationStreamId(orgId);
    for (;;) {
      const read = await this.store.readStream(streamId, { fromVersion: stamps.upTo + 1, maxCount: READ_BATCH });
      for (const stored of read.events) {
        if (stored.streamVersion <= stamps.upTo) continue;
        const decoded = decodeEvent(stored);
        // An event the core cannot read fails the ledger's own load first; here it only leaves stamps as they were.
        if (E.isRight(decoded)) note(stamps, decoded.right.event, stored.streamVersion, decoded.right.metadata.occurredAt);
        stamps.upTo = stored.streamVersion;
      }
      if (read.events.length < READ_BATCH) return stamps;
    }
  }
}

const touch = (map: Map<string, ResourceStamp>, id: string, version: number, at: string): void => {
  const before = map.get(id);
  map.set(id, { version, created: before?.created ?? at, lastModified: at });
};

/** Which resources an event changes: the learner it names, the team it creates, the teams whose members it changes. */
const note = (stamps: OrganizationStamps, event: DomainEvent, version: number, at: string): void => {
  const data = event.data as { learnerId?: unknown; teamId?: unknown };
  if (event.type === 'TeamCreated' && typeof data.teamId === 'string') touch(stamps.teams, data.teamId, version, at);
  if (typeof data.learnerId === 'string') touch(stamps.learners, data.learnerId, version, at);
  if (event.type === 'TeamMembershipChanged') {
    for (const teamId of [...event.data.added, ...event.data.removed]) touch(stamps.teams, teamId, version, at);
  }
};
