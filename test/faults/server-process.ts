import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../src/db/embedded-database';
import { postGraphQL, GraphQLResponse, serviceUrlOf } from '../helpers/test-server';
import { readTestState } from '../helpers/test-state';

export const ADMIN_KEY = 'fault-test-admin-key-0123456789';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- same untyped default as GraphQLResponse
  gql<T = any>(query: string, variables?: Record<string, unknown>, key?: string): Promise<GraphQLResponse<T>>;
  /** SIGKILL if still running (cleanup). */
  kill(): void;
}

/**
 * Runs the built service (`node dist/src/main.js`) on a free loopback port against
 * `databaseUrl` (the owner's) as a deployment does: migrating as the owner, serving as ccc_service.
 */
export async function startServerProcess(databaseUrl: string, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(__dirname, '../../dist/src/main.js')], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      DATABASE_URL: serviceUrlOf(databaseUrl),
      MIGRATION_DATABASE_URL: databaseUrl,
      CHECKPOINT_SIGNING_KEY: readTestState().checkpointSigningKey,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_API_KEY: ADMIN_KEY,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk) => output.push(String(chunk)));
  child.stderr!.on('data', (chunk) => output.push(String(chunk)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}): ${output.join('')}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready within 30 s: ${output.join('')}`);
    }
    await sleep(100);
  }
  return {
    url,
    child,
    output,
    exited,
    gql: (query, variables = {}, key = ADMIN_KEY) => postGraphQL(url, query, variables, key),
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function createKey(server: { gql: ServerProcess['gql'] }, name: string, roles: string[]): Promise<{ id: string; key: string }> {
  const created = await server.gql('mutation($n: String!, $r: [String!]!) { createApiKey(name: $n, roles: $r) { id key } }', { n: name, r: roles });
  if (created.errors) throw new Error(JSON.stringify(created.errors));
  return created.data.createApiKey;
}

export interface EmbeddedProcess {
  url: string;
  port: number;
  /** Stops PostgreSQL (a fast shutdown) and waits for it. */
  stop(): Promise<void>;
}

/**
 * An embedded PostgreSQL in a helper process running the built `startEmbeddedDatabase`,
 * as the server runs it, so a test can stop and restart it apart from the jest worker.
 */
export async function startEmbeddedProcess(dir: string, port?: number): Promise<EmbeddedProcess> {
  const modulePath = path.join(__dirname, '../../dist/src/db/embedded-database.js');
  const script = `
    const { startEmbeddedDatabase } = require(${JSON.stringify(modulePath)});
    startEmbeddedDatabase(${JSON.stringify(dir)}, () => {}, { port: ${port ?? 'undefined'} }).then((db) => {
      process.stdout.write(JSON.stringify({ url: db.url, port: db.port }) + '\\n');
      process.on('SIGTERM', () => db.stop().then(() => process.exit(0), () => process.exit(1)));
    }, (error) => { console.error(error); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let errors = '';
  child.stderr!.on('data', (chunk) => (errors += String(chunk)));
  const started = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`embedded PostgreSQL did not start within 60 s: ${errors}`)), 60_000);
    child.stdout!.on('data', (chunk) => {
      text += String(chunk);
      const line = text.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded PostgreSQL helper exited (${code}): ${errors}`));
    });
  });
  return {
    ...started,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Resolves after `ms` without keeping the process alive (for Promise.race bounds). */
export const within = (ms: number) => new Promise<null>((resolve) => setTimeout(() => resolve(null), ms).unref());
