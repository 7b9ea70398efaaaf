import * as E from 'fp-ts/lib/Either.js';
import type { ImportOperation } from '../../commands.js';
import { isErasedEmail } from '../../personal/erased.js';
import type { DomainError } from '../../errors.js';
import type { ProfileChanges } from '../../events.js';
import { normalizeEmail, type LearnerRecord, type OrganizationState } from '../../organization/state.js';
import { teamIdsNamed } from '../../organization/teams.js';
import { compareInstants, parseInstantOrDate, toInstant } from '../../time.js';
import { showValue, type FileIssue } from './errors.js';
import { refuseLine, type PlanEntry } from './plan.js';
import { LineIndex } from './line-index.js';
import { PlanLines } from './plan-lines.js';
import type { ColumnNames, LearnerRow } from './source.js';
import { lineIds, matchedNote, withMatchedIds } from './spreadsheet-ids.js';

export interface PlannerContext {
  readonly state: OrganizationState;
  readonly targetTeamId: string;
  /** How the file names its columns, for errors. */
  readonly columns: ColumnNames;
  /** The instant the plan is made for (a future `Deactivation Date` is scheduled). */
  readonly now: string;
  /** `false`: deactivate without the move to the inactive team. */
  readonly move: boolean;
  /** Apply lines whose ids a spreadsheet changed to the learner they match, rather than refusing them. */
  readonly matchMangledIds?: boolean;
}

/** Distinct team cells resolved and kept at most (a whole file for one team repeats one cell). */
const TEAM_CELLS_KEPT = 10_000;

const isBlank = (row: LearnerRow): boolean =>
  row.learnerId === '' && row.firstName === '' && row.lastName === '' && row.email === '' && row.employeeId === '' &&
  row.teams.length === 0 && row.active === null && row.reason === '' && row.deactivationDate === '';

/**
 * Turns the rows of a file into a plan, one row at a time: what each row asks
 * of its learner (register, deactivate, reactivate, update, schedule, or
 * nothing), compared with the learner as the organization has them. Whether
 * the organization allows it is not decided here but by the decider, on a
 * draft, before anything is written. Within the file it tracks learner ids
 * and the e-mails rows ask for, so that two lines claiming the same one are
 * both refused. Nothing of a row is kept but its compact plan entry.
 */
export class Planner<C extends string = never> {
  readonly entries = new PlanLines<C>();
  rowCount = 0;
  /** Learner id → the index of the line that names them (an earlier line is refused too when another names them again). */
  private readonly byLearnerId = new LineIndex<C>(this.entries);
  /** Normalized e-mail a line asks for → the index of that line. */
  private readonly byEmail = new Map<string, number>();
  private readonly teamCells = new Map<string, E.Either<DomainError, string[]>>();
  private pendingSchedules?: Map<string, string[]>;

  constructor(private readonly context: PlannerContext) {}

  /** A row the file's adapter could not read: an error line. */
  addUnreadable(line: number, learnerId: string, error: FileIssue<C>): void {
    this.rowCount++;
    this.entries.push({ line, learnerId, action: 'error', error });
  }

  /** Plans one row. */
  add(row: LearnerRow): void {
    this.rowCount++;
    const entry: PlanEntry<C> = { line: row.line, learnerId: row.learnerId, action: 'unchanged' };
    // The entry's index once pushed: the indexes of lines about the same learner or e-mail are kept as it is planned.
    const index = this.entries.length;
    const refusal = this.plan(entry, row, index);
    if (refusal) refuseLine(entry, refusal);
    else if (entry.matched) entry.message = entry.message === undefined ? matchedNote(entry.matched) : `${matchedNote(entry.matched)}; ${entry.message}`;
    this.entries.push(entry);
  }

