#!/usr/bin/env node
import { runCli } from './cli.js';
import { keepHeapNearLive } from './heap.js';
import { processIo } from './io.js';

// Large imports hold hundreds of megabytes live: collect before the heap grows far past that (see heap.ts).
keepHeapNearLive();

// Set the exit code instead of calling process.exit, so piped output is flushed first;
// a failed write to stdout may already have set it to 1.
const code = await runCli(process.argv.slice(2), processIo());
process.exitCode = Math.max(code, Number(process.exitCode ?? 0));
