import fc from 'fast-check';
import type * as t from 'io-ts';
import { CURRENT_EVENT_CODECS, EVENT_TYPES, EventMetadata, LearnerDeactivatedV1, organizationStreamId, type StoredEvent } from '../src/index.js';
import { mutate, mutationArb, validArb } from './codec-arbitraries.js';

/*
 * Stored events of every kind a reader can meet, for the properties of the
 * read path: valid ones, older versions, mutated ones, unknown types, events
 * in another organization's stream; and chain links for their metadata.
 */

const dataCodecOf = (type: keyof typeof CURRENT_EVENT_CODECS): t.Mixed => CURRENT_EVENT_CODECS[type].codec.props.data as t.Mixed;

/** Metadata the codec accepts, with its edge cases when `edges`. */
export const metadataArb = (edges: boolean) => validArb(EventMetadata, edges) as fc.Arbitrary<Record<string, unknown>>;

/** A well-formed chain link. */
export const linkArb = fc.record({ v: fc.constantFrom(1, 2), hash: fc.string({ minLength: 64, maxLength: 64, unit: fc.constantFrom(...'0123456789abcdef') }), parts: fc.constant('00000000.00000000.00000000.00000000') });

const dataArbs = new Map<t.Mixed, fc.Arbitrary<unknown>>();
const dataArbOf = (codec: t.Mixed): fc.Arbitrary<unknown> => {
  let arb = dataArbs.get(codec);
  if (!arb) dataArbs.set(codec, (arb = validArb(codec, true)));
  return arb;
};

/** A stored event of any kind: valid, of an older version, mutated, of an unknown type, in another organization's stream. */
export const storedEventArb: fc.Arbitrary<StoredEvent> = fc
  .record({
    type: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...EVENT_TYPES) }, { weight: 1, arbitrary: fc.constantFrom('LearnerTeleported', 'toString', '__proto__', '') }),
    versionShift: fc.constantFrom(0, 0, 0, 0, -1, 1, 0.5),
    seed: fc.nat(),
    metadata: metadataArb(true),
    dataMutations: fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 2, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 2 }) }),
    metadataMutations: fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 2 }) }),
    stream: fc.constantFrom('own', 'own', 'own', 'other-org', 'not-an-org', 'invalid-org'),
    streamVersion: fc.integer({ min: 1, max: 1000 }),
    position: fc.bigInt({ min: 1n, max: 2n ** 62n }),
  })
  .chain((r) => {
    const known = EVENT_TYPES.includes(r.type as (typeof EVENT_TYPES)[number]) ? (r.type as (typeof EVENT_TYPES)[number]) : undefined;
    const version = known ? CURRENT_EVENT_CODECS[known].version + r.versionShift : 1;
    // Data of the version it claims: v1 of LearnerDeactivated is upcast on read.
    const dataCodec = known === 'LearnerDeactivated' && version === 1 ? (LearnerDeactivatedV1.props.data as t.Mixed) : known ? dataCodecOf(known) : dataCodecOf('LicenseAssigned');
    return dataArbOf(dataCodec).map((data): StoredEvent => {
      const metadata = mutate(r.metadata, r.metadataMutations);
      const orgId = typeof (metadata as { orgId?: unknown })?.orgId === 'string' ? ((metadata as { orgId: string }).orgId) : 'acme';
      const streamId = {
        own: organizationStreamId(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(orgId) ? orgId : 'acme'),
        'other-org': organizationStreamId(orgId === 'globex' ? 'initech' : 'globex'),
        'not-an-org': 'another-application-stream',
        'invalid-org': 'learner-ledger.org-bad/org',
      }[r.stream];
      return { eventId: `e-${r.seed}`, type: r.type, schemaVersion: version, data: mutate(data, r.dataMutations), metadata, streamId, streamVersion: r.streamVersion, globalPosition: r.position };
    });
  });

