import * as t from 'io-ts';
import { EntityIdCodec, OrgIdCodec } from './ids.js';
import { IsoInstant } from './events.js';

export const ActorKind = t.keyof({ admin: null, import: null, connector: null, system: null });
export const Actor = t.type({ kind: ActorKind, id: t.string });
/** Who caused a change: an administrator, an import, a connector sync or the system (scheduler). */
export type Actor = t.TypeOf<typeof Actor>;

export const Channel = t.keyof({
  'learner-draft': null,
  'learner-profile': null,
  'data-services': null,
  'learner-page': null,
  api: null,
  scim: null,
});
/** The way the change reached the library (see docs/design.md, The four ways administrators deactivate), `api`, or `scim` (an identity provider's SCIM 2.0 client). */
export type Channel = t.TypeOf<typeof Channel>;
export const CHANNELS: readonly Channel[] = ['learner-draft', 'learner-profile', 'data-services', 'learner-page', 'api', 'scim'];

export const EventMetadata = t.intersection([
  t.type({
    eventId: t.string,
    occurredAt: IsoInstant,
    orgId: OrgIdCodec,
    commandId: t.string,
    correlationId: t.string,
    causationId: t.string,
    actor: Actor,
    channel: Channel,
  }),
  t.partial({
    importId: EntityIdCodec,
    fileName: t.string,
    line: t.number,
  }),
]);
/** Metadata carried by every event. */
export type EventMetadata = t.TypeOf<typeof EventMetadata>;
