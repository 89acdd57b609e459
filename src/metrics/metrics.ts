import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process, served at /metrics. */
export class PolicyMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'ccc_graphql_requests_total',
    help: 'GraphQL requests by operation and outcome (ok or the first error code)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: 'ccc_graphql_request_duration_seconds',
    help: 'GraphQL request latency by operation',
    labelNames: ['operation'] as const,
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly decisions = new Counter({
    name: 'ccc_decisions_total',
    help: 'Logged decisions by ruleset, version, kind and outcome',
    labelNames: ['ruleset', 'version', 'kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly logBatchSize = new Histogram({
    name: 'ccc_decision_log_batch_size',
    help: 'Decision records per group-committed INSERT',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000],
    registers: [this.registry],
  });

  readonly logCommitDuration = new Histogram({
    name: 'ccc_decision_log_commit_seconds',
    help: 'Time to append and commit one decision-log batch',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  readonly versionCache = new Counter({
    name: 'ccc_version_cache_lookups_total',
    help: 'Version resolution and compiled-version cache lookups by cache and result (hit or miss)',
    labelNames: ['cache', 'result'] as const,
    registers: [this.registry],
  });

  readonly replayJobs = new Counter({
    name: 'ccc_replay_jobs_total',
    help: 'Jobs over history run on replay workers (impact analysis, replay) by kind and outcome (ok, failed, timed_out, cancelled, refused)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly replayJobsRunning = new Gauge({
    name: 'ccc_replay_jobs_running',
    help: 'Jobs over history holding a replay worker now',
    registers: [this.registry],
  });

  readonly versionIntegrityFailures = new Counter({
    name: 'ccc_version_integrity_failures_total',
    help: 'Published versions refused on load because their content does not hash to their recorded content hash',
    labelNames: ['ruleset'] as const,
    registers: [this.registry],
  });

  readonly poolConnections = new Gauge({
    name: 'ccc_db_pool_connections',
    help: 'Database pool connections by state (total, idle, waiting)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  constructor(private readonly poolStats: () => { total: number; idle: number; waiting: number } | null) {
    collectDefaultMetrics({ register: this.registry, prefix: 'ccc_' });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    const stats = this.poolStats();
    if (stats) {
      this.poolConnections.set({ state: 'total' }, stats.total);
      this.poolConnections.set({ state: 'idle' }, stats.idle);
      this.poolConnections.set({ state: 'waiting' }, stats.waiting);
    }
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
