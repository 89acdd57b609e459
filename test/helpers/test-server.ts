import { randomBytes } from 'node:crypto';
import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createApp, App } from '../../src/app';
import { Role } from '../../src/common/roles';
import { createLogger, Logger } from '../../src/common/logger';
import { Clock, systemContext } from '../../src/common/request-context';
import { loadConfig } from '../../src/config/config';
import { createDataSource } from '../../src/composition/data-source';
import { ensureDatabase } from '../../src/db/ensure-database';
import { SERVICE_ROLE, urlAs } from '../../src/db/service-role';
import { readTestState } from './test-state';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped response JSON by default; tests read the fields they assert
export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; [key: string]: unknown } }[];
}

export interface TestServer {
  url: string;
  /** The owner's (superuser's) connection to the test database: for setup and for attacks an owner could make. */
  databaseUrl: string;
  /** The service role's connection (ccc_service), as the app uses it. */
  serviceUrl: string;
  /** The app's data source: connected as ccc_service. */
  dataSource: DataSource;
  /** Runs SQL as the owner (a superuser), on a connection of its own. */
  ownerQuery<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  app: App;
  /** An API key for each role (and admin). */
  keys: Record<Role, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- same untyped default as GraphQLResponse
  gql<T = any>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/** `ownerUrl` as the service role, with this run's password. */
export function serviceUrlOf(ownerUrl: string): string {
  return urlAs(ownerUrl, SERVICE_ROLE, readTestState().servicePassword);
}

/** Runs SQL as the owner on a connection of its own. */
export async function queryAs<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A fresh database copied from the migrated, seeded template; the URL is the owner's. */
export async function createTestDatabase(): Promise<string> {
  const state = readTestState();
  const name = `ccc_test_${state.runId}_${randomBytes(6).toString('hex')}`;
  return ensureDatabase(state.serverUrl, name, state.templateName);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- same untyped default as GraphQLResponse
export async function postGraphQL<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  key: string | null = null,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, ...body };
}

/**
 * Starts the real app on a free port over its own database (`databaseUrl`: the owner's),
 * connected as the service role, with one key per role.
 */
export async function startTestServer(options: { databaseUrl?: string; env?: NodeJS.ProcessEnv; logger?: Logger; clock?: Clock } = {}): Promise<TestServer> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const serviceUrl = serviceUrlOf(databaseUrl);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: serviceUrl,
    MIGRATION_DATABASE_URL: databaseUrl,
    CHECKPOINT_SIGNING_KEY: readTestState().checkpointSigningKey,
    // A loaded machine (parallel test files, mutation runs) can keep a query waiting for a connection
    // for seconds: here the timeout only bounds a hang, it is not what a test checks.
    DATABASE_CONNECT_TIMEOUT_MS: '120000',
    ...options.env,
  });
  const dataSource = createDataSource(serviceUrl, { size: 10, connectTimeoutMs: config.databaseConnectTimeoutMs });
  await dataSource.initialize();
  const app = await createApp({ config, dataSource, logger: options.logger ?? createLogger(config.logLevel), clock: options.clock });
  const port = await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  const keys = {} as Record<Role, string>;
  for (const role of ['admin', 'editor', 'publisher', 'evaluator', 'auditor', 'reviewer'] as Role[]) {
    keys[role] = (await app.services.apiKeys.create(systemContext('test'), `test-${role}`, [role])).key;
  }
  return {
    url,
    databaseUrl,
    serviceUrl,
    dataSource,
    ownerQuery: (sql, params) => queryAs(databaseUrl, sql, params),
    app,
    keys,
    gql: (query, variables = {}, key = keys.admin) => postGraphQL(url, query, variables, key),
    async close() {
      await app.close(2000);
      await dataSource.destroy();
    },
  };
}
