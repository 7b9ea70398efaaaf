import type { LearnerPatch, LearnerRecord, Learners } from './learners.js';
import { normalizeEmail } from './normalize.js';
import type { InstantCodes } from './table/instants.js';
import type { LicenseIds, TeamLists } from './table/interned.js';
import { KeyProbe, hashBytes } from './table/key-probe.js';
import { type Span, TEXT_FIELDS, TextField, compactedText, fieldSpan, learnerText, recordSize, textField, textOf, writeLearnerText, type LearnerText } from './table/learner-text.js';
import type { PagedColumn } from './table/paged-column.js';
import { RowIndex, type RowKeys } from './table/row-index.js';
import { type LearnerTableParts, emptyTableParts, indexOfRows } from './table/table-parts.js';
import { TextArena, offsetOf } from './table/text-arena.js';

/*
 * The learners of one organization, column-wise: one row per learner, in the
 * order they were first registered.
 *
 * | column  | bytes | holds                                                          |
 * | flags   | 1     | bit 0 inactive, bit 1 deleted, bit 2 in the e-mail index        |
 * | text    | 4     | reference of the learner's text in the arena (id, e-mail, names, employee id) |
 * | license | 4     | 0 none, n for `L-n`, -k for the k-th other license id          |
 * | activity| 4     | activities recorded                                            |
 * | teams   | 4     | number of the learner's team list                              |
 * | before  | 4     | number of the team list the last deactivation removed          |
 * | since   | 8     | code of the instant an inactive learner became inactive (0: none kept) |
 *
 * and two hash indexes over row numbers, one by learner id and one by
 * normalized e-mail, that compare against the arena rather than keep keys.
 */

const INACTIVE = 1;
const DELETED = 2;
const EMAIL_INDEXED = 4;

export type { LearnerTableParts } from './table/table-parts.js';

/** A learner table: the folded organization's {@link Learners}, and the e-mail index over the same rows. */
export class LearnerTable implements Learners {
  private rows: number;
  private deleted = 0;
  private readonly flags: PagedColumn<Uint8Array>;
  private readonly text: PagedColumn<Uint32Array>;
  private readonly license: PagedColumn<Int32Array>;
  private readonly activity: PagedColumn<Uint32Array>;
  private readonly teams: PagedColumn<Uint32Array>;
  private readonly before: PagedColumn<Uint32Array>;
  private readonly since: PagedColumn<Float64Array>;
  private arena: TextArena;
  private readonly teamLists: TeamLists;
  private readonly licenses: LicenseIds;
  private readonly instants: InstantCodes;
  /** Live rows with an instant in `since`. */
  private sinceCount = 0;
  private readonly byId: RowIndex;
  private readonly byEmail: RowIndex;
  private textBytes: number;
  /** Bytes of text records no row refers to any more (rewritten profiles): compacted once they outgrow the live ones. */
  private garbageBytes = 0;
  private readonly probe = new KeyProbe();
  private readonly span: Span = { page: Buffer.alloc(0), start: 0, end: 0, utf16: false };
  /** The last id looked up and its row: a learner's events come in runs. */
  private lastId: string | undefined = undefined;
  private lastRow = -1;
  private readonly idKeys: RowKeys = { hashOfRow: (row) => this.hashOfField(row, TextField.LearnerId) };
  private readonly emailKeys: RowKeys = { hashOfRow: (row) => this.hashOfField(row, TextField.NormalizedEmail) };
  private readonly matchesId = (row: number): boolean => this.fieldMatches(row, TextField.LearnerId);
  private readonly matchesEmail = (row: number): boolean => this.fieldMatches(row, TextField.NormalizedEmail);

  private constructor(parts: LearnerTableParts, byId: RowIndex | undefined, byEmail: RowIndex | undefined) {
    ({ rows: this.rows, flags: this.flags, text: this.text, license: this.license, activity: this.activity } = parts);
    ({ teams: this.teams, before: this.before, since: this.since, arena: this.arena, teamLists: this.teamLists, licenses: this.licenses, instants: this.instants, textBytes: this.textBytes } = parts);
    this.byId = byId ?? RowIndex.withRoomFor(parts.rows);
    this.byEmail = byEmail ?? RowIndex.withRoomFor(parts.rows);
  }

  static empty(): LearnerTable {
    return new LearnerTable(emptyTableParts(), undefined, undefined);
  }

