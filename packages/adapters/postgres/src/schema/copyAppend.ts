import { stampedTexts } from '@learner-ledger/core';
import type pg from 'pg';
import type { SchemaNames } from './identifiers.js';
import { type PreparedAppend, payloadsOf } from './prepareAppend.js';

/** What `reserve_positions` answers. */
export interface Reservation {
  readonly current_versions: number[];
  readonly first_position: string;
  readonly conflict: number | null;
}

/** Bytes of COPY text sent in one CopyData message. */
const CHUNK_CHARS = 1 << 16;

const COPY_DATA = 0x64; // 'd'
const COPY_DONE = Buffer.from([0x63, 0, 0, 0, 4]); // 'c', length 4

/**
 * COPY text format: backslash, newline, carriage return and tab are escaped.
 * JSON text as `JSON.stringify` writes it holds no raw control character,
 * so only its backslashes need doubling.
 */
const copyText = (value: string): string =>
  /[\\\n\r\t]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t') : value;
const copyJson = (json: string): string => (json.indexOf('\\') === -1 ? json : json.replace(/\\/g, '\\\\'));

/** An integer array as PostgreSQL writes it in text (`{1,2,3}`). */
const integers = (text: string): number[] => (text === '{}' ? [] : text.slice(1, -1).split(',').map(Number));

/**
 * The SQL of a COPY append as one simple-protocol message: the reservation,
 * the COPY and, for a locked append, the release of the stream's session
 * lock. The statements of one message run in one implicit transaction that
 * commits once the last one ran, and an error in any of them rolls back all
 * (the rest is skipped). Values are written as literals: a simple query has
 * no parameters. Stream ids go through `escapeLiteral` (NUL is refused before);
 * lock keys, counts and expected versions are numbers or fixed words.
 */
const copyMessageSql = (client: pg.PoolClient, names: SchemaNames, p: PreparedAppend, unlockKey: bigint | undefined): string => {
  const ids = p.streamIds.map((id) => client.escapeLiteral(id)).join(',');
  const expected = p.expected.map((e) => client.escapeLiteral(e)).join(',');
  // The stream ids are evaluated only once the append holds each stream's key shared (see afterSharedLocks in appendToStreams.ts).
  const reserve = `SELECT current_versions, first_position, conflict FROM ${names.reservePositions}(
    (SELECT ARRAY[${ids}]::text[] FROM (SELECT count(pg_advisory_xact_lock_shared(k)) FROM unnest(ARRAY[${p.lockKeys.join(',')}]::bigint[]) AS k) AS locked),
    ARRAY[${expected}]::text[], ARRAY[${p.counts.join(',')}]::integer[])`;
  const copy = `COPY ${names.events} (global_position, stream_version, stream_id, event_id, type, schema_version, data, metadata, chain) FROM STDIN`;
  return unlockKey === undefined ? `${reserve}; ${copy}` : `${reserve}; ${copy}; SELECT pg_advisory_unlock(${unlockKey})`;
};

/**
 * The COPY append as one query on the wire. Once the message is sent, and
 * while the server takes the locks and reserves the positions, every row's
 * text after its position and version is written; when the server asks for
 * the rows, they go out in chunks with the reserved positions in front,
 * then the end of the COPY. A conflict or a payload JSON cannot hold fails
 * the COPY instead, which rolls the whole message back. Settles on the
 * server's last answer, or on its error.
 */
class CopyAppendQuery {
  readonly text: string;
  private connection: { stream: NodeJS.WritableStream & { cork(): void; uncork(): void; once(event: 'drain', f: () => void): unknown }; sendCopyFail(message: string): void } | undefined;
  private reservation: Reservation | undefined;
  private rests: string[] = [];
  private refused: unknown;
  private settled = false;
  readonly done: Promise<Reservation>;
  private resolve!: (r: Reservation) => void;
  private reject!: (e: unknown) => void;

  constructor(
    text: string,
    private readonly p: PreparedAppend,
  ) {
    this.text = text;
    this.done = new Promise<Reservation>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.done.catch(() => undefined);
  }

  /** pg's query timeout replaces this; it is called once the query settles. */
  callback(): void {}

  submit(connection: NonNullable<CopyAppendQuery['connection']> & { query(text: string): void }): void {
    this.connection = connection;
    connection.query(this.text);
    this.rests = this.rowRests();
  }

