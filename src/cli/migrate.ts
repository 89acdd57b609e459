import 'reflect-metadata';
import { createLogger } from '../common/logger';
import { ConfigError, loadConfig } from '../config/config';
import { openPolicyDatabase } from '../composition/data-source';
import { appliedMigrations } from '../db/database';

/** Applies pending migrations (the server also does so at start) and reports what ran. */
async function migrate(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await openPolicyDatabase(config, (line) => logger.debug(line));
  const applied = await appliedMigrations(database.dataSource);
  console.log(`migrations applied (${applied.length}):\n${applied.map((name) => `  ${name}`).join('\n')}`);
  await database.close();
}

migrate().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
