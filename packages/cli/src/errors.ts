import type { DomainError } from '@learner-ledger/core';

/** Exit codes of the command-line tool (scripts rely on them). */
export const EXIT_OK = 0;
/** The request was understood but refused or failed (validation, domain rule, threshold, store). */
export const EXIT_FAILED = 1;
/** Usage error: unknown command or flag, missing or malformed argument. */
export const EXIT_USAGE = 2;

/** An error the CLI reports to a person (stderr) and to scripts (`--json`, exit code). */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: typeof EXIT_FAILED | typeof EXIT_USAGE = EXIT_FAILED,
    /** Extra fields for the `--json` error document (e.g. every error of a refused batch). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** A refusal from the library, with every error of a refused batch spelled out. */
  static fromDomain(error: DomainError): CliError {
    const errors = error.errors ?? [];
    const lines = errors.map((e) => `  - ${e.line !== undefined ? `line ${e.line}: ` : ''}${e.code}: ${e.message}`);
    const message = lines.length > 0 ? `${error.message}\n${lines.join('\n')}` : error.message;
    const details: Record<string, unknown> = {};
    if (error.subject !== undefined) details['subject'] = error.subject;
    if (error.line !== undefined) details['line'] = error.line;
    if (errors.length > 0) {
      details['errors'] = errors.map((e) => ({
        code: e.code,
        message: e.message,
        ...(e.subject !== undefined ? { subject: e.subject } : {}),
        ...(e.line !== undefined ? { line: e.line } : {}),
      }));
    }
    return new CliError(error.code, message, EXIT_FAILED, details);
  }
}

/** A usage error (exit code 2). */
export const usageError = (message: string, code = 'USAGE'): CliError => new CliError(code, message, EXIT_USAGE);
