import {
  compareInstants,
  firstControlCharacter,
  isEmail,
  isEntityId,
  isText,
  MAX_ID_LENGTH,
  MAX_TEXT_LENGTH,
  normalizeEmail,
  normalizeName,
  parseInstantOrDate,
  toInstant,
  type ImportOperation,
  type LearnerRecord,
  type OrganizationState,
  type ProfileChanges,
} from '@learner-ledger/core';
import { show, type CsvErrorCode, type CsvImportError } from './errors.js';
import { FORMATS, TEAM_SEPARATOR, type ColumnKey } from './formats.js';
import type { HeaderMap } from './headers.js';
import type { CsvRecord } from './parse.js';
import { ACTIVE_SPELLINGS, flattenLines, parseActive, parseIsoDate, restoreCell, trimSpaces } from './values.js';

// eslint-disable-next-line no-control-regex
const SUSPICIOUS = /[\u0000-\u001f\u007f\ufeff]/;

/** What one line of the file does. */
export type LineAction = 'register' | 'deactivate' | 'reactivate' | 'update' | 'schedule' | 'unchanged' | 'skipped' | 'error';

/** One line of the plan (and of the report). */
export interface PlannedLine {
  /** 1-based line of the file; 0 for a learner the file does not list (full sync). */
  line: number;
  learnerId: string;
  action: LineAction;
  /** Why the line is an error. */
  error?: { code: string; column?: string; message: string };
  /** Why a line is skipped, or when a deactivation is scheduled. */
  message?: string;
}

/** A planned line with the operations it asks of the ledger (internal). */
export interface PlanEntry extends PlannedLine {
  ops?: ImportOperation[];
  /** The line needs a free license (registering or reactivating an active learner). */
  needsSeat?: boolean;
}

export interface ImportCounts {
  registered: number;
  deactivated: number;
  reactivated: number;
  updated: number;
  scheduled: number;
  unchanged: number;
  skipped: number;
  errors: number;
}

export interface SafetyThreshold {
  /** Largest share of the target team's active learners one file may deactivate. Default 0.2. */
  readonly share: number;
  /** Below this many deactivations the share is not checked. Default 10. */
  readonly minimum: number;
}

export const DEFAULT_THRESHOLD: SafetyThreshold = { share: 0.2, minimum: 10 };

/** What the threshold check saw. */
export interface ThresholdCheck {
  readonly deactivations: number;
  readonly activeInTargetTeam: number;
  readonly share: number;
  readonly limit: SafetyThreshold;
  readonly exceeded: boolean;
  readonly allowed: boolean;
}

export interface PlanContext {
  readonly fileName: string;
  readonly targetTeamId: string;
  /** The instant the plan is made for (future `Deactivation Date`s are scheduled). */
  readonly now: string;
  /** `false`: deactivate without the move to the inactive team. */
  readonly move: boolean;
}

const emptyCounts = (): ImportCounts => ({ registered: 0, deactivated: 0, reactivated: 0, updated: 0, scheduled: 0, unchanged: 0, skipped: 0, errors: 0 });

export const countLines = (lines: Iterable<PlannedLine>): ImportCounts => {
  const counts = emptyCounts();
  for (const line of lines) {
    switch (line.action) {
      case 'register': counts.registered++; break;
      case 'deactivate': counts.deactivated++; break;
      case 'reactivate': counts.reactivated++; break;
      case 'update': counts.updated++; break;
      case 'schedule': counts.scheduled++; break;
      case 'unchanged': counts.unchanged++; break;
      case 'skipped': counts.skipped++; break;
      case 'error': counts.errors++; break;
    }
  }
  return counts;
};

/** Why one line is refused (thrown inside the planner, kept on the entry; a plain value, no stack). */
class LineError {
  constructor(
    readonly code: CsvErrorCode,
    readonly column: string | undefined,
    readonly value: string | undefined,
    readonly expected: string | undefined,
    readonly message: string,
  ) {}
}

/**
 * Turns the records of a file into a plan against an organization's state,
 * one record at a time (nothing of the file is kept but the compact plan
 * entries). Within the file it tracks learner ids and e-mails (duplicates),
 * and after the last record it settles what depends on the whole file: free
 * licenses, full sync and the safety threshold.
 */
export class Planner {
  readonly entries: PlanEntry[] = [];
  private readonly byLearnerId = new Map<string, PlanEntry>();
  private readonly byEmail = new Map<string, PlanEntry>();
  private readonly headerKey: string;
  private readonly headers: ReadonlyMap<ColumnKey, string>;
  private readonly names: readonly string[];
  private pendingSchedules?: Map<string, string[]>;
  private readonly teamCells = new Map<string, string[]>();
  rowCount = 0;

