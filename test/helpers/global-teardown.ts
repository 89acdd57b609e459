import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { readTestState } from './test-state';

/** Drops this run's databases and stops the embedded server. */
export default async function globalTeardown(): Promise<void> {
  const state = readTestState();
  const client = new Client({ connectionString: state.serverUrl });
  await client.connect();
  const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`ccc_test_${state.runId}_%`]);
  for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await client.end();
  const stop = (globalThis as { __cccStopDatabase?: () => Promise<void> }).__cccStopDatabase;
  if (stop) await stop();
  if (state.embeddedDir) fs.rmSync(state.embeddedDir, { recursive: true, force: true });
  fs.rmSync(path.dirname(state.checkpointSigningKey), { recursive: true, force: true });
}
