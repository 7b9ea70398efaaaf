import { inflateSync } from 'node:zlib';
import * as E from 'fp-ts/lib/Either.js';
import { CommandIndex } from '../ledger/command-index.js';
import { LearnerTable } from '../organization/learner-table.js';
import { foldedState, type FoldedOrganizationState } from '../organization/state.js';
import { InstantCodes } from '../organization/table/instants.js';
import { LicenseIds, TeamLists } from '../organization/table/interned.js';
import { recordSize } from '../organization/table/learner-text.js';
import { type ColumnKind, type ColumnArray, F64, I32, LITTLE_ENDIAN, PagedColumn, U32, U8 } from '../organization/table/paged-column.js';
import { ARENA_PAGE_BYTES, TextArena } from '../organization/table/text-arena.js';
import { SectionReader, readHeader } from './format.js';
import { SnapshotMeta } from './snapshot-meta.js';
import { nextIdleTurn } from './turns.js';
import { describeFailure, organizationFieldsOf } from './state-codec.js';

/** Blocks inflated between two turns of the event loop (a few milliseconds of zlib). */
const TURN_BLOCKS = 8;

/** An organization restored from a snapshot: its folded state and its command index. */
export interface DecodedSnapshot {
  readonly state: FoldedOrganizationState;
  readonly commands: CommandIndex;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Flags a row can have (inactive, deleted, in the e-mail index). */
const KNOWN_FLAGS = 7;

/**
 * Reads the bytes of a snapshot back, checking everything a damaged or
 * foreign snapshot could get wrong (magic, version, Adler-32, every length,
 * every number a column refers by, duplicate ids or e-mails), so that a
 * snapshot is either read exactly or refused with the reason.
 */
export const decodeSnapshot = async (bytes: Uint8Array): Promise<E.Either<string, DecodedSnapshot>> => {
  if (!LITTLE_ENDIAN) return E.left('snapshots are little-endian and this machine is not');
  const header = readHeader(bytes);
  if ('problem' in header) return E.left(header.problem);
  // The restored columns and text are views of the payload: it is the table's memory, written once.
  const payload = Buffer.allocUnsafeSlow(header.payloadLength);
  let at = 0;
  for (let i = 0; i < header.blocks.length; i++) {
    const block = header.blocks[i]!;
    let inflated: Buffer;
    try {
      // One block at a time, each copied at once: the next block's output reuses the memory of the last. zlib checks each block's Adler-32.
      inflated = inflateSync(bytes.subarray(block.at, block.at + block.deflated), { maxOutputLength: Math.max(1, block.inflated), chunkSize: Math.max(64, block.inflated) });
    } catch (error) {
      return E.left(`its payload does not inflate: ${messageOf(error)}`);
    }
    if (inflated.length !== block.inflated) return E.left(`its block ${i} inflates to ${inflated.length} bytes, its header says ${block.inflated}`);
    payload.set(inflated, at);
    at += inflated.length;
    if (i % TURN_BLOCKS === TURN_BLOCKS - 1) await nextIdleTurn();
  }
  const sections = new SectionReader(payload);
  const metaBytes = sections.next();
  if (metaBytes === undefined) return E.left('its payload has no first section');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(metaBytes.buffer, metaBytes.byteOffset, metaBytes.byteLength).toString('utf8'));
  } catch (error) {
    return E.left(`its first section is not JSON: ${messageOf(error)}`);
  }
  const decoded = SnapshotMeta.decode(json);
  if (E.isLeft(decoded)) return E.left(`its first section does not decode (${describeFailure(decoded.left)})`);
  return restore(decoded.right, sections);
};