  constructor(
    private readonly state: OrganizationState,
    private readonly header: HeaderMap,
    private readonly context: PlanContext,
  ) {
    this.names = header.names;
    this.headers = new Map(FORMATS[header.format].columns.map((c) => [c.key, c.header] as const));
    this.headerKey = header.names.map((n) => n.toLowerCase()).join('\u0000');
  }

  private column(key: ColumnKey): string {
    return this.headers.get(key)!;
  }

  private isHeaderAgain(fields: readonly string[]): boolean {
    const first = fields[this.header.index.learnerId!]!;
    return first.trim().toLowerCase() === 'learner id' && fields.map((f) => f.trim().toLowerCase()).join('\u0000') === this.headerKey;
  }

  private cell(fields: readonly string[], key: ColumnKey): string {
    const at = this.header.index[key];
    return at === undefined ? '' : (fields[at] ?? '');
  }

  /** Plans one data record. */
  add(record: CsvRecord): void {
    const { line, fields } = record;
    if (fields.length === 1 && fields[0] === '' && this.header.width > 1) return; // an empty line is not a row
    this.rowCount++;
    const rawId = this.cell(fields, 'learnerId');
    const entry: PlanEntry = { line, learnerId: trimSpaces(restoreCell(rawId)), action: 'unchanged' };
    this.entries.push(entry);
    try {
      this.plan(entry, fields);
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      this.fail(entry, error);
    }
  }

  private fail(entry: PlanEntry, error: LineError): void {
    entry.action = 'error';
    entry.error = { code: error.code, ...(error.column !== undefined ? { column: error.column } : {}), message: error.message };
    (entry as PlanEntry & { detail?: LineError }).detail = error;
    delete entry.ops;
    delete entry.needsSeat;
    delete entry.message;
  }

