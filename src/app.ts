import { ApolloServer } from '@apollo/server';
import { DataSource } from 'typeorm';
import { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions.js';
import { Config } from './config/config';
import { Logger, RepeatedErrorLog } from './common/logger';
import { abuseProtection } from './graphql/abuse-limits';
import { CHANNELS, NotificationListener } from './db/notification-listener';
import { createErrorFormatter } from './graphql/format-error';
import { requestObserver } from './graphql/request-observer';
import { PolicyMetrics } from './metrics/metrics';
import { RequestContext, systemClock, Clock } from './common/request-context';
import { buildPolicySchema } from './composition/schema';
import { createServices, resolverInstances, Services } from './composition/services';
import { poolOf } from './db/data-source';
import { migrationState } from './db/database';
import { CheckpointPublisher, startCheckpointPublisher } from './decisions/checkpoint-publisher';
import { checkpointSignerFor } from './decisions/checkpoint-signing';
import { EVALUATION_FIELDS } from './evaluations/evaluation-fields';
import { GraphiQLPage, renderGraphiQLPage } from './graphiql/graphiql-page';
import { createHttpServer, PolicyHttpServer } from './http/http-server';

export interface AppOptions {
  config: Config;
  dataSource: DataSource;
  logger: Logger;
  /** Pre-filled into GraphiQL; only in local development mode. */
  developmentKey?: string | null;
  /** The time every request is handled at (tests may fix it). */
  clock?: Clock;
}

export interface App {
  services: Services;
  http: PolicyHttpServer;
  /** Periodic signed checkpoints (CHECKPOINT_EVERY), or null when off. */
  checkpoints: CheckpointPublisher | null;
  listen(port: number, host: string): Promise<number>;
  /** Graceful stop: refuse new requests, finish in-flight ones, stop Apollo. The caller closes the database. */
  close(graceMs?: number): Promise<void>;
}

/** The one composition root, used by main.ts and by the integration tests. */
export async function createApp({ config, dataSource, logger, developmentKey = null, clock = systemClock }: AppOptions): Promise<App> {
  const metrics = new PolicyMetrics(() => poolStats(dataSource));
  const notifications = new NotificationListener((dataSource.options as PostgresDataSourceOptions).url!);
  const services = createServices(
    dataSource,
    metrics,
    notifications,
    config,
    (failure) => logger.error(failure, 'published version refused: its content does not match its content hash (changed outside the publish path)'),
    checkpointSignerFor(config),
  );
  notifications.on('notification', (channel, payload) => {
    if (channel === CHANNELS.apiKeys) services.apiKeys.forget(payload);
    if (channel === CHANNELS.versions) services.versions.invalidate(payload || null);
  });
  notifications.on('connected', () => services.apiKeys.forget(null));
  notifications.on('connected', () => services.versions.invalidate(null));
  // An outage fails every request alike: each kind of error is logged once per interval, with a count.
  const repeatedErrors = new RepeatedErrorLog(logger);
  notifications.on('error', (error) => repeatedErrors.log('warn', { err: error }, 'notification connection lost; reconnecting'));
  await notifications.start();
  await services.logWriter.start(clock.now());
  const checkpoints =
    config.checkpointEvery > 0
      ? startCheckpointPublisher(
          config.checkpointEvery,
          config.checkpointOut,
          () => services.decisionLog.signedHead(clock.now()),
          (error) => repeatedErrors.log('warn', { err: error }, 'signed checkpoint not published; retrying at the next interval'),
        )
      : null;
  const schema = await buildPolicySchema(resolverInstances(services));
  const protection = abuseProtection({
    fields: EVALUATION_FIELDS,
    prepare: (context, calls) => services.evaluations.prepareEvaluations(context, calls),
  });
  const apollo = new ApolloServer<RequestContext>({
    schema,
    plugins: [...protection.plugins, requestObserver(metrics, logger)],
    validationRules: protection.validationRules,
    parseOptions: protection.parseOptions,
    allowBatchedHttpRequests: false,
    introspection: true,
    csrfPrevention: true,
    // Shutdown is ours: drain HTTP first, then stop Apollo, then close the database.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    formatError: createErrorFormatter({
      exposeInternals: config.nodeEnv !== 'production',
      report: (error, formatted, requestId) => repeatedErrors.log('error', { err: error, path: formatted.path, requestId }, 'unexpected error'),
    }),
  });
  await apollo.start();

  let page: GraphiQLPage | null = null;
  const http = createHttpServer({
    apollo,
    authenticate: (secret) => services.apiKeys.authenticate(secret),
    clock,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    metrics: () => metrics.render(),
    graphiqlPage: () => (page ??= renderGraphiQLPage(developmentKey)),
    readiness: async () => {
      try {
        const { applied, expected } = await migrationState(dataSource);
        const migrated = applied >= expected;
        // Not listening only makes version and key caches stay off (every request reads the database): reported, not fatal.
        const listener = notifications.listening ? 'listening' : 'reconnecting';
        // Reported, not fatal: the other versions are sound and keep being served; alert on it.
        const refused = services.versions.integrityFailures();
        const versionIntegrity = refused.length === 0 ? 'ok' : `refused: ${refused.map((failure) => `${failure.rulesetKey} v${failure.number}`).join(', ')}`;
        return {
          ready: migrated,
          checks: { database: 'ok', migrations: migrated ? 'applied' : `${applied}/${expected} applied`, notifications: listener, versionIntegrity },
        };
      } catch (error) {
        return { ready: false, checks: { database: `unreachable: ${(error as Error).message}` } };
      }
    },
  });

  return {
    services,
    http,
    checkpoints,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        http.server.once('error', reject);
        http.server.listen(port, host, () => {
          const address = http.server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }),
    async close(graceMs = 10_000) {
      checkpoints?.stop();
      await http.drain(graceMs);
      await apollo.stop();
      // Every queued decision is written before the caller closes the database.
      await services.logWriter.close();
      await services.replayWorkers.close();
      await notifications.stop();
    },
  };
}

/** Connection counts of the pg pool behind TypeORM's postgres driver. */
function poolStats(dataSource: DataSource): { total: number; idle: number; waiting: number } | null {
  const pool = poolOf(dataSource);
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : null;
}
