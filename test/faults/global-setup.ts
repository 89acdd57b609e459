import { execFileSync } from 'node:child_process';
import path from 'node:path';
import integrationSetup from '../helpers/global-setup';

/**
 * The fault tests run the built server (`node dist/src/main.js`) as real processes: build
 * it, then prepare the template database, unless the integration project (set up first in
 * the same jest run) already did; its teardown then cleans up for both.
 */
export default async function globalSetup(): Promise<void> {
  const root = path.join(__dirname, '../..');
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (process.env.CCC_TEST_STATE) return;
  (globalThis as { __cccFaultsOwnDatabase?: boolean }).__cccFaultsOwnDatabase = true;
  await integrationSetup();
}