  private plan(entry: PlanEntry, raw: string[]): void {
    const { line } = entry;
    if (raw.length !== this.header.width) {
      throw new LineError(
        'FIELD_COUNT',
        undefined,
        undefined,
        `${this.header.width} values, one per column`,
        `The line has ${raw.length} value${raw.length === 1 ? '' : 's'} but the header has ${this.header.width} columns (a missing or extra comma, or an unquoted value with a comma)`,
      );
    }
    if (entry.learnerId === '' && raw.every((value) => trimSpaces(value) === '')) {
      entry.action = 'skipped';
      entry.message = 'blank row';
      return;
    }
    const fields = raw.map(restoreCell);
    for (let i = 0; i < fields.length; i++) {
      const value = fields[i]!;
      if (!SUSPICIOUS.test(value)) continue;
      // A joined file puts its byte-order mark at the start of a cell; inside a value U+FEFF is text the API accepts.
      if (value.charCodeAt(0) === 0xfeff) {
        throw new LineError('MISPLACED_BOM', this.names[i], value, 'text without a byte-order mark', `A byte-order mark (U+FEFF) in the middle of the file — were two files joined? Value ${show(value)}`);
      }
      const control = i === this.header.index.reason ? undefined : firstControlCharacter(value);
      if (control) {
        throw new LineError('CONTROL_CHARACTER', this.names[i], value, 'text without control characters', `The value ${show(value)} contains the control character ${control}`);
      }
    }
    if (this.isHeaderAgain(fields)) {
      throw new LineError('REPEATED_HEADER', this.column('learnerId'), fields[this.header.index.learnerId!], 'a learner row', 'The header line again — were two files joined?');
    }
    const learnerId = entry.learnerId;
    const idColumn = this.column('learnerId');
    if (learnerId === '') throw new LineError('MISSING_VALUE', idColumn, '', 'a learner id', 'Blank: every learner row needs a learner id');
    if (!isEntityId(learnerId)) throw new LineError('INVALID_ID', idColumn, learnerId, `an id of 1-${MAX_ID_LENGTH} characters`, `${show(learnerId)} is not a valid learner id (1-${MAX_ID_LENGTH} characters)`);
    const earlier = this.byLearnerId.get(learnerId);
    if (earlier) {
      const message = `${show(learnerId)} appears on lines ${earlier.line} and ${line}: which line is meant cannot be told`;
      if (earlier.action !== 'error') this.fail(earlier, new LineError('DUPLICATE_LEARNER_ID', idColumn, learnerId, 'each learner once per file', message));
      throw new LineError('DUPLICATE_LEARNER_ID', idColumn, learnerId, 'each learner once per file', message);
    }
    // Keep the organization's copy of a known id, so the parsed one can be collected (a million rows add up).
    const knownId = this.state.learners.get(learnerId)?.learnerId;
    if (knownId !== undefined) entry.learnerId = knownId;
    this.byLearnerId.set(knownId ?? learnerId, entry);

    const activeColumn = this.column('active');
    const activeRaw = this.cell(fields, 'active');
    const active = parseActive(activeRaw);
    if (active === undefined) {
      throw new LineError('INVALID_ACTIVE', activeColumn, activeRaw, ACTIVE_SPELLINGS, `${show(activeRaw)} is not one of ${ACTIVE_SPELLINGS}`);
    }
    const dateColumn = 'Deactivation Date';
    const dateRaw = this.cell(fields, 'deactivationDate');
    let effectiveAt: string | undefined;
    if (trimSpaces(dateRaw) !== '') {
      const date = parseIsoDate(dateRaw);
      const parsed = date === undefined ? undefined : parseInstantOrDate(date, this.state.timeZone);
      if (!parsed) throw new LineError('INVALID_DATE', dateColumn, dateRaw, 'a date YYYY-MM-DD', `${show(dateRaw)} is not a date YYYY-MM-DD`);
      if (active === true) {
        throw new LineError('DATE_CONFLICT', dateColumn, dateRaw, 'Active FALSE or blank with a Deactivation Date', `A date here needs Active FALSE or blank, and Active is ${show(activeRaw)}`);
      }
      effectiveAt = toInstant(parsed);
    }
    const reasonRaw = this.cell(fields, 'reason');
    const reason = reasonRaw === '' ? undefined : flattenLines(reasonRaw.trim());
    if (reason !== undefined && !isText(reason)) {
      throw new LineError('INVALID_TEXT', 'Reason', reasonRaw, `at most ${MAX_TEXT_LENGTH} characters, no control characters`, `Longer than ${MAX_TEXT_LENGTH} characters, or holds control characters`);
    }
    const teamIds = this.teams(fields);
    const email = trimSpaces(this.cell(fields, 'email'));
    const emailColumn = this.column('email');
    const firstName = this.cell(fields, 'firstName').trim();
    const lastName = this.cell(fields, 'lastName').trim();
    const employeeId = trimSpaces(this.cell(fields, 'employeeId'));
    for (const [key, value] of [['firstName', firstName], ['lastName', lastName], ['employeeId', employeeId]] as const) {
      if (!isText(value)) throw new LineError('INVALID_TEXT', this.column(key), value, `at most ${MAX_TEXT_LENGTH} characters`, `Longer than ${MAX_TEXT_LENGTH} characters`);
    }
    if (email !== '') {
      if (!isEmail(email)) throw new LineError('INVALID_EMAIL', emailColumn, email, 'an e-mail address', `${show(email)} is not an e-mail address`);
      const key = normalizeEmail(email);
      const owner = this.state.learnerIdsByEmail.get(key);
      if (owner !== undefined && owner !== learnerId) {
        throw new LineError('DUPLICATE_EMAIL', emailColumn, email, 'an e-mail no other learner has', `${show(email)} already belongs to learner ${show(owner)}`);
      }
      // An e-mail the organization knows is guarded by the check above (another line claiming it is refused); only new
      // e-mails are tracked within the file, and two lines claiming the same new one are both refused.
      if (owner === undefined) {
        const other = this.byEmail.get(key);
        if (other) {
          const message = `${show(email)} appears on lines ${other.line} and ${line}: which learner it belongs to cannot be told`;
          if (other.action !== 'error') this.fail(other, new LineError('DUPLICATE_EMAIL', emailColumn, undefined, 'each e-mail once per file', message));
          throw new LineError('DUPLICATE_EMAIL', emailColumn, email, 'each e-mail once per file', message);
        }
        this.byEmail.set(key, entry);
      }
    }
    const move = this.context.move ? undefined : null;
    const future = effectiveAt !== undefined && compareInstants(effectiveAt, this.context.now) > 0;
    // A future Deactivation Date keeps the learner active until that day, whatever Active says.
    const deactivateNow = !future && (active === false || effectiveAt !== undefined);
    const learner = this.state.learners.get(learnerId);
    if (!learner) {
      if (email === '') throw new LineError('MISSING_VALUE', emailColumn, '', 'an e-mail address for a new learner', `Blank, and learner ${show(learnerId)} is new: a new learner needs an e-mail address`);
      const registerActive = !deactivateNow;
      const teams = registerActive ? [...new Set([this.context.targetTeamId, ...teamIds])] : [];
      entry.action = 'register';
      entry.ops = [{ op: 'register', line, learnerId, email, firstName, lastName, employeeId: employeeId === '' ? null : employeeId, teams, active: registerActive }];
      if (registerActive) entry.needsSeat = true;
      if (future) {
        entry.ops.push({ op: 'schedule', line, learnerId, scheduleId: '', effectiveAt: effectiveAt!, ...(reason !== undefined ? { reason } : {}), ...(move === null ? { move } : {}) });
        entry.message = `deactivation scheduled for ${effectiveAt}`;
      }
      return;
    }
    const changes = this.profileChanges(learner, { email, firstName, lastName, employeeId });
    const add = teamIds.filter((teamId) => !learner.teams.includes(teamId));
    const update: ImportOperation[] = Object.keys(changes).length > 0 || (add.length > 0 && learner.status === 'active' && !deactivateNow)
      ? [{ op: 'update', line, learnerId, changes, ...(add.length > 0 && learner.status === 'active' && !deactivateNow ? { add } : {}) }]
      : [];
    if (learner.status === 'active') {
      if (deactivateNow) {
        const profile: ImportOperation[] = Object.keys(changes).length > 0 ? [{ op: 'update', line, learnerId, changes }] : [];
        entry.action = 'deactivate';
        entry.ops = [...profile, { op: 'deactivate', line, learnerId, ...(reason !== undefined ? { reason } : {}), ...(move === null ? { move } : {}) }];
        return;
      }
      if (future && !this.isScheduled(learnerId, effectiveAt!)) {
        entry.action = 'schedule';
        entry.message = `deactivation scheduled for ${effectiveAt}`;
        entry.ops = [...update, { op: 'schedule', line, learnerId, scheduleId: '', effectiveAt: effectiveAt!, ...(reason !== undefined ? { reason } : {}), ...(move === null ? { move } : {}) }];
        return;
      }
    } else if (active === true) {
      const standard = teamIds.filter((teamId) => this.state.teams.get(teamId)?.kind === 'standard');
      entry.action = 'reactivate';
      entry.needsSeat = true;
      entry.ops = [{ op: 'reactivate', line, learnerId, ...(standard.length > 0 ? { teams: standard } : {}) }];
      if (Object.keys(changes).length > 0) entry.ops.push({ op: 'update', line, learnerId, changes });
      return;
    } else if (active === null) {
      // An inactive learner cannot join a standard team. With Active FALSE the row states the learner is inactive and its
      // Teams are the ones held before the deactivation (an edited export): they are not joined. With Active blank, the
      // row asks for a team the learner cannot join: refused rather than guessed.
      const standard = add.filter((teamId) => this.state.teams.get(teamId)?.kind === 'standard');
      if (standard.length > 0) {
        const name = this.state.teams.get(standard[0]!)!.name;
        throw new LineError(
          'INACTIVE_LEARNER_ON_STANDARD_TEAM',
          this.column('teams'),
          name,
          'Active TRUE to reactivate the learner into a team',
          `Learner ${show(learnerId)} is inactive and cannot join team ${show(name)} (set Active to TRUE to reactivate them)`,
        );
      }
    }
    if (update.length > 0) {
      entry.action = 'update';
      entry.ops = update;
    }
  }

