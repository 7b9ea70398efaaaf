import { deflateSync } from 'node:zlib';
import type { CommandIndex, CommandIndexParts } from '../ledger/command-index.js';
import type { LearnerTableParts } from '../organization/learner-table.js';
import type { FoldedOrganizationState } from '../organization/state.js';
import { recordSize } from '../organization/table/learner-text.js';
import { type ColumnArray, type PagedColumn, LITTLE_ENDIAN, PAGE_ROWS } from '../organization/table/paged-column.js';
import { offsetOf } from '../organization/table/text-arena.js';
import { type Block, paddingOf, sectionLength, snapshotHeader } from './format.js';
import { type NextTurn, nextIdleTurn } from './turns.js';
import type { SnapshotMeta } from './snapshot-meta.js';
import { organizationFields } from './state-codec.js';

/*
 * The sections of a payload, in order:
 *   0 meta (JSON, see snapshot-meta.ts)
 *   1 flags u8 × rows · 2 license i32 × rows · 3 activity u32 × rows
 *   4 teams u32 × rows · 5 before u32 × rows · 6 since f64 × rows
 *   7 text: every row's text record, in row order (textBytes bytes)
 *   8 command fingerprints u32 × commands
 *   9 command first versions u32 × commands, each as the difference from the one before (small numbers deflate well)
 */

/** An organization as it was at one version, held by frozen copies that later commands never change. */
export interface SnapshotCapture {
  readonly meta: SnapshotMeta;
  readonly table: LearnerTableParts;
  readonly commands: CommandIndexParts;
}

/** Takes what a snapshot needs, without copying the learners (their pages are shared until written). O(pages + teams + schedules + imports). */
export const captureSnapshot = (state: FoldedOrganizationState, commandIndex: CommandIndex): SnapshotCapture => {
  const table = state.learners.freeze().parts();
  const commands = commandIndex.freeze();
  return {
    meta: {
      ...organizationFields(state),
      rows: table.rows,
      textBytes: table.textBytes,
      // The interned tables only grow: the copies taken now are those the frozen columns refer to.
      teamLists: table.teamLists.all().slice(),
      otherLicenses: table.licenses.otherIds().slice(),
      otherInstants: table.instants.otherInstants().slice(),
      commands: commands.count,
      lastCommandVersion: commands.lastVersion,
    },
    table,
    commands,
  };
};

export interface EncodeOptions {
  /** zlib level, 0-9. Default 1: the snapshot is written often and read once per process. */
  readonly level?: number;
  /** Rows walked between two turns. Default 16,384. */
  readonly rowsPerTurn?: number;
  /** Bytes of the finished snapshot copied between two turns. Default {@link STEP_COPY_BYTES}. */
  readonly copyBytesPerTurn?: number;
  /** What the encoder awaits between two steps (a block deflated, `rowsPerTurn` rows walked, `copyBytesPerTurn` bytes copied). Default: the event loop's next free turn. */
  readonly turn?: NextTurn;
}

/**
 * Payload bytes deflated in one step: about a millisecond of zlib at level 1,
 * so a step never holds a command up for long. Any size up to the format's
 * `BLOCK_BYTES` reads back.
 */
const STEP_BLOCK_BYTES = 1 << 18;

/** Bytes of the finished snapshot copied in one step (about a millisecond). */
const STEP_COPY_BYTES = 1 << 20;

/**
 * Collects the payload in blocks of {@link STEP_BLOCK_BYTES} and deflates
 * each full block on the spot, then waits for its next turn: deflating in the
 * thread pool would need the event loop to come round, which a caller
 * sending command after command may never let it do.
 */
class BlockedPayload {
  private readonly blocks: Block[] = [];
  private readonly deflated: Buffer[] = [];
  private readonly block = Buffer.allocUnsafeSlow(STEP_BLOCK_BYTES);
  private filled = 0;

  constructor(
    private readonly level: number,
    private readonly turn: NextTurn,
    private readonly copyBytesPerTurn: number,
  ) {}

  async write(bytes: Uint8Array): Promise<void> {
    for (let from = 0; from < bytes.length; ) {
      const taken = Math.min(bytes.length - from, STEP_BLOCK_BYTES - this.filled);
      this.block.set(bytes.subarray(from, from + taken), this.filled);
      this.filled += taken;
      from += taken;
      if (this.filled === STEP_BLOCK_BYTES) {
        this.deflateBlock();
        await this.turn();
      }
    }
  }

