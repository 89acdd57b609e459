import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { EMBEDDED_DATABASE_NAME } from '../src/db/database';
import { freePort } from '../src/db/embedded-database';
import { ROOT } from './inputs';

export interface ServerOptions {
  dataDir: string;
  adminKey: string;
  workers?: number;
  databaseUrl?: string;
  /** Directory for `--cpu-prof` output; the profile is written when the server exits. */
  cpuProfDir?: string;
  logFile: string;
  extraEnv?: Record<string, string>;
}

export interface BenchServer {
  pid: number;
  port: number;
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `node dist/src/main.js` on a free loopback port; resolves once /readyz answers 200. */
export async function startServer(options: ServerOptions): Promise<BenchServer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: options.dataDir,
    ADMIN_API_KEY: options.adminKey,
    WORKERS: String(options.workers ?? 1),
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'info',
    // As deployed: graphql-js and Apollo skip their development-time checks.
    NODE_ENV: process.env.BENCH_NODE_ENV || 'production',
    ...options.extraEnv,
  };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  else delete env.DATABASE_URL;
  const args = [...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : []), path.join(ROOT, 'dist', 'src', 'main.js')];
  const log = fs.openSync(options.logFile, 'a');
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  let exited: string | null = null;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = `exit code ${code}, signal ${signal}`;
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (exited) throw new Error(`server exited before it was ready (${exited}); see ${options.logFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready after 180 s; see ${options.logFile}`);
    }
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  return {
    pid: child.pid!,
    port,
    url,
    child,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** The service's database on the embedded PostgreSQL, from the port in its postmaster.pid (line 4). */
export function embeddedDatabaseUrl(dataDir: string): string {
  const lines = fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n');
  return `postgres://postgres:postgres@127.0.0.1:${lines[3].trim()}/${EMBEDDED_DATABASE_NAME}`;
}

// ---- /proc accounting: resident memory and CPU time of the server's process tree ----

interface ProcInfo {
  pid: number;
  ppid: number;
  comm: string;
  /** user + system CPU seconds */
  cpu: number;
}

const TICKS = 100; // USER_HZ on Linux

function readProc(pid: number): ProcInfo | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // fields[0] = state (field 3); ppid is field 4, utime 14, stime 15
    return { pid, ppid: Number(fields[1]), comm, cpu: (Number(fields[11]) + Number(fields[12])) / TICKS };
  } catch {
    return null;
  }
}

/** The process and all its descendants. */
function tree(rootPid: number): ProcInfo[] {
  const all: ProcInfo[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProc(Number(entry));
    if (info) all.push(info);
  }
  const byParent = new Map<number, ProcInfo[]>();
  for (const info of all) byParent.set(info.ppid, [...(byParent.get(info.ppid) ?? []), info]);
  const root = all.find((info) => info.pid === rootPid);
  if (!root) return [];
  const result: ProcInfo[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const next = queue.shift()!;
    result.push(next);
    queue.push(...(byParent.get(next.pid) ?? []));
  }
  return result;
}

const isPostgres = (info: ProcInfo) => info.comm.startsWith('postgres') || info.comm.startsWith('postmaster');

function rssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s*(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

/** Resident MB of the Node server processes (cluster primary and workers), PostgreSQL excluded. */
export function serverRssMb(rootPid: number): { total: number; perProcess: number[] } {
  const nodes = tree(rootPid).filter((info) => !isPostgres(info));
  const perProcess = nodes.map((info) => rssMb(info.pid));
  return { total: perProcess.reduce((a, b) => a + b, 0), perProcess };
}

export interface CpuSnapshot {
  server: number;
  postgres: number;
  bench: number;
}

/** CPU seconds so far per process of the server's tree (PostgreSQL included), and of this bench process. */
export interface CpuReading {
  processes: Map<number, { postgres: boolean; cpu: number }>;
  bench: number;
}

export function cpuSnapshot(rootPid: number): CpuReading {
  const processes = new Map<number, { postgres: boolean; cpu: number }>();
  for (const info of tree(rootPid)) processes.set(info.pid, { postgres: isPostgres(info), cpu: info.cpu });
  const own = process.cpuUsage();
  return { processes, bench: (own.user + own.system) / 1e6 };
}

/**
 * CPU used between two readings, per process; a process that exited in between is not
 * counted (its last slice is lost), one that started is counted from zero.
 */
export function cpuDelta(before: CpuReading, after: CpuReading): CpuSnapshot {
  let server = 0;
  let postgres = 0;
  for (const [pid, now] of after.processes) {
    const used = now.cpu - (before.processes.get(pid)?.cpu ?? 0);
    if (used <= 0) continue;
    if (now.postgres) postgres += used;
    else server += used;
  }
  return { server, postgres, bench: after.bench - before.bench };
}