  private plan(entry: PlanEntry<C>, row: LearnerRow, index: number): FileIssue<C> | undefined {
    const { line, learnerId } = row;
    const { state, columns } = this.context;
    if (isBlank(row)) {
      entry.action = 'skipped';
      entry.message = 'blank row';
      return undefined;
    }
    if (learnerId === '') return { code: 'MISSING_VALUE', column: columns.learnerId, value: '', expected: 'a learner id', message: 'The learner id is blank' };
    const earlier = this.byLearnerId.get(learnerId);
    if (earlier !== undefined) return this.duplicate(earlier, line, learnerId);
    const ids = lineIds(state, row, columns, this.context.matchMangledIds === true);
    if (ids.refusal) {
      this.byLearnerId.set(learnerId, index, entry.learnerId);
      return ids.refusal;
    }
    const learner = ids.learner;
    if (learner && isErasedEmail(learner.email)) {
      this.byLearnerId.set(learner.learnerId, index, entry.learnerId);
      return { code: 'LEARNER_ERASED', column: columns.learnerId, value: learner.learnerId, message: `Learner ${learner.learnerId} was erased: their personal data is gone, and no import can name them again` };
    }
    // Keep the organization's copy of a known id, so the row's own can be collected (a million rows add up).
    if (learner) entry.learnerId = learner.learnerId;
    if (ids.matched.length > 0) {
      const same = this.byLearnerId.get(entry.learnerId);
      if (same !== undefined) return this.duplicate(same, line, learnerId);
      entry.matched = ids.matched;
      row = withMatchedIds(row, ids.matched, columns);
    }
    this.byLearnerId.set(entry.learnerId, index, entry.learnerId);

    if (row.active === true && row.deactivationDate !== '') {
      return { code: 'DATE_CONFLICT', column: columns.deactivationDate, value: row.deactivationDate, expected: 'Active FALSE or blank with a deactivation date', message: `Active says TRUE, yet a deactivation date ${row.deactivationDate} is given: leave one of them out` };
    }
    const teams = this.teamIdsOf(row.teams);
    if (E.isLeft(teams)) return { code: teams.left.code, column: columns.teams, ...(teams.left.value !== undefined ? { value: teams.left.value } : {}), message: teams.left.message };
    let effectiveAt: string | undefined;
    if (row.deactivationDate !== '') {
      const day = parseInstantOrDate(row.deactivationDate, state.timeZone);
      if (!day) return { code: 'INVALID_INSTANT', column: columns.deactivationDate, value: row.deactivationDate, expected: 'a date YYYY-MM-DD', message: `${showValue(row.deactivationDate)} is not a day in time zone ${state.timeZone}` };
      effectiveAt = toInstant(day);
    }
    const future = effectiveAt !== undefined && compareInstants(effectiveAt, this.context.now) > 0;
    // A future Deactivation Date keeps the learner active until that day, whatever Active says.
    const deactivateNow = !future && (row.active === false || effectiveAt !== undefined);

    if (!learner) {
      if (row.email !== '') {
        const claimed = this.claimEmail(entry, index, row.email);
        if (claimed) return claimed;
      }
      const active = !deactivateNow;
      entry.action = 'register';
      entry.ops = [{
        op: 'register', line, learnerId, email: row.email, firstName: row.firstName, lastName: row.lastName,
        employeeId: row.employeeId === '' ? null : row.employeeId,
        teams: active ? [...new Set([this.context.targetTeamId, ...teams.right])] : [],
        active,
      }];
      if (future) {
        entry.ops.push(this.scheduleOp(line, learnerId, effectiveAt!, row.reason));
        entry.message = `deactivation scheduled for ${effectiveAt}`;
      }
      return undefined;
    }

    const id = learner.learnerId;
    const changes = profileChanges(learner, row);
    if (changes.email !== undefined) {
      const claimed = this.claimEmail(entry, index, changes.email);
      if (claimed) return claimed;
    }
    const add = teams.right.every((teamId) => learner.teams.includes(teamId)) ? NO_TEAMS : teams.right.filter((teamId) => !learner.teams.includes(teamId));
    if (learner.status === 'active') {
      if (deactivateNow) {
        entry.action = 'deactivate';
        entry.ops = [...updateOps(line, id, changes, []), { op: 'deactivate', line, learnerId: id, ...(row.reason !== '' ? { reason: row.reason } : {}), ...(this.context.move ? {} : { move: null }) }];
        return undefined;
      }
      if (future && !this.isScheduled(id, effectiveAt!)) {
        entry.action = 'schedule';
        entry.message = `deactivation scheduled for ${effectiveAt}`;
        entry.ops = [...updateOps(line, id, changes, add), this.scheduleOp(line, id, effectiveAt!, row.reason)];
        return undefined;
      }
      return this.updates(entry, updateOps(line, id, changes, add));
    }
    if (row.active === true) {
      entry.action = 'reactivate';
      entry.ops = [{ op: 'reactivate', line, learnerId: id, ...(teams.right.length > 0 ? { teams: teams.right } : {}) }, ...updateOps(line, id, changes, [])];
      return undefined;
    }
    // Active FALSE states that the learner is inactive: the teams of the row are the ones held before (an edited
    // export) and are not joined. Active blank asks to join them, which the decider refuses for a standard team.
    return this.updates(entry, updateOps(line, id, changes, row.active === null ? add : []));
  }

  /** Two lines about the same learner are both refused: which one is meant cannot be told. */
  private duplicate(earlier: number, line: number, learnerId: string): FileIssue<C> {
    const duplicate = { code: 'DUPLICATE_LEARNER_ID', column: this.context.columns.learnerId, value: learnerId, expected: 'each learner once per file', message: `Learner ${showValue(learnerId)} is on lines ${this.entries.line(earlier)} and ${line}: which line is meant cannot be told` } as const;
    if (this.entries.keptAt(earlier)?.action !== 'error') this.entries.refuse(earlier, duplicate);
    return duplicate;
  }

  /** A deactivation scheduled for `effectiveAt` (its id is given when the batches are cut, from the import id). */
  private scheduleOp(line: number, learnerId: string, effectiveAt: string, reason: string): ImportOperation {
    return { op: 'schedule', line, learnerId, scheduleId: '', effectiveAt, ...(reason !== '' ? { reason } : {}), ...(this.context.move ? {} : { move: null }) };
  }