  /**
   * A table over restored columns, its indexes rebuilt from the rows: every
   * live row by id, every row flagged so by e-mail. Undefined when two rows
   * claim the same id or the same e-mail.
   */
  static restore(parts: LearnerTableParts): LearnerTable | undefined {
    const byId = indexOfRows(parts, TextField.LearnerId, (flags) => (flags & DELETED) === 0);
    const byEmail = indexOfRows(parts, TextField.NormalizedEmail, (flags) => (flags & EMAIL_INDEXED) !== 0);
    if (byId === undefined || byEmail === undefined) return undefined;
    const table = new LearnerTable(parts, byId, byEmail);
    table.deleted = parts.rows - byId.size;
    for (let row = 0; row < parts.rows; row++) if (parts.since.get(row) !== 0 && (parts.flags.get(row) & DELETED) === 0) table.sinceCount++;
    return table;
  }

  /** What a snapshot writes. Read-only use: the parts are this table's own. */
  parts(): LearnerTableParts {
    const { rows, flags, text, license, activity, teams, before, since, arena, teamLists, licenses, instants, textBytes } = this;
    return { rows, flags, text, license, activity, teams, before, since, arena, teamLists, licenses, instants, textBytes };
  }

  /** A copy that later changes to this table never reach. O(pages): columns and indexes share pages until written. */
  freeze(): LearnerTable {
    const copy = new LearnerTable(
      {
        ...this.parts(),
        flags: this.flags.freeze(),
        text: this.text.freeze(),
        license: this.license.freeze(),
        activity: this.activity.freeze(),
        teams: this.teams.freeze(),
        before: this.before.freeze(),
        since: this.since.freeze(),
        arena: this.arena.freeze(),
      },
      this.byId.freeze(),
      this.byEmail.freeze(),
    );
    copy.deleted = this.deleted;
    copy.sinceCount = this.sinceCount;
    copy.garbageBytes = this.garbageBytes;
    return copy;
  }

  // ------------------------------------------------------------ reading

  get size(): number {
    return this.rows - this.deleted;
  }

  has(learnerId: string): boolean {
    return this.rowOf(learnerId) >= 0;
  }

  get(learnerId: string): LearnerRecord | undefined {
    const row = this.rowOf(learnerId);
    return row < 0 ? undefined : this.record(row);
  }

  read<K extends keyof LearnerRecord>(learnerId: string, field: K): LearnerRecord[K] | undefined {
    const row = this.rowOf(learnerId);
    if (row < 0) return undefined;
    return this.field(row, field);
  }

  countActiveInTeam(teamId: string): number {
    // Learners share few team lists: whether a list holds the team is worked out once a list.
    const holds = new Map<number, boolean>();
    let count = 0;
    for (let row = 0; row < this.rows; row++) {
      if ((this.flags.get(row) & (DELETED | INACTIVE)) !== 0) continue;
      const list = this.teams.get(row);
      let inTeam = holds.get(list);
      if (inTeam === undefined) holds.set(list, (inTeam = this.teamLists.get(list).includes(teamId)));
      if (inTeam) count++;
    }
    return count;
  }

  *entries(): MapIterator<[string, LearnerRecord]> {
    for (let row = 0; row < this.rows; row++) {
      if ((this.flags.get(row) & DELETED) !== 0) continue;
      const record = this.record(row);
      yield [record.learnerId, record];
    }
  }

  *keys(): MapIterator<string> {
    for (let row = 0; row < this.rows; row++) if ((this.flags.get(row) & DELETED) === 0) yield textField(this.arena, this.text.get(row), TextField.LearnerId)!;
  }

  *values(): MapIterator<LearnerRecord> {
    for (let row = 0; row < this.rows; row++) if ((this.flags.get(row) & DELETED) === 0) yield this.record(row);
  }

  [Symbol.iterator](): MapIterator<[string, LearnerRecord]> {
    return this.entries();
  }

