import cluster from 'node:cluster';
import 'reflect-metadata';
import { createApp } from './app';
import { ensureDevelopmentKey } from './api-keys/development-key';
import { createLogger, flushLogs, Logger } from './common/logger';
import { Config, ConfigError, isLocalDevelopment, loadConfig } from './config/config';
import { systemContext } from './common/request-context';
import { openPolicyDatabase } from './composition/data-source';
import { createAuthoringServices } from './composition/services';
import { Database } from './db/database';
import { EmbeddedDatabaseError } from './db/embedded-database';
import { ensureSeedRuleset } from './rulesets/seed';

/** What the primary hands to cluster workers: the database it prepared and the development key. */
const WORKER_DATABASE_URL = 'CCC_WORKER_DATABASE_URL';
const WORKER_DEVELOPMENT_KEY = 'CCC_WORKER_DEVELOPMENT_KEY';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`ccc-policy: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
}

/** Database (embedded or DATABASE_URL) -> migrations -> admin/development key -> seed ruleset. */
async function prepare(config: Config, logger: Logger): Promise<{ database: Database; developmentKey: string | null }> {
  const database = await openPolicyDatabase(config, (line) => logger.debug(line));
  if (database.role.privileged) {
    logger.warn(
      { role: database.role.name },
      "the service connects as a superuser or the log's owner: it could undo the log's protections (docs/deployment.md: MIGRATION_DATABASE_URL and a service role)",
    );
  }
  const services = createAuthoringServices(database.dataSource);
  const system = systemContext('system');
  if (config.adminApiKey) await services.apiKeys.ensureAdminKey(system, config.adminApiKey);
  const developmentKey = isLocalDevelopment(config) && !config.adminApiKey ? await ensureDevelopmentKey(system, services.apiKeys, config.dataDir) : null;
  await ensureSeedRuleset(services, logger);
  return { database, developmentKey };
}

function printReady(config: Config, port: number, developmentKey: string | null, database: Database): void {
  const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  console.log(`\nccc-policy is ready.\n  GraphQL:  ${base}/graphql\n  GraphiQL: ${base}/graphiql`);
  if (database.embedded) {
    console.log(`  PostgreSQL (embedded, port ${database.embedded.port}): data in ${database.embedded.dataDir}, programs in ${database.embedded.binDir}`);
  }
  if (developmentKey) console.log(`  Development admin key (stored in ${config.dataDir}): ${developmentKey}\n`);
}

function onSignals(logger: Logger, stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  const handle = (signal: string) => {
    if (stopping) return;
    stopping = true;
    stop(signal).then(
      () => flushLogs(logger).then(() => process.exit(0)),
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        return flushLogs(logger).then(() => process.exit(1));
      },
    );
  };
  process.on('SIGTERM', () => handle('SIGTERM'));
  process.on('SIGINT', () => handle('SIGINT'));
}

/** One server process: app on the prepared database until SIGTERM/SIGINT, then a graceful stop. */
async function serve(config: Config, logger: Logger, database: Database, developmentKey: string | null, announce: boolean) {
  const startedAt = Date.now();
  const app = await createApp({ config, dataSource: database.dataSource, logger, developmentKey });
  const port = await app.listen(config.port, config.host);
  logger.info({ port, pid: process.pid, startupMs: Date.now() - startedAt }, 'ccc-policy listening');
  if (announce) printReady(config, port, developmentKey, database);
  onSignals(logger, async (signal) => {
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    await app.close();
    await database.close();
    logger.info('stopped cleanly');
  });
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);

  if (cluster.isWorker) {
    const url = process.env[WORKER_DATABASE_URL]!;
    const database = await openPolicyDatabase({ ...config, databaseUrl: url }, (line) => logger.debug(line));
    await serve(config, logger, database, process.env[WORKER_DEVELOPMENT_KEY] || null, false);
    return;
  }

  const { database, developmentKey } = await prepare(config, logger);
  if (config.workers === 1) {
    await serve(config, logger, database, developmentKey, true);
    return;
  }

  // Several processes share the port; the primary keeps only the embedded server (if any).
  await database.dataSource.destroy();
  const env = { [WORKER_DATABASE_URL]: database.url, [WORKER_DEVELOPMENT_KEY]: developmentKey ?? '' };
  let stopping = false;
  let listening = 0;
  for (let i = 0; i < config.workers; i++) {
    const worker = cluster.fork(env);
    worker.once('listening', (address) => {
      if (++listening === config.workers) printReady(config, address.port, developmentKey, database);
    });
  }
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) logger.error({ pid: worker.process.pid, code, signal }, 'worker exited; starting another');
    if (!stopping) cluster.fork(env);
  });
  onSignals(logger, async (signal) => {
    stopping = true;
    logger.info({ signal, workers: config.workers }, 'shutting down workers');
    const exits = Object.values(cluster.workers ?? {}).map(
      (worker) => new Promise<void>((resolve) => (worker!.isDead() ? resolve() : worker!.once('exit', () => resolve()))),
    );
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    await Promise.all(exits);
    await database.embedded?.stop();
  });
}

main().catch((error) => {
  // A cause a person can fix is one message; anything else keeps its stack for a bug report.
  if (error instanceof EmbeddedDatabaseError) console.error(`ccc-policy failed to start: ${error.message}`);
  else console.error('ccc-policy failed to start:', error);
  process.exit(1);
});
