import { spreadsheetChange, type ImportFormat, type LearnerRecord, type SpreadsheetChange } from '@learner-ledger/core';
import { columnNames } from './formats.js';

/** Ids of a CSV export that a spreadsheet opening the file would change: how many, a few of them, and what to do. */
export interface ExportWarning {
  readonly code: 'SPREADSHEET_WOULD_CHANGE_IDS';
  /** The column, as the format names it (`Learner ID`, `Employee ID`). */
  readonly column: string;
  readonly change: SpreadsheetChange;
  readonly count: number;
  /** The first few ids concerned. */
  readonly examples: readonly string[];
  readonly message: string;
}

const EXAMPLES = 3;

/** What a spreadsheet does to such ids when it opens a CSV file. */
const WHAT_HAPPENS: Record<SpreadsheetChange, string> = {
  'leading-zeros': 'leading zeros dropped',
  'long-number': 'long numbers shown in scientific notation and kept to 15 digits',
  scientific: 'scientific notation read as a number',
  'number-format': 'numbers written back in the spreadsheet\'s own format',
  date: 'dates written back in the spreadsheet\'s own format',
};

/**
 * Collects, as a CSV export goes, the ids a spreadsheet would change (the
 * core's rule of what spreadsheets do): one warning per column and kind of
 * change, suggesting the XLSX export.
 */
export class SpreadsheetWarnings {
  private readonly found = new Map<string, { column: string; change: SpreadsheetChange; count: number; examples: string[] }>();
  private readonly columns;

  constructor(format: ImportFormat) {
    this.columns = columnNames(format);
  }

  check(learner: LearnerRecord): void {
    this.add(this.columns.learnerId, learner.learnerId);
    if (learner.employeeId !== null) this.add(this.columns.employeeId, learner.employeeId);
  }

  private add(column: string, id: string): void {
    const change = spreadsheetChange(id);
    if (change === undefined) return;
    const key = `${column}\u0000${change}`;
    const entry = this.found.get(key) ?? { column, change, count: 0, examples: [] };
    entry.count++;
    if (entry.examples.length < EXAMPLES) entry.examples.push(id);
    this.found.set(key, entry);
  }

  list(): ExportWarning[] {
    return [...this.found.values()].map(({ column, change, count, examples }) => ({
      code: 'SPREADSHEET_WOULD_CHANGE_IDS',
      column,
      change,
      count,
      examples,
      message:
        `${count} ${column}${count === 1 ? '' : 's'} that a spreadsheet opening this CSV file would change (${WHAT_HAPPENS[change]}): ` +
        `${examples.map((e) => JSON.stringify(e)).join(', ')}${count > examples.length ? ` and ${count - examples.length} more` : ''}. Export as XLSX instead, or open the file with the ${column} column as text`,
    }));
  }
}
