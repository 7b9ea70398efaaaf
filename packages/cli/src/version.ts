/** The version of `@learner-ledger/cli` (`learner-ledger --version`); a test keeps it equal to the package's version. */
export const CLI_VERSION = '0.1.0';
