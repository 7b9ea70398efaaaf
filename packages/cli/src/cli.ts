import { Command, CommanderError } from 'commander';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './errors.js';
import type { CliIo } from './io.js';
import { toJson, type Output } from './output.js';
import { Session, type GlobalOptions } from './session.js';
import type { Action } from './commands/action.js';
import { registerOrganizationCommands } from './commands/org.js';
import { registerLearnerCommands } from './commands/learner.js';
import { registerProcessDueCommand } from './commands/process-due.js';
import { registerReportCommands } from './commands/report.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerReplayCommand } from './commands/replay.js';
import { registerImportExportCommands } from './commands/import.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerScimCommands } from './commands/scim.js';
import { CLI_VERSION } from './version.js';

const USAGE_CODES: Record<string, string> = {
  'commander.unknownOption': 'UNKNOWN_OPTION',
  'commander.unknownCommand': 'UNKNOWN_COMMAND',
  'commander.missingArgument': 'MISSING_ARGUMENT',
  'commander.optionMissingArgument': 'MISSING_OPTION_VALUE',
  'commander.missingMandatoryOptionValue': 'MISSING_REQUIRED_OPTION',
  'commander.invalidArgument': 'INVALID_ARGUMENT',
  'commander.excessArguments': 'TOO_MANY_ARGUMENTS',
  'commander.conflictingOption': 'CONFLICTING_OPTIONS',
};

/**
 * Runs the `learner-ledger` command line: parses `argv` (without `node` and
 * the script), calls the library, prints to `io`, and resolves to the exit
 * code: 0 success, 1 refused or failed, 2 usage error. Never throws.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const wantsJson = argv.includes('--json');
  let output: Output | undefined;
  let session: Session | undefined;
  const action: Action = (handler, actionOptions = {}) => async (...all) => {
    const command = all[all.length - 1] as Command;
    const options = all[all.length - 2] as Record<string, unknown>;
    session = new Session(io, command.optsWithGlobals<GlobalOptions>(), { createsStore: actionOptions.createsStore === true, bulkWrites: actionOptions.bulkWrites === true });
    output = await handler(session, all.slice(0, -2), options);
  };
  const program = buildProgram(io, action, { json: wantsJson });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    if (!output) return EXIT_OK;
    io.stdout((session?.json ?? wantsJson) ? `${toJson(output.json)}\n` : output.text);
    if (!output.failure) return EXIT_OK;
    io.stderr(`learner-ledger: error (${output.failure.code}): ${output.failure.message}\n`);
    return EXIT_FAILED;
  } catch (error) {
    return reportError(error, io, session?.json ?? wantsJson);
  } finally {
    if (session) {
      try {
        await session.close();
      } catch (error) {
        io.stderr(`learner-ledger: warning: closing the store failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  }
}

/** The commander program with every command; with `json`, `--version` prints `{"version": "…"}`. */
export const buildProgram = (io: CliIo, action: Action, options: { readonly json?: boolean } = {}): Command => {
  const program = new Command('learner-ledger')
    .description('The learner-account lifecycle of a corporate learning platform: licenses, teams, deactivation, imports, audit.')
    .version(options.json === true ? toJson({ version: CLI_VERSION }) : CLI_VERSION, '-V, --version', 'print the version of learner-ledger')
    .option('--store <location>', 'event store: a file path or sqlite:<path>, postgres://…, kurrentdb://… or esdb://…, memory: (env LEARNER_LEDGER_STORE; default ./learner-ledger.db)')
    .option('--json', 'print exactly one JSON document on stdout')
    .option('--actor <id>', 'who is acting, for the audit trail (env LEARNER_LEDGER_ACTOR; default the system user)')
    .option('--command-id <id>', 'idempotency key of a write: a command run again with the same id writes nothing new (safe script retries)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
    });
  registerOrganizationCommands(program, action);
  registerLearnerCommands(program, action);
  registerImportExportCommands(program, action);
  registerProcessDueCommand(program, action);
  registerReportCommands(program, action);
  registerAuditCommands(program, action);
  registerReplayCommand(program, action);
  registerDemoCommand(program, action);
  registerScimCommands(program, action);
  return program;
};

const reportError = (error: unknown, io: CliIo, json: boolean): number => {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return EXIT_OK;
    // commander has already written its message to stderr
    if (json) {
      const message = error.message.replace(/^error: /, '');
      io.stdout(`${toJson({ error: { code: USAGE_CODES[error.code] ?? 'USAGE', message } })}\n`);
    }
    return EXIT_USAGE;
  }
  const cliError =
    error instanceof CliError
      ? error
      : new CliError(
          typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : 'FAILED',
          error instanceof Error ? error.message : String(error),
          EXIT_FAILED,
        );
  io.stderr(`learner-ledger: ${cliError.exitCode === EXIT_USAGE ? 'usage error' : 'error'} (${cliError.code}): ${cliError.message}\n`);
  if (json) io.stdout(`${toJson({ error: { code: cliError.code, message: cliError.message, ...cliError.details } })}\n`);
  return cliError.exitCode;
};