  private updates(entry: PlanEntry<C>, ops: ImportOperation[]): undefined {
    if (ops.length > 0) {
      entry.action = 'update';
      entry.ops = ops;
    }
    return undefined;
  }

  /** The ids of the teams a row names, the inactive team left out (it follows from Active); each distinct cell resolved once. */
  private teamIdsOf(names: readonly string[]): E.Either<DomainError, string[]> {
    const key = names.length === 1 ? names[0]! : names.join('\u0000');
    const known = this.teamCells.get(key);
    if (known !== undefined) return known;
    const { state } = this.context;
    const resolved = E.map((ids: string[]) => ids.filter((teamId) => teamId !== state.inactiveTeamId))(teamIdsNamed(state, names));
    if (this.teamCells.size < TEAM_CELLS_KEPT) this.teamCells.set(key, resolved);
    return resolved;
  }

  /** Two lines asking for the same e-mail (a new learner's, or a change) are both refused: whose it is cannot be told. */
  private claimEmail(entry: PlanEntry<C>, index: number, email: string): FileIssue<C> | undefined {
    const key = normalizeEmail(email);
    const other = this.byEmail.get(key);
    if (other === undefined) {
      this.byEmail.set(key, index);
      return undefined;
    }
    const duplicate = { code: 'DUPLICATE_EMAIL', column: this.context.columns.email, value: email, expected: 'each e-mail once per file', message: `E-mail ${showValue(email)} is asked for on lines ${this.entries.line(other)} and ${entry.line}: whose it is cannot be told` } as const;
    if (this.entries.keptAt(other)?.action !== 'error') this.entries.refuse(other, duplicate);
    return duplicate;
  }

  /** Whether the learner's deactivation is already scheduled for that instant (a file imported again schedules nothing new). */
  private isScheduled(learnerId: string, effectiveAt: string): boolean {
    if (!this.pendingSchedules) {
      this.pendingSchedules = new Map();
      for (const schedule of this.context.state.schedules.values()) {
        if (schedule.status !== 'pending') continue;
        for (const id of schedule.learnerIds) this.pendingSchedules.set(id, [...(this.pendingSchedules.get(id) ?? []), schedule.effectiveAt]);
      }
    }
    return (this.pendingSchedules.get(learnerId) ?? []).some((at) => compareInstants(at, effectiveAt) === 0);
  }

  /** Active learners of the target team that the file does not list: deactivated by a full sync, in learner id order. */
  addFullSync(): void {
    const { state, targetTeamId, move } = this.context;
    const missing: LearnerRecord[] = [];
    for (const learner of state.learners.values()) {
      if (learner.status === 'active' && learner.teams.includes(targetTeamId) && !this.byLearnerId.has(learner.learnerId)) missing.push(learner);
    }
    missing.sort((a, b) => (a.learnerId < b.learnerId ? -1 : a.learnerId > b.learnerId ? 1 : 0));
    for (const { learnerId } of missing) {
      this.entries.push({
        line: 0,
        learnerId,
        action: 'deactivate',
        message: 'not listed in the file (full sync)',
        ops: [{ op: 'deactivate', line: 0, learnerId, ...(move ? {} : { move: null }), reason: 'not listed in a full-sync import' }],
      });
    }
  }
}

const NO_TEAMS: readonly string[] = [];
/** The changes of a row that changes nothing, shared: most rows of a file imported again. */
const NO_CHANGES: ProfileChanges = Object.freeze({});

/** The update a row asks for, if it asks one: profile changes and teams to join. */
const updateOps = (line: number, learnerId: string, changes: ProfileChanges, add: readonly string[]): ImportOperation[] =>
  changes !== NO_CHANGES || add.length > 0 ? [{ op: 'update', line, learnerId, changes: changes === NO_CHANGES ? {} : changes, ...(add.length > 0 ? { add: [...add] } : {}) }] : [];

/** What the row changes in the learner's profile; a blank cell changes nothing (a truncated column must not wipe out names). */
const profileChanges = (learner: LearnerRecord, row: LearnerRow): ProfileChanges => {
  if (
    (row.email === '' || row.email === learner.email) && (row.firstName === '' || row.firstName === learner.firstName) &&
    (row.lastName === '' || row.lastName === learner.lastName) && (row.employeeId === '' || row.employeeId === learner.employeeId)
  ) return NO_CHANGES;
  const changes: { -readonly [K in keyof ProfileChanges]: ProfileChanges[K] } = {};
  if (row.email !== '' && row.email !== learner.email) changes.email = row.email;
  if (row.firstName !== '' && row.firstName !== learner.firstName) changes.firstName = row.firstName;
  if (row.lastName !== '' && row.lastName !== learner.lastName) changes.lastName = row.lastName;
  if (row.employeeId !== '' && row.employeeId !== learner.employeeId) changes.employeeId = row.employeeId;
  return changes;
};
