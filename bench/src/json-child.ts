import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Runs one of the bench's child scripts (`csv-child.js`, `snapshot-child.js`)
 * in a fresh Node process with its old space capped at `heapMb`, its input
 * as JSON in the first argument, and resolves with the JSON of the last line
 * it prints. `what` names the child in the error when it fails.
 */
export const runJsonChild = <T>(script: string, input: unknown, options: { readonly heapMb: number; readonly nodeArgs?: readonly string[]; readonly what: string }): Promise<T> =>
  new Promise((resolve, reject) => {
    const args = [...(options.nodeArgs ?? []), `--max-old-space-size=${options.heapMb}`, join(here, script), JSON.stringify(input)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${options.what} child failed (exit ${code})`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as T);
      } catch (error) {
        reject(error);
      }
    });
  });
