import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import 'reflect-metadata';
import { createDataSource } from '../../src/composition/data-source';
import { ensureDatabase } from '../../src/db/ensure-database';
import { startEmbeddedDatabase } from '../../src/db/embedded-database';
import { enableServiceLogin } from '../../src/db/service-role';
import { createLogger } from '../../src/common/logger';
import { createAuthoringServices } from '../../src/composition/services';
import { ensureSeedRuleset } from '../../src/rulesets/seed';
import { TestState } from './test-state';

/**
 * Starts PostgreSQL (embedded, unless DATABASE_URL names a server), then migrates and
 * seeds one template database as the owner; every test file copies it with CREATE DATABASE ... TEMPLATE.
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${process.pid}_${Date.now().toString(36)}`;
  let serverUrl = process.env.DATABASE_URL;
  let embeddedDir: string | null = null;
  let stop: (() => Promise<void>) | null = null;
  if (!serverUrl) {
    embeddedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-policy-test-'));
    // mkdtemp makes it 0700; as root PostgreSQL runs as another user, which must enter it.
    fs.chmodSync(embeddedDir, 0o755);
    const embedded = await startEmbeddedDatabase(embeddedDir);
    serverUrl = embedded.url;
    stop = embedded.stop;
  }
  const templateName = `ccc_test_${runId}_template`;
  const templateUrl = await ensureDatabase(serverUrl, templateName);
  const dataSource = createDataSource(templateUrl, { size: 2 });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await ensureSeedRuleset(createAuthoringServices(dataSource), createLogger('silent'));
  await dataSource.destroy();
  // Migrated as the owner (above); the apps under test log in as ccc_service, as a deployment does.
  const servicePassword = randomBytes(18).toString('base64url');
  await enableServiceLogin(templateUrl, servicePassword);

  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-policy-test-key-'));
  const checkpointSigningKey = path.join(keyDir, 'checkpoint-signing-key.pem');
  fs.writeFileSync(checkpointSigningKey, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });

  const state: TestState = { serverUrl, templateName, runId, embeddedDir, servicePassword, checkpointSigningKey };
  process.env.CCC_TEST_STATE = JSON.stringify(state);
  (globalThis as { __cccStopDatabase?: () => Promise<void> }).__cccStopDatabase = stop ?? undefined;
}
