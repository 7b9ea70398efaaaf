import * as E from 'fp-ts/lib/Either.js';
import {
  createLedger,
  decodeEvent,
  encodeEvent,
  EVENT_TYPES,
  InMemoryEventStore,
  InvalidEventError,
  organizationStreamId,
  type DomainEvent,
  type EventDecodeError,
  type NewStoredEvent,
  type StoredEvent,
} from '../src/index.js';
import { adminContext } from '../src/testing/index.js';
import { SAMPLE_EVENTS, sampleMetadata } from './sample-events.js';
import { acme } from './support.js';

const stream = organizationStreamId('acme');
const decodeLeft = (stored: StoredEvent): EventDecodeError => {
  const result = decodeEvent(stored);
  if (E.isRight(result)) throw new Error(`expected ${stored.type} to fail decoding`);
  return result.left;
};
const raw = (type: string, schemaVersion: number, data: unknown, metadata: unknown = sampleMetadata()): NewStoredEvent => ({
  eventId: (metadata as { eventId?: string }).eventId ?? 'x',
  type,
  schemaVersion,
  data,
  metadata,
});

describe('event serialization', () => {
  it('has a sample of every event type', () => {
    expect(Object.keys(SAMPLE_EVENTS).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it.each(EVENT_TYPES)('round-trips %s through encode, the store and decode', async (type) => {
    const store = new InMemoryEventStore();
    const event = SAMPLE_EVENTS[type] as DomainEvent;
    const metadata = sampleMetadata();
    await store.appendToStream(stream, [encodeEvent(event, metadata)], { expectedVersion: 'no_stream' });
    const [stored] = (await store.readStream(stream)).events;
    const decoded = decodeEvent(stored!);
    if (E.isLeft(decoded)) throw new Error(decoded.left.message);
    expect(decoded.right.event).toEqual(event);
    expect(decoded.right.metadata).toEqual(metadata);
    expect(decoded.right.streamId).toBe(stream);
    expect(decoded.right.streamVersion).toBe(1);
    expect(decoded.right.globalPosition).toBe(1n);
  });

  it('survives a JSON round trip (what SQL and gRPC stores do to payloads)', () => {
    for (const type of EVENT_TYPES) {
      const encoded = encodeEvent(SAMPLE_EVENTS[type] as DomainEvent, sampleMetadata());
      const stored: StoredEvent = { ...JSON.parse(JSON.stringify(encoded)), streamId: stream, streamVersion: 1, globalPosition: 1n };
      const decoded = decodeEvent(stored);
      expect(E.isRight(decoded) && decoded.right.event).toEqual(SAMPLE_EVENTS[type]);
    }
  });

  it('validates on write: an invalid event is refused with its failing field and never reaches the store', () => {
    const bad = { type: 'LearnerDeactivated', data: { learnerId: '', removedTeams: [] } } as DomainEvent;
    let error: unknown;
    try {
      encodeEvent(bad, sampleMetadata());
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).field).toBe('data.learnerId');
    expect((error as InvalidEventError).message).toMatch(/LearnerDeactivated: data\.learnerId/);
    expect(() => encodeEvent({ type: 'LicensePoolResized', data: { seats: -1, previousSeats: 0 } }, sampleMetadata())).toThrow(/data\.seats/);
    expect(() => encodeEvent({ type: 'Nope', data: {} } as unknown as DomainEvent, sampleMetadata())).toThrow(/Unknown event type/);
    const badMeta = (() => {
      try {
        encodeEvent(SAMPLE_EVENTS.LicenseAssigned, { ...sampleMetadata(), actor: { kind: 'robot', id: 'r' } } as never);
      } catch (caught) {
        return caught as InvalidEventError;
      }
      return undefined;
    })();
    expect(badMeta?.field).toBe('metadata.actor.kind');
    expect(() => encodeEvent(SAMPLE_EVENTS.LicenseAssigned, { ...sampleMetadata(), occurredAt: '2026-03-02 09:00' })).toThrow(/occurredAt/);
  });

  it('names stream, position, type and failing field when a stored event does not decode', async () => {
    const store = new InMemoryEventStore();
    await store.appendToStream(stream, [encodeEvent(SAMPLE_EVENTS.TeamCreated, sampleMetadata()), raw('LearnerDeactivated', 2, { learnerId: 42, removedTeams: [] })]);
    const [, stored] = (await store.readStream(stream)).events;
    const error = decodeLeft(stored!);
    expect(error).toEqual(
      expect.objectContaining({ code: 'EVENT_DECODE_FAILED', streamId: stream, streamVersion: 2, globalPosition: 2n, type: 'LearnerDeactivated', schemaVersion: 2, field: 'data.learnerId' }),
    );
    expect(error.message).toContain(stream);
    expect(error.message).toContain('version 2');
    expect(error.message).toContain('global position 2');
    expect(error.message).toContain('data.learnerId');
    expect(error.message).toContain('42');
  });

  it('names nested fields of data and metadata', () => {
    const at = { streamId: stream, streamVersion: 3, globalPosition: 9n };
    const nested = decodeLeft({ ...raw('DeactivationScheduled', 1, { ...SAMPLE_EVENTS.DeactivationScheduled.data, move: { addTo: 'x', removeFrom: 'some' } }), ...at });
    expect(nested.field).toMatch(/^data\.move/);
    const line = decodeLeft({ ...raw('ImportLinesRecorded', 1, { importId: 'i', lines: [{ line: 1.5, learnerId: 'a', action: 'register' }] }), ...at });
    expect(line.field).toBe('data.lines.0.line');
    const meta = decodeLeft({ ...raw('LicenseAssigned', 1, SAMPLE_EVENTS.LicenseAssigned.data, { ...sampleMetadata(), orgId: 'acme/..' }), ...at });
    expect(meta.field).toBe('metadata.orgId');
    expect(meta.message).toMatch(/metadata/);
  });

  it('refuses an unknown event type and a future schema version with clear errors', () => {
    const at = { streamId: stream, streamVersion: 1, globalPosition: 1n };
    const unknown = decodeLeft({ ...raw('LearnerTeleported', 1, {}), ...at });
    expect(unknown.code).toBe('UNKNOWN_EVENT_TYPE');
    expect(unknown.message).toContain('"LearnerTeleported"');
    expect(unknown.message).toContain(stream);
    const inherited = decodeLeft({ ...raw('toString', 1, {}), ...at });
    expect(inherited.code).toBe('UNKNOWN_EVENT_TYPE');
    const future = decodeLeft({ ...raw('LearnerDeactivated', 3, SAMPLE_EVENTS.LearnerDeactivated.data), ...at });
    expect(future.code).toBe('UNSUPPORTED_SCHEMA_VERSION');
    expect(future.message).toMatch(/schema version 3/);
    expect(future.message).toMatch(/reads 1 to 2/);
    expect(future.message).toMatch(/newer version/);
    expect(decodeLeft({ ...raw('TeamCreated', 0, SAMPLE_EVENTS.TeamCreated.data), ...at }).code).toBe('UNSUPPORTED_SCHEMA_VERSION');
  });

  it('upcasts LearnerDeactivated v1 (no removedTeams) to v2', () => {
    const decoded = decodeEvent({ ...raw('LearnerDeactivated', 1, { learnerId: '0001', reason: 'left' }), streamId: stream, streamVersion: 1, globalPosition: 1n });
    if (E.isLeft(decoded)) throw new Error(decoded.left.message);
    expect(decoded.right.event).toEqual({ type: 'LearnerDeactivated', data: { learnerId: '0001', removedTeams: [], reason: 'left' } });
    // A v1 event that is broken still names its field after upcasting.
    const missing = decodeLeft({ ...raw('LearnerDeactivated', 1, { reason: 'left' }), streamId: stream, streamVersion: 1, globalPosition: 1n });
    expect(missing.field).toBe('data.learnerId');
    expect(missing.message).toMatch(/data\.learnerId: expected .*, but it is missing/);
  });

  it('folds a log holding a v1 deactivation: reactivation restores no teams and does not crash', async () => {
    const store = new InMemoryEventStore();
    const writer = createLedger({ store });
    for (const command of acme()) expect(E.isRight(await writer.execute(command, adminContext()))).toBe(true);
    // What an older version wrote when 0002 (sales, support) was deactivated with the move.
    const head = (await store.readStream(stream)).currentVersion;
    await store.appendToStream(
      stream,
      [
        encodeEvent({ type: 'TeamMembershipChanged', data: { learnerId: '0002', added: ['inactive-learners'], removed: ['sales', 'support'] } }, sampleMetadata({ commandId: 'old' })),
        raw('LearnerDeactivated', 1, { learnerId: '0002', reason: 'left' }, sampleMetadata({ commandId: 'old' })),
        encodeEvent({ type: 'LicenseReleased', data: { learnerId: '0002' } }, sampleMetadata({ commandId: 'old' })),
      ],
      { expectedVersion: head },
    );
    const reader = createLedger({ store });
    const before = await reader.state('acme');
    if (E.isLeft(before)) throw new Error(before.left.message);
    expect(before.right.learners.get('0002')).toEqual(expect.objectContaining({ status: 'inactive', licenseId: null, teams: ['inactive-learners'], teamsBeforeDeactivation: [] }));
    expect(before.right.licensesInUse).toBe(1);
    const result = await reader.execute({ type: 'ReactivateLearner', orgId: 'acme', learnerId: '0002' }, adminContext());
    if (E.isLeft(result)) throw new Error(result.left.message);
    expect(result.right.events.map((e) => e.event)).toEqual([
      { type: 'LearnerReactivated', data: { learnerId: '0002', restoredTeams: [] } },
      { type: 'LicenseAssigned', data: { learnerId: '0002', licenseId: 'L-3' } },
      { type: 'TeamMembershipChanged', data: { learnerId: '0002', added: [], removed: ['inactive-learners'] } },
    ]);
    // Events are never rewritten in place: the stored v1 event is still v1.
    const stored = (await store.readStream(stream, { fromVersion: head + 2, maxCount: 1 })).events[0]!;
    expect([stored.type, stored.schemaVersion]).toEqual(['LearnerDeactivated', 1]);
  });

  it('stops the ledger with EVENT_DECODE_FAILED naming where, instead of folding a broken log', async () => {
    const store = new InMemoryEventStore();
    const ledger = createLedger({ store });
    for (const command of acme()) await ledger.execute(command, adminContext());
    await store.appendToStream(stream, [raw('LicenseReleased', 1, { learnerId: ['0001'] })]);
    const before = await store.headPosition();
    const fresh = createLedger({ store });
    const result = await fresh.execute({ type: 'ResizeLicensePool', orgId: 'acme', seats: 9 }, adminContext());
    expect(E.isLeft(result) && result.left.code).toBe('EVENT_DECODE_FAILED');
    expect(E.isLeft(result) && result.left.message).toMatch(/LicenseReleased at stream learner-ledger\.org-acme version \d+ .*data\.learnerId/);
    expect(await store.headPosition()).toBe(before);
    // The ledger that wrote the good part and cached it also refuses once it reads the broken event.
    const cached = await ledger.execute({ type: 'ResizeLicensePool', orgId: 'acme', seats: 9 }, adminContext());
    expect(E.isLeft(cached) && cached.left.code).toBe('EVENT_DECODE_FAILED');
    expect(await store.headPosition()).toBe(before);
  });
});
