import { promisify } from 'node:util';
import { inflate } from 'node:zlib';
import * as E from 'fp-ts/lib/Either.js';
import { CommandIndex } from '../ledger/command-index.js';
import { LearnerTable } from '../organization/learner-table.js';
import { foldedState, type FoldedOrganizationState } from '../organization/state.js';
import { InstantCodes } from '../organization/table/instants.js';
import { LicenseIds, TeamLists } from '../organization/table/interned.js';
import { recordSize } from '../organization/table/learner-text.js';
import { type ColumnKind, type ColumnArray, F64, I32, LITTLE_ENDIAN, PagedColumn, U32, U8 } from '../organization/table/paged-column.js';
import { TextArena } from '../organization/table/text-arena.js';
import { SectionReader, readHeader } from './format.js';
import { SnapshotMeta } from './snapshot-meta.js';
import { describeFailure, organizationFieldsOf } from './state-codec.js';

const inflateAsync = promisify(inflate);

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
  const payload = Buffer.allocUnsafeSlow(header.payloadLength);
  try {
    // Side by side in the thread pool; each block's Adler-32 is checked by zlib.
    const inflated = await Promise.all(
      header.blocks.map((block) => inflateAsync(bytes.subarray(block.at, block.at + block.deflated), { maxOutputLength: Math.max(1, block.inflated), chunkSize: Math.max(64, block.inflated) })),
    );
    let at = 0;
    for (let i = 0; i < inflated.length; i++) {
      if (inflated[i]!.length !== header.blocks[i]!.inflated) return E.left(`its block ${i} inflates to ${inflated[i]!.length} bytes, its header says ${header.blocks[i]!.inflated}`);
      payload.set(inflated[i]!, at);
      at += inflated[i]!.length;
    }
  } catch (error) {
    return E.left(`its payload does not inflate: ${messageOf(error)}`);
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

/** The text records copied into a new arena (consecutive records a page at a time) and each row's reference. */
const restoreText = (bytes: Uint8Array, rows: number): { arena: TextArena; refs: PagedColumn<Uint32Array> } | undefined => {
  const arena = TextArena.empty();
  const refs = PagedColumn.empty(U32);
  refs.reserve(rows);
  let at = 0;
  let run: { page: Buffer; offset: number; from: number; to: number } | undefined;
  const flush = () => {
    if (run) run.page.set(bytes.subarray(run.from, run.to), run.offset);
  };
  for (let row = 0; row < rows; row++) {
    const size = recordSize(bytes, at);
    if (size < 0) return undefined;
    const spot = arena.reserve(size);
    if (run && spot.page === run.page && spot.offset === run.offset + (run.to - run.from)) run.to += size;
    else {
      flush();
      run = { page: spot.page, offset: spot.offset, from: at, to: at + size };
    }
    refs.set(row, spot.ref);
    at += size;
  }
  flush();
  return at === bytes.length ? { arena, refs } : undefined;
};

/** The command index from its fingerprints and first-version differences; undefined unless versions grow from 1 to at most `lastVersion`. */
const restoreCommands = (fingerprintBytes: Uint8Array, deltaBytes: Uint8Array, count: number, lastVersion: number): CommandIndex | undefined => {
  const fingerprints = PagedColumn.fromBytes(U32, fingerprintBytes, count);
  const deltas = PagedColumn.fromBytes(U32, deltaBytes, count);
  const starts = PagedColumn.empty(U32);
  starts.reserve(count);
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