const restore = (meta: SnapshotMeta, sections: SectionReader): E.Either<string, DecodedSnapshot> => {
  const { rows, commands: commandCount } = meta;
  const raw = [sections.next(rows), sections.next(rows * 4), sections.next(rows * 4), sections.next(rows * 4), sections.next(rows * 4), sections.next(rows * 8), sections.next(meta.textBytes)];
  const fingerprintBytes = sections.next(commandCount * 4);
  const deltaBytes = sections.next(commandCount * 4);
  if (raw.some((section) => section === undefined) || fingerprintBytes === undefined || deltaBytes === undefined || !sections.done) {
    return E.left('its sections do not have the lengths its first section announces');
  }
  const [flagBytes, licenseBytes, activityBytes, teamBytes, beforeBytes, sinceBytes, textBytes] = raw as Uint8Array[];
  const teamLists = TeamLists.of(meta.teamLists);
  const licenses = LicenseIds.of(meta.otherLicenses);
  const instants = InstantCodes.of(meta.otherInstants);
  if (!teamLists || !licenses || !instants) return E.left('its team lists, license ids or instants are not a table (a duplicate, or a missing empty list)');
  const column = <A extends ColumnArray>(kind: ColumnKind<A>, bytes: Uint8Array): PagedColumn<A> => PagedColumn.fromBytes(kind, bytes, rows);
  const flags = column(U8, flagBytes!);
  const license = column(I32, licenseBytes!);
  const teams = column(U32, teamBytes!);
  const before = column(U32, beforeBytes!);
  const since = column(F64, sinceBytes!);
  for (let row = 0; row < rows; row++) {
    if (flags.get(row) > KNOWN_FLAGS || !licenses.knows(license.get(row)) || teams.get(row) >= teamLists.count || before.get(row) >= teamLists.count || !instants.knows(since.get(row))) {
      return E.left(`its learner row ${row} refers to a flag, license, team list or instant it does not hold`);
    }
  }
  const text = restoreText(textBytes!, rows);
  if (text === undefined) return E.left('its text section is not one text record per learner');
  const table = LearnerTable.restore({ rows, flags, text: text.refs, license, activity: column(U32, activityBytes!), teams, before, since, arena: text.arena, teamLists, licenses, instants, textBytes: meta.textBytes });
  if (table === undefined) return E.left('two of its learners have the same id or the same e-mail');
  const commands = restoreCommands(fingerprintBytes, deltaBytes, commandCount, meta.lastCommandVersion);
  if (commands === undefined) return E.left('its command versions do not grow along the stream');
  const state = foldedState(table, organizationFieldsOf(meta));
  return E.right({ state, commands });
};

/**
 * The text records as arena pages that are views of the section (cut at
 * record boundaries, a page at most {@link ARENA_PAGE_BYTES} unless one record
 * is longer) and each row's reference; undefined unless the section is one
 * whole record a row.
 */
const restoreText = (bytes: Uint8Array, rows: number): { arena: TextArena; refs: PagedColumn<Uint32Array> } | undefined => {
  const pages: Buffer[] = [];
  const refs = PagedColumn.empty(U32);
  refs.reserve(rows);
  const pageOf = (from: number, to: number) => Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from);
  let pageStart = 0;
  let at = 0;
  for (let row = 0; row < rows; row++) {
    const size = recordSize(bytes, at);
    if (size < 0) return undefined;
    if (at + size - pageStart > ARENA_PAGE_BYTES && at > pageStart) {
      pages.push(pageOf(pageStart, at));
      pageStart = at;
    }
    refs.set(row, pages.length * ARENA_PAGE_BYTES + (at - pageStart));
    at += size;
    // A record longer than a page has its page to itself.
    if (size > ARENA_PAGE_BYTES) {
      pages.push(pageOf(pageStart, at));
      pageStart = at;
    }
  }
  if (at > pageStart) pages.push(pageOf(pageStart, at));
  const arena = TextArena.of(pages);
  return at === bytes.length && arena !== undefined ? { arena, refs } : undefined;
};

/** The command index from its fingerprints and first-version differences; undefined unless versions grow from 1 to at most `lastVersion`. */
const restoreCommands = (fingerprintBytes: Uint8Array, deltaBytes: Uint8Array, count: number, lastVersion: number): CommandIndex | undefined => {
  const fingerprints = PagedColumn.fromBytes(U32, fingerprintBytes, count);
  const deltas = PagedColumn.fromBytes(U32, deltaBytes, count);
  // The first versions are summed up in the differences' own pages.
  const starts = deltas;
  let start = 0;
  for (let i = 0; i < count; i++) {
    const delta = deltas.get(i);
    if (delta < 1) return undefined;
    start += delta;
    starts.set(i, start);
  }
  if (start > lastVersion) return undefined;
  return new CommandIndex({ count, fingerprints, starts, lastVersion });
};