  private teams(fields: readonly string[]): string[] {
    const raw = this.cell(fields, 'teams');
    // Teams cells repeat (a whole file for one team): each distinct cell is resolved once.
    const known = this.teamCells.get(raw);
    if (known !== undefined) return known;
    const names = FORMATS[this.header.format].multipleTeams ? raw.split(TEAM_SEPARATOR) : [raw];
    const ids: string[] = [];
    for (const name of names) {
      const trimmed = name.trim();
      if (trimmed === '') continue;
      const teamId = this.state.teamIdsByName.get(normalizeName(trimmed));
      if (teamId === undefined) {
        const column = this.column('teams');
        throw new LineError('UNKNOWN_TEAM', column, trimmed, 'the name of a team of the organization', `There is no team named ${show(trimmed)} (create it first, or correct the name)`);
      }
      if (teamId !== this.state.inactiveTeamId && !ids.includes(teamId)) ids.push(teamId);
    }
    if (this.teamCells.size < 10_000) this.teamCells.set(raw, ids);
    return ids;
  }

  private profileChanges(learner: LearnerRecord, file: { email: string; firstName: string; lastName: string; employeeId: string }): ProfileChanges {
    // A blank cell means "no change": a truncated column must not wipe out names.
    const changes: { -readonly [K in keyof ProfileChanges]: ProfileChanges[K] } = {};
    if (file.email !== '' && file.email !== learner.email) changes.email = file.email;
    if (file.firstName !== '' && file.firstName !== learner.firstName) changes.firstName = file.firstName;
    if (file.lastName !== '' && file.lastName !== learner.lastName) changes.lastName = file.lastName;
    if (file.employeeId !== '' && file.employeeId !== learner.employeeId) changes.employeeId = file.employeeId;
    return changes;
  }

