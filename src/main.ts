import 'reflect-metadata';
import { createApp } from './app';
import { ApiKeyService } from './api-keys/api-key.service';
import { ensureDevelopmentKey } from './api-keys/development-key';
import { createLogger } from './common/logger';
import { ConfigError, isLocalDevelopment, loadConfig } from './config/config';
import { openDatabase } from './db/database';
import { ensureSeedRuleset } from './rulesets/seed';

/** config -> database (embedded or DATABASE_URL) -> migrations -> seed -> app -> listen */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`ccc-policy: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const startedAt = Date.now();
  const database = await openDatabase(config, (line) => logger.debug(line));
  const apiKeys = new ApiKeyService(database.dataSource);
  if (config.adminApiKey) await apiKeys.ensureAdminKey(config.adminApiKey);
  const developmentKey =
    isLocalDevelopment(config) && !config.adminApiKey ? await ensureDevelopmentKey(apiKeys, config.dataDir) : null;

  const app = await createApp({ config, dataSource: database.dataSource, logger, developmentKey });
  await ensureSeedRuleset(app.services.rulesets, logger);

  const port = await app.listen(config.port, config.host);
  const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  logger.info({ port, database: database.embedded ? 'embedded' : 'DATABASE_URL', startupMs: Date.now() - startedAt }, 'ccc-policy listening');
  console.log(`\nccc-policy is ready.\n  GraphQL:  ${base}/graphql\n  GraphiQL: ${base}/graphiql`);
  if (developmentKey) console.log(`  Development admin key (stored in ${config.dataDir}): ${developmentKey}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    try {
      await app.close();
      await database.close();
      logger.info('stopped cleanly');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  console.error('ccc-policy failed to start:', error);
  process.exit(1);
});
