import { randomBytes } from 'node:crypto';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { createApp, App } from '../../src/app';
import { Role } from '../../src/common/roles';
import { createLogger, Logger } from '../../src/common/logger';
import { systemContext } from '../../src/common/request-context';
import { loadConfig } from '../../src/config/config';
import { createDataSource } from '../../src/composition/data-source';
import { ensureDatabase } from '../../src/db/ensure-database';
import { readTestState } from './test-state';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped response JSON by default; tests read the fields they assert
export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; [key: string]: unknown } }[];
}

export interface TestServer {
  url: string;
  databaseUrl: string;
  dataSource: DataSource;
  app: App;
  /** An API key for each role (and admin). */
  keys: Record<Role, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- same untyped default as GraphQLResponse
  gql<T = any>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/** A fresh database copied from the migrated, seeded template. */
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

/** Starts the real app on a free port over its own database, with one key per role. */
export async function startTestServer(options: { databaseUrl?: string; env?: NodeJS.ProcessEnv; logger?: Logger } = {}): Promise<TestServer> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl, ...options.env });
  const dataSource = createDataSource(databaseUrl, 10);
  await dataSource.initialize();
  const app = await createApp({ config, dataSource, logger: options.logger ?? createLogger(config.logLevel) });
  const port = await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  const keys = {} as Record<Role, string>;
  for (const role of ['admin', 'editor', 'publisher', 'evaluator', 'auditor'] as Role[]) {
    keys[role] = (await app.services.apiKeys.create(systemContext('test'), `test-${role}`, [role])).key;
  }
  return {
    url,
    databaseUrl,
    dataSource,
    app,
    keys,
    gql: (query, variables = {}, key = keys.admin) => postGraphQL(url, query, variables, key),
    async close() {
      await app.close(2000);
      await dataSource.destroy();
    },
  };
}
