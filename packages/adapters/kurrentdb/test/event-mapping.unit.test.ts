import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import {
  decodeMetadata,
  encodeMetadata,
  fromResolvedEvent,
  KurrentDbEventFormatError,
  SCHEMA_VERSION_KEY,
  toEventData,
  WRAPPED_METADATA_KEY,
} from '../src/event-mapping.js';
import { encodePosition } from '../src/position.js';
import { positionOf, toLogEntry } from '../src/event-mapping.js';
import { link, recorded, tombstone } from './support/stub-client.js';

const where = { streamId: 'learner-ledger.org-acme', streamVersion: 3 };
// What the server hands back: stored JSON, parsed again.
const throughJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('event metadata envelope', () => {
  it('adds the schema version to plain object metadata and strips it on read', () => {
    const metadata = { orgId: 'acme', actor: { kind: 'admin', id: 'a@b.c' } };
    const stored = encodeMetadata(2, metadata, 'json');
    expect(stored).toEqual({ ...metadata, [SCHEMA_VERSION_KEY]: 2 });
    expect(decodeMetadata(throughJson(stored), where)).toEqual({ schemaVersion: 2, metadata });
  });

  it('wraps metadata that is not a plain object or uses a reserved key', () => {
    for (const metadata of [[1, 2], 'text', 7, null, { [SCHEMA_VERSION_KEY]: 'mine' }, { [WRAPPED_METADATA_KEY]: 1 }]) {
      const stored = encodeMetadata(4, metadata, 'json');
      expect(stored[WRAPPED_METADATA_KEY]).toEqual(metadata);
      expect(decodeMetadata(throughJson(stored), where)).toEqual({ schemaVersion: 4, metadata });
    }
  });

  it('uses string values only in the multi-stream form and ignores the keys the server adds', () => {
    const metadata = { nested: { a: [1, 'x'] }, n: 1.5 };
    const stored = encodeMetadata(3, metadata, 'properties');
    for (const value of Object.values(stored)) expect(typeof value).toBe('string');
    const asRead = { ...stored, '$schema.format': 'Json', '$schema.name': 'LearnerDeactivated' };
    expect(decodeMetadata(asRead, where)).toEqual({ schemaVersion: 3, metadata });
  });

  it('round-trips any JSON metadata in both forms', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat({ max: 50 }), fc.constantFrom('json' as const, 'properties' as const), (metadata, schemaVersion, form) => {
        const normalised = throughJson(metadata); // -0 and the like become what JSON keeps
        const decoded = decodeMetadata(throughJson(encodeMetadata(schemaVersion, normalised, form)), where);
        expect(decoded).toEqual({ schemaVersion, metadata: normalised });
      }),
      { numRuns: 300 },
    );
  });

  it('reads events written by other tools as schema version 1 with their metadata untouched', () => {
    expect(decodeMetadata({ $correlationId: 'x' }, where)).toEqual({ schemaVersion: 1, metadata: { $correlationId: 'x' } });
    expect(decodeMetadata(undefined, where)).toEqual({ schemaVersion: 1, metadata: undefined });
  });

  it('names the stream and version of a malformed schema version', () => {
    expect(() => decodeMetadata({ [SCHEMA_VERSION_KEY]: 'two' }, where)).toThrow(KurrentDbEventFormatError);
    expect(() => decodeMetadata({ [SCHEMA_VERSION_KEY]: 'two' }, where)).toThrow(/event 3 of stream learner-ledger\.org-acme/);
  });
});