  /** Each row's columns after its position and version, with its line end. */
  private rowRests(): string[] {
    const { p } = this;
    const rests = new Array<string>(p.total);
    let k = 0;
    try {
      for (let index = 0; index < p.requests.length; index++) {
        const streamId = copyText(p.streamIds[index]!);
        for (let n = 0; n < p.counts[index]!; n++, k++) {
          const event = p.events[k]!;
          const link = p.links[k];
          // A chained event's payload and metadata go as the canonical texts its link was computed from: not serialized a second time.
          const texts = stampedTexts(event);
          const data = texts !== undefined ? texts.data : (JSON.stringify(event.data) ?? 'null');
          const metadata = texts !== undefined ? texts.metadata : (JSON.stringify(p.metadata[k]) ?? 'null');
          const chain = link === undefined ? '\\N' : copyJson(JSON.stringify(link) ?? 'null');
          rests[k] = `\t${streamId}\t${copyText(p.eventIds[k]!)}\t${copyText(p.types[k]!)}\t${p.schemaVersions[k]}\t${copyJson(data)}\t${copyJson(metadata)}\t${chain}\n`;
        }
      }
    } catch {
      // The same event again, through the path that names it in the error.
      try {
        payloadsOf(p, k);
      } catch (error) {
        this.refused = error;
      }
      this.refused ??= new TypeError(`the event ${k + 1} of the append cannot be stored as JSON`);
    }
    return rests;
  }

  handleRowDescription(): void {}

  handleDataRow(message: { fields: (string | null)[] }): void {
    if (this.reservation !== undefined) return; // the lock release's row
    const [versions, first, conflict] = message.fields;
    this.reservation = { current_versions: integers(versions!), first_position: first!, conflict: conflict === null || conflict === undefined ? null : Number(conflict) };
  }

  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}

  handleCopyInResponse(): void {
    const connection = this.connection!;
    const reservation = this.reservation;
    if (reservation === undefined || reservation.conflict !== null || this.refused !== undefined) {
      connection.sendCopyFail(this.refused === undefined ? 'expected version conflict' : 'an event cannot be stored as JSON');
      return;
    }
    this.writeRows(reservation).catch((error: unknown) => {
      // Nothing of it commits: the COPY is failed (if the connection still takes it), and the append answers with the error.
      try {
        connection.sendCopyFail('the rows could not be written');
      } catch {
        // the connection is gone: the server rolls back
      }
      this.handleError(error);
    });
  }

  private async writeRows(reservation: Reservation): Promise<void> {
    const { stream } = this.connection!;
    const { p, rests } = this;
    let position = BigInt(reservation.first_position);
    let chunk = '';
    let k = 0;
    for (let index = 0; index < p.requests.length; index++) {
      let version = reservation.current_versions[index]!;
      for (let n = 0; n < p.counts[index]!; n++, k++) {
        version++;
        chunk += `${position}\t${version}${rests[k]}`;
        position++;
        if (chunk.length >= CHUNK_CHARS) {
          if (!this.sendChunk(chunk)) await new Promise<void>((resolve) => stream.once('drain', resolve));
          if (this.settled) return;
          chunk = '';
        }
      }
    }
    if (chunk.length > 0) this.sendChunk(chunk);
    this.rests = [];
    if (!this.settled) stream.write(COPY_DONE);
  }

  /** One CopyData message; false when the socket wants a drain first. */
  private sendChunk(chunk: string): boolean {
    const length = Buffer.byteLength(chunk);
    const message = Buffer.allocUnsafe(5 + length);
    message[0] = COPY_DATA;
    message.writeUInt32BE(length + 4, 1);
    message.write(chunk, 5, 'utf8');
    return this.connection!.stream.write(message);
  }

  handleError(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.callback();
    this.rests = [];
    // A failed COPY of ours: the conflict or the refused payload, not the server's word for it.
    if (this.refused !== undefined) this.reject(this.refused);
    else if (this.reservation !== undefined && this.reservation.conflict !== null) this.resolve(this.reservation);
    else this.reject(error);
  }

  handleReadyForQuery(): void {
    if (this.settled) return;
    this.settled = true;
    this.callback();
    if (this.reservation === undefined) this.reject(new Error('the server answered the append without its reservation'));
    else this.resolve(this.reservation);
  }
}

/**
 * Appends with COPY in one message and one implicit transaction: two round
 * trips (the reservation, then the rows and the commit). With `unlockKey`,
 * the message also lets go of that session-level advisory lock once the rows
 * are in, just before it commits (see appendLocked.ts). A conflict comes
 * back in the reservation, with nothing written.
 */
export const appendWithCopy = async (client: pg.PoolClient, names: SchemaNames, p: PreparedAppend, unlockKey?: bigint): Promise<Reservation> => {
  const query = new CopyAppendQuery(copyMessageSql(client, names, p, unlockKey), p);
  client.query(query as unknown as pg.Submittable);
  return query.done;
};
