import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { EmbeddedDatabaseError, startEmbeddedDatabase } from '../../src/db/embedded-database';

/**
 * A checkout in a directory other users cannot enter (root's home, any `mktemp -d`), run
 * as root: PostgreSQL refuses root and runs as user postgres, which cannot reach the
 * checkout's binaries or data. The service must start anyway and say where it put them.
 */
const root = path.join(__dirname, '../..');
if (process.getuid?.() !== 0 && process.env.CCC_SKIP_ROOT_TESTS !== '1') {
  throw new Error('first-run-anywhere tests reproduce a root-only failure: run the suite as root, or set CCC_SKIP_ROOT_TESTS=1 to skip them knowingly');
}
const describeAsRoot = process.getuid?.() === 0 ? describe : describe.skip;

describeAsRoot('first run from a checkout in a 0700 directory, as root', () => {
  let parent: string;
  let checkout: string;
  const cleanups: (() => void)[] = [];

  beforeAll(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-policy-closed-'));
    expect(fs.statSync(parent).mode & 0o777).toBe(0o700);
    checkout = path.join(parent, 'checkout');
    fs.mkdirSync(checkout);
    for (const entry of ['src', 'migrations', 'rulesets', 'bench', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) {
      fs.cpSync(path.join(root, entry), path.join(checkout, entry), { recursive: true });
    }
    // The dependencies are reached through the closed directory, as in a real checkout.
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(checkout, 'node_modules'));
    execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: checkout, stdio: 'pipe' });
  }, 180_000);
  afterAll(() => {
    for (const cleanup of cleanups.reverse()) cleanup();
    // The relocated data (see dataDirectory), also when a start failed before its banner.
    const link = path.join(checkout, '.data', 'pg');
    if (fs.lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) fs.rmSync(path.dirname(fs.readlinkSync(link)), { recursive: true, force: true });
    fs.rmSync(parent, { recursive: true, force: true });
  });

  it('npm start serves /healthz, and the banner says where PostgreSQL programs and data are', async () => {
    const server = startBuiltServer(checkout, {});
    cleanups.push(() => server.child.kill('SIGKILL'));
    const banner = await server.ready;
    const dataDir = /data in (\S+),/.exec(banner)![1];
    const binDir = /programs in (\S+)/.exec(banner)![1];
    expect(dataDir.startsWith(parent)).toBe(false);
    expect(binDir.startsWith(parent)).toBe(false);
    expect(fs.realpathSync(path.join(checkout, '.data', 'pg'))).toBe(dataDir);
    const port = /GraphQL: +http:\/\/127\.0\.0\.1:(\d+)/.exec(banner)![1];
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    // A second start finds the same data (the seed is not imported again, the key is the same).
    const again = startBuiltServer(checkout, {});
    cleanups.push(() => again.child.kill('SIGKILL'));
    const secondBanner = await again.ready;
    expect(/data in (\S+),/.exec(secondBanner)![1]).toBe(dataDir);
    expect(/Development admin key[^:]*: (\S+)/.exec(secondBanner)![1]).toBe(/Development admin key[^:]*: (\S+)/.exec(banner)![1]);
    const secondPort = /GraphQL: +http:\/\/127\.0\.0\.1:(\d+)/.exec(secondBanner)![1];
    expect((await fetch(`http://127.0.0.1:${secondPort}/healthz`)).status).toBe(200);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  }, 180_000);

  it('a data directory of another PostgreSQL major version stops the start with one line naming cause and fix', async () => {
    const dataDir = path.join(parent, 'old-data');
    fs.mkdirSync(path.join(dataDir, 'pg'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'pg', 'PG_VERSION'), '16\n');
    fs.chmodSync(parent, 0o755); // this case is about the version, not about reaching the directory
    try {
      const server = startBuiltServer(checkout, { DATA_DIR: dataDir });
      cleanups.push(() => server.child.kill('SIGKILL'));
      expect(await server.exited).toBe(1);
      const errors = server.stderr().trim().split('\n');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/holds data of PostgreSQL 16, but the embedded binaries are PostgreSQL 17\. Fix: /);
      expect(server.stderr()).not.toMatch(/\n\s+at /);
    } finally {
      fs.chmodSync(parent, 0o700);
    }
  }, 120_000);
});

describe('embedded PostgreSQL failures a person can fix', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-policy-embedded-'));
    fs.chmodSync(dir, 0o755);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a port in use is named, with the fix', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const failure = await startEmbeddedDatabase(dir, () => {}, { port }).then(
        async (database) => {
          await database.stop();
          throw new Error('PostgreSQL started on a port in use');
        },
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(EmbeddedDatabaseError);
      expect((failure as Error).message).toContain(`port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  }, 120_000);

  it('a full disk is named, with the fix', async () => {
    // A 2 MB file system is far too small for initdb; mounting one needs CAP_SYS_ADMIN.
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
    } catch (error) {
      console.warn(`not testing a full disk: cannot mount a small tmpfs here (${String((error as { stderr?: Buffer }).stderr ?? error).trim()})`);
      return;
    }
    try {
      fs.chmodSync(dir, 0o755);
      const failure = await startEmbeddedDatabase(dir).then(
        async (database) => {
          await database.stop();
          throw new Error('PostgreSQL initialised on a full disk');
        },
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(EmbeddedDatabaseError);
      expect((failure as Error).message).toMatch(new RegExp(`the disk holding ${dir}/pg is full \\(initdb failed\\)\\. Fix: free disk space there`));
    } finally {
      execFileSync('umount', [dir]);
    }
  }, 120_000);

  it('a stale postmaster.pid whose pid is now another program does not block the start', async () => {
    // First start initialises the directory; a crash then leaves a lock naming a pid that is reused.
    const first = await startEmbeddedDatabase(dir);
    await first.stop();
    fs.writeFileSync(path.join(dir, 'pg', 'postmaster.pid'), `${process.pid}\n${path.join(dir, 'pg')}\n0\n${first.port}\n`);
    const second = await startEmbeddedDatabase(dir);
    try {
      const probe = await fetchPostgresVersion(second.url);
      expect(probe).toMatch(/^PostgreSQL 17/);
    } finally {
      await second.stop();
    }
  }, 120_000);
});

async function fetchPostgresVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ version: string }>('SELECT version()')).rows[0].version;
  } finally {
    await client.end();
  }
}

interface BuiltServer {
  child: ChildProcess;
  /** Resolves with the start banner once it names the development key (the last line). */
  ready: Promise<string>;
  exited: Promise<number | null>;
  stderr(): string;
}

function startBuiltServer(checkout: string, env: NodeJS.ProcessEnv): BuiltServer {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: checkout,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += String(chunk);
      if (/Development admin key.*\n/.test(stdout)) resolve(stdout);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before it was ready:\n${stdout}\n${stderr}`)));
  });
  ready.catch(() => {}); // a test expecting the start to fail awaits `exited` instead
  return { child, ready, exited, stderr: () => stderr };
}
