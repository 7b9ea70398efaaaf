import * as t from 'io-ts';
import { EntityIdCodec, OrgIdCodec } from './ids.js';
import { IsoInstant } from './events.js';
import { RecordedOutcome } from './organization/outcome-codec.js';

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
    /**
     * What the deciding writer's clock read, when it read earlier than the
     * organization's last event: `occurredAt` is then that event's instant,
     * so time never runs backwards within an organization's stream.
     */
    clockReading: IsoInstant,
    /**
     * On a command's first event, when its events alone do not tell what the
     * command did to each subject (skipped and rejected subjects, notes): the
     * outcomes it was applied with, for a repeated delivery to answer with.
     */
    outcomes: t.readonlyArray(RecordedOutcome),
  }),
]);
/** Metadata carried by every event. */
export type EventMetadata = t.TypeOf<typeof EventMetadata>;