  async section(length: number, parts: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<void> {
    await this.write(sectionLength(length));
    let written = 0;
    for await (const part of parts) {
      written += part.length;
      await this.write(part);
    }
    if (written !== length) throw new Error(`Snapshot section announced ${length} bytes, wrote ${written}`);
    await this.write(new Uint8Array(paddingOf(length)));
  }

  /**
   * The header, then the blocks, copied into one buffer
   * `copyBytesPerTurn` at a time: at a million learners the snapshot is
   * about 25 MB, and copying it in one step (memory touched for the first
   * time) held a command up for tens of milliseconds.
   */
  async end(): Promise<Uint8Array> {
    if (this.filled > 0) this.deflateBlock();
    const header = snapshotHeader(this.blocks);
    let length = header.length;
    for (const part of this.deflated) length += part.length;
    const bytes = Buffer.allocUnsafeSlow(length);
    bytes.set(header, 0);
    let at = header.length;
    let sinceTurn = 0;
    for (const part of this.deflated) {
      for (let from = 0; from < part.length; ) {
        if (sinceTurn === this.copyBytesPerTurn) {
          await this.turn();
          sinceTurn = 0;
        }
        const taken = Math.min(part.length - from, this.copyBytesPerTurn - sinceTurn);
        bytes.set(part.subarray(from, from + taken), at);
        at += taken;
        from += taken;
        sinceTurn += taken;
      }
    }
    return bytes;
  }

  private deflateBlock(): void {
    const input = this.block.subarray(0, this.filled);
    const output = deflateSync(input, { level: this.level });
    this.blocks.push({ deflated: output.length, inflated: input.length });
    this.deflated.push(output);
    this.filled = 0;
  }
}

/** The text records of rows `0..rows-1`, as runs of consecutive records (most rows were appended in order). */
async function* textRuns(table: LearnerTableParts, rowsPerTurn: number, turn: NextTurn): AsyncGenerator<Uint8Array> {
  let runPage: Buffer | undefined;
  let runStart = 0;
  let runEnd = 0;
  for (let row = 0; row < table.rows; row++) {
    if (row > 0 && row % rowsPerTurn === 0) await turn();
    const ref = table.text.get(row);
    const page = table.arena.page(ref);
    const start = offsetOf(ref);
    const end = start + recordSize(page, start);
    if (page === runPage && start === runEnd) {
      runEnd = end;
      continue;
    }
    if (runPage) yield runPage.subarray(runStart, runEnd);
    runPage = page;
    runStart = start;
    runEnd = end;
  }
  if (runPage) yield runPage.subarray(runStart, runEnd);
}

/** Each command's first version minus the one before, a page at a time. */
function* startDeltas(commands: CommandIndexParts): Generator<Uint8Array> {
  let previous = 0;
  for (let first = 0; first < commands.count; first += PAGE_ROWS) {
    const count = Math.min(PAGE_ROWS, commands.count - first);
    const deltas = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      const start = commands.starts.get(first + i);
      deltas[i] = start - previous;
      previous = start;
    }
    yield new Uint8Array(deltas.buffer);
  }
}

type AnyColumn = Pick<PagedColumn<ColumnArray>, 'kind' | 'bytesOf'>;
const columnBytes = (column: AnyColumn, rows: number): [number, Iterable<Uint8Array>] => [rows * column.kind.bytesPerRow, column.bytesOf(rows)];

/**
 * The bytes of a snapshot of a capture (see format.ts). Runs beside the
 * commands in short steps (a block of {@link STEP_BLOCK_BYTES} deflated,
 * `rowsPerTurn` rows walked), awaiting `turn` between two, so no step holds
 * a command up for long.
 */
export const encodeSnapshot = async (capture: SnapshotCapture, options: EncodeOptions = {}): Promise<Uint8Array> => {
  if (!LITTLE_ENDIAN) throw new Error('Snapshots are written in little-endian byte order; this machine is big-endian');
  const { meta, table, commands } = capture;
  const turn = options.turn ?? nextIdleTurn;
  const payload = new BlockedPayload(options.level ?? 1, turn, Math.max(1, options.copyBytesPerTurn ?? STEP_COPY_BYTES));
  const json = Buffer.from(JSON.stringify(meta), 'utf8');
  await payload.section(json.length, [json]);
  const columns: AnyColumn[] = [table.flags, table.license, table.activity, table.teams, table.before, table.since];
  for (const column of columns) await payload.section(...columnBytes(column, table.rows));
  await payload.section(table.textBytes, textRuns(table, options.rowsPerTurn ?? 16_384, turn));
  await payload.section(...columnBytes(commands.fingerprints, commands.count));
  await payload.section(commands.count * 4, startDeltas(commands));
  return await payload.end();
};
