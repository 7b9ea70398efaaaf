import type { ColumnNames, ImportFormat, LearnerColumn } from '@learner-ledger/core';

/** What a column means, whatever the format calls it: the import's column keys. */
export type ColumnKey = LearnerColumn;

export interface ColumnSpec {
  readonly key: ColumnKey;
  /** The header as the format spells it. */
  readonly header: string;
  readonly required: boolean;
}

const optional: readonly ColumnSpec[] = [
  { key: 'reason', header: 'Reason', required: false },
  { key: 'deactivationDate', header: 'Deactivation Date', required: false },
];

/** The two file formats (docs/design.md, CSV files and imports), with their exact header lines. */
export const FORMATS: Readonly<Record<ImportFormat, { readonly title: string; readonly columns: readonly ColumnSpec[]; readonly multipleTeams: boolean }>> = {
  'data-services': {
    title: 'Data Services Learners file',
    multipleTeams: true,
    columns: [
      { key: 'learnerId', header: 'Learner ID', required: true },
      { key: 'firstName', header: 'First Name', required: true },
      { key: 'lastName', header: 'Last Name', required: true },
      { key: 'email', header: 'Email', required: true },
      { key: 'employeeId', header: 'Employee ID', required: true },
      { key: 'teams', header: 'Teams', required: true },
      { key: 'active', header: 'Active', required: true },
      ...optional,
    ],
  },
  'learner-page': {
    title: 'Learner page import template',
    multipleTeams: false,
    columns: [
      { key: 'learnerId', header: 'Learner ID', required: true },
      { key: 'firstName', header: 'First Name', required: true },
      { key: 'lastName', header: 'Last Name', required: true },
      { key: 'email', header: 'Email Address', required: true },
      { key: 'employeeId', header: 'Employee ID', required: true },
      { key: 'teams', header: 'Team', required: true },
      { key: 'active', header: 'Active', required: true },
      ...optional,
    ],
  },
};

export const IMPORT_FORMATS: readonly ImportFormat[] = ['data-services', 'learner-page'];

/** The header line a format's export writes (required columns only). */
export const headerLine = (format: ImportFormat): string[] => FORMATS[format].columns.filter((c) => c.required).map((c) => c.header);

/** Team names inside a Data Services `Teams` cell are separated by this. */
export const TEAM_SEPARATOR = ';';

/** The header each column has in a format: what an import's errors name. */
export const columnNames = (format: ImportFormat): ColumnNames => {
  const header = (key: ColumnKey): string => FORMATS[format].columns.find((c) => c.key === key)!.header;
  return {
    learnerId: header('learnerId'),
    firstName: header('firstName'),
    lastName: header('lastName'),
    email: header('email'),
    employeeId: header('employeeId'),
    teams: header('teams'),
    active: header('active'),
    reason: header('reason'),
    deactivationDate: header('deactivationDate'),
  };
};