describe('events to and from the client', () => {
  const event = { eventId: randomUUID(), type: 'LearnerDeactivated', schemaVersion: 2, data: { learnerId: '0001' }, metadata: { orgId: 'acme' } };

  it('keeps the event id and type and carries the schema version', () => {
    const data = toEventData(event, 'json');
    expect(data).toMatchObject({ id: event.eventId, type: 'LearnerDeactivated', contentType: 'application/json', data: event.data });
    expect(data.metadata).toEqual({ orgId: 'acme', [SCHEMA_VERSION_KEY]: 2 });
  });

  it('refuses what KurrentDB would refuse, with the reason', () => {
    expect(() => toEventData({ ...event, eventId: 'not-a-uuid' }, 'json')).toThrow(/is not a UUID/);
    expect(() => toEventData({ ...event, type: '$metadata' }, 'json')).toThrow(/reserved for KurrentDB system events/);
    expect(() => toEventData({ ...event, type: '' }, 'json')).toThrow(TypeError);
    expect(() => toEventData({ ...event, schemaVersion: 1.5 }, 'json')).toThrow(/schema version/);
    expect(() => toEventData({ ...event, data: undefined }, 'json')).toThrow(/no data/);
  });

  it('turns a recorded event into the port shape: 1-based version, commit position', () => {
    const position = { commit: 9000n, prepare: 9000n };
    const stored = fromResolvedEvent({
      event: {
        streamId: 'learner-ledger.org-acme',
        id: event.eventId,
        isJson: true,
        revision: 4n,
        type: 'LearnerDeactivated',
        created: new Date(),
        data: { learnerId: '0001' },
        metadata: { orgId: 'acme', [SCHEMA_VERSION_KEY]: 2 },
        position,
      },
    });
    expect(stored).toEqual({
      eventId: event.eventId,
      type: 'LearnerDeactivated',
      schemaVersion: 2,
      data: { learnerId: '0001' },
      metadata: { orgId: 'acme' },
      streamId: 'learner-ledger.org-acme',
      streamVersion: 5,
      globalPosition: encodePosition(position),
    });
  });

  it('refuses binary events with the stream and version', () => {
    expect(() =>
      fromResolvedEvent({
        event: { streamId: 's', id: randomUUID(), isJson: false, revision: 0n, type: 'Blob', created: new Date(), data: new Uint8Array([1]), metadata: undefined, position: { commit: 1n, prepare: 1n } },
      }),
    ).toThrow(/event 1 of stream s \(type Blob\) is not a JSON event/);
  });

  it('refuses, naming the event and the cause, a stream read without a log position', () => {
    const noPosition = recorded('learner-ledger.org-acme', 2n, 0n, { prepare: null });
    expect(() => fromResolvedEvent(noPosition)).toThrow(KurrentDbEventFormatError);
    expect(() => fromResolvedEvent(noPosition)).toThrow(
      'kurrentdb store: event 3 of stream learner-ledger.org-acme came without its log position (servers before EventStoreDB 22.6 send no log position with stream reads)',
    );
    // What those servers send instead: 2^64 - 1 for both.
    const sentinel = recorded('learner-ledger.org-acme', 2n, (1n << 64n) - 1n);
    expect(() => fromResolvedEvent(sentinel)).toThrow(/event 3 of stream learner-ledger\.org-acme came without a usable log position .*EventStoreDB 22\.6/);
  });

  it('refuses an event of a legacy explicit transaction, which has no single global position', () => {
    const inTransaction = recorded('learner-ledger.org-acme', 0n, 5000n, { prepare: 4200n });
    expect(() => fromResolvedEvent(inTransaction)).toThrow(/event 1 of stream learner-ledger\.org-acme was written by an explicit transaction of the legacy TCP API \(commit 5000, prepare 4200\)/);
    expect(() => toLogEntry(inTransaction)).toThrow(KurrentDbEventFormatError);
  });
});

describe('records of $all as readAll sees them', () => {
  const stream = 'learner-ledger.org-acme';

  it('maps an event of the store with its position', () => {
    const entry = toLogEntry(recorded(stream, 0n, 700n));
    expect(entry).toMatchObject({ kind: 'event', position: 700n, event: { streamId: stream, streamVersion: 1, globalPosition: 700n, schemaVersion: 1, data: { n: 0 } } });
  });

  it('passes over a tombstone, a link, stream metadata and a binary event, keeping their positions', () => {
    expect(toLogEntry(tombstone(stream, 800n))).toEqual({
      kind: 'passed-over',
      position: 800n,
      reason: `event 9223372036854775808 of stream ${stream} (type $streamDeleted) is a KurrentDB system event`,
    });
    expect(toLogEntry(link(stream, 3n, 900n, 'learner-ledger.org-other'))).toEqual({
      kind: 'passed-over',
      position: 900n,
      reason: `event 4 of stream ${stream} (type $>) is a KurrentDB system event`,
    });
    expect(toLogEntry(recorded(stream, 4n, 950n, { type: '$metadata', data: { $maxCount: 5 } }))).toMatchObject({ kind: 'passed-over', position: 950n });
    expect(toLogEntry(recorded(stream, 5n, 990n, { type: 'Blob', isJson: false }))).toEqual({
      kind: 'passed-over',
      position: 990n,
      reason: `event 6 of stream ${stream} (type Blob) is not JSON`,
    });
  });

  it('passes over a link whose event is gone, at the link position', () => {
    const { event: linkEvent } = link('learner-ledger.links', 0n, 1000n, stream);
    expect(toLogEntry({ link: linkEvent as never })).toMatchObject({ kind: 'passed-over', position: 1000n, reason: expect.stringMatching(/is a link whose event is gone/) });
  });

  it('reads the position of any record, and refuses one without', () => {
    expect(positionOf(tombstone(stream, 800n))).toBe(800n);
    expect(() => positionOf(recorded(stream, 0n, 0n, { prepare: null }))).toThrow(/came without its log position/);
  });
});