  forEach(callback: (value: LearnerRecord, key: string, map: ReadonlyMap<string, LearnerRecord>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  // ------------------------------------------------------------ writing

  add(record: LearnerRecord): void {
    let row = this.rowOf(record.learnerId);
    if (row < 0) {
      row = this.rows++;
      for (const column of this.columns()) column.reserve(this.rows);
      this.writeText(row, record, false);
      this.byId.set(this.probe.load(record.learnerId), row, this.matchesId, this.idKeys);
      this.lastId = record.learnerId;
      this.lastRow = row;
    } else {
      this.writeText(row, record, true);
    }
    this.flags.set(row, (this.flags.get(row) & EMAIL_INDEXED) | (record.status === 'inactive' ? INACTIVE : 0));
    this.license.set(row, this.licenses.encode(record.licenseId));
    this.activity.set(row, record.activityCount);
    this.teams.set(row, this.teamLists.intern(record.teams));
    this.before.set(row, this.teamLists.intern(record.teamsBeforeDeactivation));
  }

  update(learnerId: string, patch: LearnerPatch): boolean {
    const row = this.rowOf(learnerId);
    if (row < 0) return false;
    if (patch.email !== undefined || patch.firstName !== undefined || patch.lastName !== undefined || patch.employeeId !== undefined) {
      const current = learnerText(this.arena, this.text.get(row));
      this.writeText(row, { ...current, ...textOf(patch) }, true);
    }
    if (patch.status !== undefined) this.flags.set(row, (this.flags.get(row) & ~INACTIVE) | (patch.status === 'inactive' ? INACTIVE : 0));
    if (patch.licenseId !== undefined) this.license.set(row, this.licenses.encode(patch.licenseId));
    if (patch.activityCount !== undefined) this.activity.set(row, patch.activityCount);
    if (patch.teams !== undefined) this.teams.set(row, this.teamLists.intern(patch.teams));
    if (patch.teamsBeforeDeactivation !== undefined) this.before.set(row, this.teamLists.intern(patch.teamsBeforeDeactivation));
    return true;
  }

  delete(learnerId: string): boolean {
    const row = this.byId.remove(this.probe.load(learnerId), this.matchesId, this.idKeys);
    if (row < 0) return false;
    this.flags.set(row, this.flags.get(row) | DELETED);
    this.deleted++;
    if (this.since.get(row) !== 0) this.sinceCount--;
    this.lastId = undefined;
    return true;
  }

  // ------------------------------------------------------------ the e-mail index (see TableEmailIndex)

  /** The row the normalized e-mail points at, or -1. */
  emailRow(normalizedEmail: string): number {
    return this.byEmail.find(this.probe.load(normalizedEmail), this.matchesEmail);
  }

  /** Points `normalizedEmail` at the learner; false (nothing changed) when the learner's e-mail does not normalize to it. */
  pointEmail(normalizedEmail: string, learnerId: string): boolean {
    const row = this.rowOf(learnerId);
    if (row < 0 || textField(this.arena, this.text.get(row), TextField.NormalizedEmail) !== normalizedEmail) return false;
    this.indexEmail(normalizedEmail, row);
    return true;
  }

  /** Removes `normalizedEmail` from the e-mail index; false when it was not there. */
  unpointEmail(normalizedEmail: string): boolean {
    const row = this.byEmail.remove(this.probe.load(normalizedEmail), this.matchesEmail, this.emailKeys);
    if (row < 0) return false;
    this.flags.set(row, this.flags.get(row) & ~EMAIL_INDEXED);
    return true;
  }

  get emailCount(): number {
    return this.byEmail.size;
  }

  /** The e-mail index's entries, in row order. */
  *emailEntries(): Generator<[string, string]> {
    for (let row = 0; row < this.rows; row++) {
      if ((this.flags.get(row) & EMAIL_INDEXED) === 0) continue;
      const text = this.text.get(row);
      yield [textField(this.arena, text, TextField.NormalizedEmail)!, textField(this.arena, text, TextField.LearnerId)!];
    }
  }

  /** Bytes the table's own structures take (columns, indexes, text pages). */
  get byteSize(): number {
    return this.columns().reduce((sum, column) => sum + column.byteSize, 0) + this.byId.byteSize + this.byEmail.byteSize + this.arena.byteSize;
  }

  idOfRow(row: number): string {
    return textField(this.arena, this.text.get(row), TextField.LearnerId)!;
  }

  // ------------------------------------------------------------ when learners became inactive (see TableInactiveSince)

  /** The instant kept for the learner, if any. */
  inactiveSince(learnerId: string): string | undefined {
    const row = this.rowOf(learnerId);
    return row < 0 ? undefined : this.instants.decode(this.since.get(row));
  }

  /** Keeps `instant` (or, undefined, none) for the learner; false when there is no such learner, or no instant to forget. */
  keepInactiveSince(learnerId: string, instant: string | undefined): boolean {
    const row = this.rowOf(learnerId);
    if (row < 0) return false;
    const code = this.instants.encode(instant);
    const had = this.since.get(row) !== 0;
    this.sinceCount += (code !== 0 ? 1 : 0) - (had ? 1 : 0);
    this.since.set(row, code);
    return code !== 0 || had;
  }

  get inactiveSinceCount(): number {
    return this.sinceCount;
  }

  /** The learners with an instant kept, and the instant, in row order. */
  *inactiveSinceEntries(): Generator<[string, string]> {
    for (let row = 0; row < this.rows; row++) {
      const code = this.since.get(row);
      if (code !== 0 && (this.flags.get(row) & DELETED) === 0) yield [this.idOfRow(row), this.instants.decode(code)!];
    }
  }

  // ------------------------------------------------------------ inside

  private columns(): PagedColumn<Uint8Array | Uint32Array | Int32Array | Float64Array>[] {
    return [this.flags, this.text, this.license, this.activity, this.teams, this.before, this.since];
  }

  /** Points the e-mail at `row`; the row it pointed at before (if another) leaves the index. */
  private indexEmail(normalizedEmail: string, row: number): void {
    const previous = this.byEmail.set(this.probe.load(normalizedEmail), row, this.matchesEmail, this.emailKeys);
    if (previous >= 0 && previous !== row) this.flags.set(previous, this.flags.get(previous) & ~EMAIL_INDEXED);
    this.flags.set(row, this.flags.get(row) | EMAIL_INDEXED);
  }

  private rowOf(learnerId: string): number {
    if (learnerId === this.lastId) return this.lastRow;
    const row = this.byId.find(this.probe.load(learnerId), this.matchesId);
    if (row >= 0) {
      this.lastId = learnerId;
      this.lastRow = row;
    }
    return row;
  }

  private record(row: number): LearnerRecord {
    const text = learnerText(this.arena, this.text.get(row));
    return {
      learnerId: text.learnerId,
      email: text.email,
      firstName: text.firstName,
      lastName: text.lastName,
      employeeId: text.employeeId,
      status: (this.flags.get(row) & INACTIVE) !== 0 ? 'inactive' : 'active',
      licenseId: this.licenses.decode(this.license.get(row)),
      teams: this.teamLists.get(this.teams.get(row)),
      teamsBeforeDeactivation: this.teamLists.get(this.before.get(row)),
      activityCount: this.activity.get(row),
    };
  }

  private field<K extends keyof LearnerRecord>(row: number, field: K): LearnerRecord[K] {
    const text = TEXT_FIELDS[field as keyof typeof TEXT_FIELDS] as TextField | undefined;
    if (text !== undefined) return textField(this.arena, this.text.get(row), text) as LearnerRecord[K];
    const value =
      field === 'status'
        ? (this.flags.get(row) & INACTIVE) !== 0
          ? 'inactive'
          : 'active'
        : field === 'licenseId'
          ? this.licenses.decode(this.license.get(row))
          : field === 'teams'
            ? this.teamLists.get(this.teams.get(row))
            : field === 'teamsBeforeDeactivation'
              ? this.teamLists.get(this.before.get(row))
              : this.activity.get(row);
    return value as LearnerRecord[K];
  }

  /**
   * Writes a row's text as a new arena record. When the row had text, its
   * normalized e-mail changed and the e-mail index pointed at the row, the
   * index entry follows the learner to the new address.
   */
  private writeText(row: number, text: LearnerText, replacing: boolean): void {
    const normalized = normalizeEmail(text.email);
    let movedEmail = false;
    if (replacing) {
      const oldRef = this.text.get(row);
      const oldNormalized = textField(this.arena, oldRef, TextField.NormalizedEmail)!;
      if (oldNormalized !== normalized && (this.flags.get(row) & EMAIL_INDEXED) !== 0) movedEmail = this.unpointEmail(oldNormalized);
      const oldSize = recordSize(this.arena.page(oldRef), offsetOf(oldRef));
      this.garbageBytes += oldSize;
      this.textBytes -= oldSize;
    }
    const ref = writeLearnerText(this.arena, text, normalized);
    this.text.set(row, ref);
    this.textBytes += recordSize(this.arena.page(ref), offsetOf(ref));
    if (movedEmail) this.indexEmail(normalized, row);
    if (this.garbageBytes > Math.max(this.textBytes, 1 << 20)) this.compactText();
  }

  /** Leaves the rewritten records behind: O(learners), once the garbage outgrows the text. */
  private compactText(): void {
    this.arena = compactedText(this.arena, this.text, this.rows);
    this.garbageBytes = 0;
  }

  private hashOfField(row: number, field: TextField): number {
    fieldSpan(this.arena, this.text.get(row), field, this.span);
    return hashBytes(this.span.page, this.span.start, this.span.end, this.span.utf16);
  }

  private fieldMatches(row: number, field: TextField): boolean {
    fieldSpan(this.arena, this.text.get(row), field, this.span);
    return this.probe.equals(this.span.page, this.span.start, this.span.end, this.span.utf16);
  }
}