  private isScheduled(learnerId: string, effectiveAt: string): boolean {
    if (!this.pendingSchedules) {
      this.pendingSchedules = new Map();
      for (const schedule of this.state.schedules.values()) {
        if (schedule.status !== 'pending') continue;
        for (const id of schedule.learnerIds) this.pendingSchedules.set(id, [...(this.pendingSchedules.get(id) ?? []), schedule.effectiveAt]);
      }
    }
    return (this.pendingSchedules.get(learnerId) ?? []).some((at) => compareInstants(at, effectiveAt) === 0);
  }

  /** Active learners of the target team that the file does not list: deactivated by a full sync. */
  addFullSync(): void {
    const missing: LearnerRecord[] = [];
    for (const learner of this.state.learners.values()) {
      if (learner.status === 'active' && learner.teams.includes(this.context.targetTeamId) && !this.byLearnerId.has(learner.learnerId)) missing.push(learner);
    }
    // In learner id order, as the audit reads them back.
    missing.sort((a, b) => (a.learnerId < b.learnerId ? -1 : a.learnerId > b.learnerId ? 1 : 0));
    for (const learner of missing) {
      this.entries.push({
        line: 0,
        learnerId: learner.learnerId,
        action: 'deactivate',
        message: 'not listed in the file (full sync)',
        ops: [{ op: 'deactivate', line: 0, learnerId: learner.learnerId, ...(this.context.move ? {} : { move: null }), reason: 'not listed in a full-sync import' }],
      });
    }
  }

  /**
   * Gives the free licenses to the lines that need one, in line order, after
   * every deactivation of the file (which the apply runs first): a line left
   * without a license is an error.
   */
  settleSeats(): void {
    let free = this.state.seats - this.state.licensesInUse;
    for (const entry of this.entries) if (entry.action === 'deactivate') free++;
    for (const entry of this.entries) {
      if (!entry.needsSeat || entry.action === 'error') continue;
      if (free > 0) {
        free--;
        continue;
      }
      this.fail(
        entry,
        new LineError(
          'LICENSE_POOL_EXHAUSTED',
          this.column('active'),
          undefined,
          'a free license',
          `No free license for learner ${show(entry.learnerId)} — all ${this.state.seats} seats of ${this.state.orgId} are in use after this file's deactivations (resize the pool, or set Active to FALSE)`,
        ),
      );
    }
  }

  /** The safety threshold: how many of the target team's active learners the plan deactivates, and whether that is too many. */
  checkThreshold(limit: SafetyThreshold, allowed: boolean): ThresholdCheck {
    let activeInTargetTeam = 0;
    for (const learner of this.state.learners.values()) {
      if (learner.status === 'active' && learner.teams.includes(this.context.targetTeamId)) activeInTargetTeam++;
    }
    const deactivations = this.entries.filter((e) => e.action === 'deactivate' || e.action === 'schedule').length;
    const share = activeInTargetTeam === 0 ? (deactivations === 0 ? 0 : 1) : deactivations / activeInTargetTeam;
    const exceeded = deactivations >= limit.minimum && share > limit.share;
    return { deactivations, activeInTargetTeam, share, limit, exceeded, allowed };
  }

  /** Every line error, as errors naming file, line, column and value. */
  lineErrors(): CsvImportError[] {
    const errors: CsvImportError[] = [];
    for (const entry of this.entries) {
      const detail = (entry as PlanEntry & { detail?: LineError }).detail;
      if (entry.action !== 'error' || !detail) continue;
      errors.push({
        code: detail.code,
        file: this.context.fileName,
        line: entry.line,
        ...(detail.column !== undefined ? { column: detail.column } : {}),
        ...(detail.value !== undefined ? { value: detail.value } : {}),
        ...(detail.expected !== undefined ? { expected: detail.expected } : {}),
        message: detail.message,
      });
    }
    return errors;
  }
}
