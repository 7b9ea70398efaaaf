/** Running commands for the consumer test: each failure says what ran, where, and what it printed. */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export class Failure extends Error {}

export const run = (command, args, options = {}) => {
  const result = spawnSync(command, args, { cwd: options.cwd ?? process.cwd(), env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, input: options.input });
  return { code: result.status ?? 1, out: result.stdout ?? '', err: (result.stderr ?? '') + (result.error ? String(result.error) : '') };
};
export const must = (command, args, options = {}) => {
  const result = run(command, args, options);
  if (result.code !== 0) throw new Failure(`${command} ${args.join(' ')} (in ${options.cwd ?? process.cwd()}) exited ${result.code}:\n${result.out}\n${result.err}`);
  return result;
};
export const check = (condition, message) => {
  if (!condition) throw new Failure(message);
};
export const step = async (name, work_) => {
  const t0 = Date.now();
  const result = await work_();
  console.log(`✓ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return result;
};
/** Runs commands two at a time (the CI machine has two cores); rejects with the output of the first that fails. */
export const mustAll = async (commands) => {
  const queue = [...commands];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const [command, args, options] = next;
      const result = await new Promise((resolve) => {
        const child = spawn(command, args, { cwd: options.cwd, env: process.env });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('close', (code) => resolve({ code, out }));
      });
      if (result.code !== 0) throw new Failure(`${command} ${args.join(' ')} (in ${options.cwd}) exited ${result.code}:\n${result.out}`);
    }
  };
  await Promise.all([worker(), worker()]);
};
export const writeJson = (file, value) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
};
export const files = (dir) => fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)));
