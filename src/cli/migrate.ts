import 'reflect-metadata';
import { createLogger } from '../common/logger';
import { ConfigError, loadConfig } from '../config/config';
import { openPolicyDatabase } from '../composition/data-source';

/** Applies pending migrations (the server also does so at start) and reports what ran. */
async function migrate(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await openPolicyDatabase(config, (line) => logger.debug(line));
  const applied: { name: string }[] = await database.dataSource.query('SELECT name FROM migrations ORDER BY id');
  console.log(`migrations applied (${applied.length}):\n${applied.map((m) => `  ${m.name}`).join('\n')}`);
  await database.close();
}

migrate().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
