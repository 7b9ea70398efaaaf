#!/usr/bin/env node
import { runCli } from './cli.js';
import { processIo } from './io.js';

// Set the exit code instead of calling process.exit, so piped output is flushed first.
process.exitCode = await runCli(process.argv.slice(2), processIo());
