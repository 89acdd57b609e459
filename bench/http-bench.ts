/**
 * HTTP benchmark: the real service (`node dist/src/main.js`) on a fresh embedded database,
 * driven by autocannon over loopback with inputs sent as GraphQL variables and varied per
 * request. Every phase is bounded by time (BENCH_SECONDS, default 10).
 */
import autocannon from 'autocannon';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { applicationDescriptions, prng } from './inputs';
import { formatHotSpots, summariseProfile, type HotSpot } from './profile-summary';
import { cpuDelta, cpuSnapshot, embeddedDatabaseUrl, serverRssMb, startServer, type BenchServer, type CpuSnapshot } from './server';

export interface HttpBenchOptions {
  seconds: number;
  connections: number;
  soakSeconds: number;
  /** Decisions the log must hold before impact analysis. */
  impactLogSize: number;
  cpuProfile: boolean;
  keep: boolean;
  log: (line: string) => void;
}

export interface PhaseResult {
  name: string;
  available: boolean;
  reason?: string;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  /** decisions/s for batches, replayed decisions/s for impact analysis */
  unitsPerSecond?: number;
  unit?: string;
  p50?: number;
  p99?: number;
  errors: number;
  rssMaxMb: number;
  cpu?: CpuSnapshot;
  /** vs the same server configuration's { __typename } rate */
  ratioToCeiling?: number;
  detail?: string;
}

export interface SoakResult {
  seconds: number;
  samples: Array<{ t: number; rssMb: number }>;
  firstQuarterMb: number;
  lastQuarterMb: number;
  maxMb: number;
  slopeMbPerMin: number;
  requestsPerSecond: number;
  errors: number;
}

export interface HttpBenchResult {
  phases: PhaseResult[];
  soak: SoakResult | null;
  bytesPerDecision: number | null;
  logRows: number | null;
  logBytes: number | null;
  postgresVersion: string | null;
  idleRssMb: number;
  hotSpots: HotSpot[] | null;
  hotSpotsText: string | null;
}

const QUERIES = {
  typename: '{ __typename }',
  single:
    'query Evaluate($input: NumberApplicationInput!) { evaluateNumberApplication(input: $input) { decisionId decision message versionNumber contentHash matches { ruleKey } } }',
  batch: 'query EvaluateMany($inputs: [NumberApplicationInput!]!) { evaluateNumberApplications(inputs: $inputs) { decisionId decision versionNumber } }',
  violation: 'mutation Record($input: ViolationInput!) { recordViolation(input: $input) { decisionId severity actions { code } priorViolations escalated } }',
  impact:
    'query Impact($key: ID!, $version: Int) { impactAnalysis(rulesetKey: $key, candidateVersion: $version, sampleSize: 5) { evaluated changed transitions { from to count } } }',
};

const BEHAVIORS = ['FRAUD_COMPLAINT', 'HARASSMENT_COMPLAINT', 'BUSINESS_MISMATCH', 'ABUSIVE_CALL', 'BLIND_CALLING', 'NO_CONSENT_CALLING'];
const INDUSTRIES: Array<[string, string] | null> = [
  null,
  null,
  null,
  ['医疗', '医药售卖'],
  ['房产', '新房'],
  ['金融', '信用卡'],
  ['教育', '课程推广'],
  ['物流', '快递通知'],
];

class Inputs {
  private readonly random = prng(2024);
  private readonly descriptions = applicationDescriptions(6000, 99);
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)];
  }
  application(): Record<string, unknown> {
    const declared = this.pick(INDUSTRIES);
    return {
      ...(this.random() < 0.8 ? { enterpriseId: `bench-app-${Math.floor(this.random() * 50_000)}` } : {}),
      ...(declared ? { industry: declared[0], scenario: declared[1] } : {}),
      description: this.pick(this.descriptions),
      callDirection: this.random() < 0.7 ? 'OUTBOUND' : 'INBOUND',
    };
  }
  violation(): Record<string, unknown> {
    const behavior = this.pick(BEHAVIORS);
    return {
      enterpriseId: `bench-ent-${Math.floor(this.random() * 100_000)}`,
      behavior,
      verified: this.random() < 0.8,
      ...(behavior === 'BUSINESS_MISMATCH' ? { declaredBusiness: this.pick(this.descriptions), actualBusiness: this.pick(this.descriptions) } : {}),
    };
  }
  body(kind: 'typename' | 'single' | 'batch' | 'violation', batchSize = 100): string {
    switch (kind) {
      case 'typename':
        return JSON.stringify({ query: QUERIES.typename });
      case 'single':
        return JSON.stringify({ query: QUERIES.single, variables: { input: this.application() } });
      case 'batch':
        return JSON.stringify({ query: QUERIES.batch, variables: { inputs: Array.from({ length: batchSize }, () => this.application()) } });
      case 'violation':
        return JSON.stringify({ query: QUERIES.violation, variables: { input: this.violation() } });
    }
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON of several operations, read by field path
type GraphQLBody = { data?: any; errors?: unknown[] };

async function graphql(server: BenchServer, key: string, query: string, variables?: object): Promise<GraphQLBody> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(600_000),
  });
  return (await response.json()) as GraphQLBody;
}

async function operations(server: BenchServer, key: string): Promise<Set<string>> {
  const result = await graphql(server, key, '{ __schema { queryType { fields { name } } mutationType { fields { name } } } }');
  const names = new Set<string>();
  for (const type of [result.data?.__schema?.queryType, result.data?.__schema?.mutationType]) {
    for (const field of type?.fields ?? []) names.add(field.name);
  }
  return names;
}

interface LoadOptions {
  name: string;
  server: BenchServer;
  key: string;
  seconds?: number;
  amount?: number;
  connections: number;
  body: () => string;
  /** RSS samples, for the soak */
  onSample?: (rssMb: number) => void;
  sampleMs?: number;
}

/** Sums and counts of the decision-log histograms, from the server's /metrics. */
interface LogMetrics {
  batches: number;
  records: number;
  commitSeconds: number;
}

async function logMetrics(server: BenchServer): Promise<LogMetrics | null> {
  try {
    const text = await (await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    const value = (name: string) => {
      let sum = 0;
      for (const match of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm'))) sum += Number(match[1]);
      return sum;
    };
    return {
      batches: value('ccc_decision_log_batch_size_count'),
      records: value('ccc_decision_log_batch_size_sum'),
      commitSeconds: value('ccc_decision_log_commit_seconds_sum'),
    };
  } catch {
    return null;
  }
}

function logDetail(before: LogMetrics | null, after: LogMetrics | null, seconds: number): string | undefined {
  if (!before || !after) return undefined;
  const batches = after.batches - before.batches;
  if (batches <= 0) return undefined;
  const records = after.records - before.records;
  const commitMs = ((after.commitSeconds - before.commitSeconds) / batches) * 1000;
  return `log: ${Math.round(batches / seconds).toLocaleString('en-US')} batches/s, mean ${(records / batches).toFixed(1)} records/batch, mean batch write ${commitMs.toFixed(1)} ms`;
}

interface LoadResult {
  logDetail?: string;
  result: autocannon.Result;
  graphqlErrors: number;
  firstError: string | null;
  rssMaxMb: number;
  cpu: CpuSnapshot;
}

async function load(options: LoadOptions): Promise<LoadResult> {
  let graphqlErrors = 0;
  let firstError: string | null = null;
  let rssMaxMb = 0;
  const sample = () => {
    const rss = serverRssMb(options.server.pid).total;
    rssMaxMb = Math.max(rssMaxMb, rss);
    options.onSample?.(rss);
  };
  const timer = setInterval(sample, options.sampleMs ?? 500);
  const metricsBefore = await logMetrics(options.server);
  const before = cpuSnapshot(options.server.pid);
  const result = await autocannon({
    url: `${options.server.url}/graphql`,
    // autocannon refuses more connections than requests (a log filled almost enough by the earlier phases).
    connections: options.amount ? Math.min(options.connections, options.amount) : options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: options.seconds ?? 10 }),
    timeout: 60,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.key}` },
    requests: [
      {
        method: 'POST',
        path: '/graphql',
        setupRequest: (request) => ({ ...request, body: options.body() }),
        onResponse: (status, body) => {
          if (status === 200 && !body.includes('"errors":[')) return;
          graphqlErrors++;
          firstError ??= `${status} ${body.slice(0, 300)}`;
        },
      },
    ],
  });
  const cpu = cpuDelta(before, cpuSnapshot(options.server.pid));
  clearInterval(timer);
  sample();
  const detail = logDetail(metricsBefore, await logMetrics(options.server), result.duration);
  return { result, graphqlErrors, firstError, rssMaxMb, cpu, logDetail: detail };
}

function phaseFrom(name: string, run: LoadResult, units?: { perRequest: number; unit: string }): PhaseResult {
  const { result } = run;
  const ok = result['2xx'] - (run.graphqlErrors - result.non2xx);
  const seconds = result.duration;
  return {
    name,
    available: true,
    seconds,
    requests: result.requests.total,
    requestsPerSecond: ok / seconds,
    ...(units ? { unitsPerSecond: (ok * units.perRequest) / seconds, unit: units.unit } : {}),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: run.graphqlErrors + result.errors,
    rssMaxMb: run.rssMaxMb,
    cpu: run.cpu,
    ...(run.firstError || run.logDetail ? { detail: [run.logDetail, run.firstError && `first error: ${run.firstError}`].filter(Boolean).join('; ') } : {}),
  };
}

function unavailable(name: string, reason: string): PhaseResult {
  return { name, available: false, reason, seconds: 0, requests: 0, requestsPerSecond: 0, errors: 0, rssMaxMb: 0 };
}

async function logStats(databaseUrl: string): Promise<{ rows: number; bytes: number; version: string } | null> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const version = (await client.query('SHOW server_version')).rows[0].server_version as string;
    const exists = (await client.query(`SELECT to_regclass('decision_log') IS NOT NULL AS ok`)).rows[0].ok as boolean;
    if (!exists) return { rows: 0, bytes: 0, version };
    const rows = Number((await client.query('SELECT count(*)::bigint AS n FROM decision_log')).rows[0].n);
    // Partitioned or not: the table and every partition, with indexes and TOAST.
    const bytes = Number(
      (await client.query(`SELECT coalesce(sum(pg_total_relation_size(relid)), 0)::bigint AS b FROM pg_partition_tree('decision_log')`)).rows[0].b,
    );
    return { rows, bytes, version };
  } finally {
    await client.end();
  }
}

async function postgresVersion(databaseUrl: string): Promise<string | null> {
  const client = new Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    return (await client.query('SHOW server_version')).rows[0].server_version as string;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function runHttpBench(options: HttpBenchOptions): Promise<HttpBenchResult> {
  const { log } = options;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-bench-'));
  // As root, PostgreSQL runs as a 'postgres' user, which must be able to reach the data directory.
  fs.chmodSync(workDir, 0o755);
  const dataDir = path.join(workDir, 'data');
  const logFile = path.join(workDir, 'server.log');
  const key = `bench-${crypto.randomBytes(16).toString('hex')}`;
  const inputs = new Inputs();
  const phases: PhaseResult[] = [];
  const result: HttpBenchResult = {
    phases,
    soak: null,
    bytesPerDecision: null,
    logRows: null,
    logBytes: null,
    postgresVersion: null,
    idleRssMb: 0,
    hotSpots: null,
    hotSpotsText: null,
  };
  const report = (phase: PhaseResult) => {
    phases.push(phase);
    if (!phase.available) return log(`  ${phase.name}: not available (${phase.reason})`);
    const units = phase.unitsPerSecond !== undefined ? `, ${Math.round(phase.unitsPerSecond).toLocaleString('en-US')} ${phase.unit}` : '';
    const latency = phase.p50 !== undefined ? `, p50 ${phase.p50} ms, p99 ${phase.p99} ms` : '';
    const cpu = phase.cpu ? `, CPU s: server ${phase.cpu.server.toFixed(1)} pg ${phase.cpu.postgres.toFixed(1)} bench ${phase.cpu.bench.toFixed(1)}` : '';
    log(
      `  ${phase.name}: ${Math.round(phase.requestsPerSecond).toLocaleString('en-US')} req/s${units}${latency}, errors ${phase.errors}, RSS max ${phase.rssMaxMb.toFixed(0)} MB${cpu}`,
    );
    if (phase.detail) log(`    ${phase.detail}`);
  };
  const withCeiling = (phase: PhaseResult, ceiling: PhaseResult | undefined) => {
    if (phase.available && ceiling?.available && ceiling.requestsPerSecond > 0) {
      phase.ratioToCeiling =
        (phase.unitsPerSecond !== undefined && phase.unit === 'replayed/s' ? phase.unitsPerSecond : phase.requestsPerSecond) / ceiling.requestsPerSecond;
    }
    return phase;
  };
  const base = { key, connections: options.connections, seconds: options.seconds };

  log(`http bench: work dir ${workDir}, ${options.connections} connections, ${options.seconds}s per phase`);
  let server = await startServer({ dataDir, adminKey: key, logFile });
  try {
    const databaseUrl = embeddedDatabaseUrl(dataDir);
    result.postgresVersion = await postgresVersion(databaseUrl);
    const available = await operations(server, key);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    result.idleRssMb = serverRssMb(server.pid).total;
    log(`server pid ${server.pid} on ${server.url}, PostgreSQL ${result.postgresVersion}, idle RSS ${result.idleRssMb.toFixed(0)} MB`);

    // warm-up: JIT, connection pool, caches (not reported)
    await load({ ...base, name: 'warm-up', server, seconds: Math.min(3, options.seconds), body: () => inputs.body('typename') });
    if (available.has('evaluateNumberApplication')) {
      await load({ ...base, name: 'warm-up', server, seconds: Math.min(3, options.seconds), body: () => inputs.body('single') });
    }

    const ceiling = phaseFrom('{ __typename } (ceiling)', await load({ ...base, name: 'ceiling', server, body: () => inputs.body('typename') }));
    ceiling.ratioToCeiling = 1;
    report(ceiling);

    if (available.has('evaluateNumberApplication')) {
      report(withCeiling(phaseFrom('evaluateNumberApplication', await load({ ...base, name: 'single', server, body: () => inputs.body('single') })), ceiling));
    } else report(unavailable('evaluateNumberApplication', 'operation not in the schema'));

    if (available.has('evaluateNumberApplications')) {
      const run = await load({ ...base, name: 'batch', server, body: () => inputs.body('batch') });
      report(withCeiling(phaseFrom('evaluateNumberApplications x100', run, { perRequest: 100, unit: 'decisions/s' }), ceiling));
    } else report(unavailable('evaluateNumberApplications x100', 'operation not in the schema'));

    if (available.has('recordViolation')) {
      report(withCeiling(phaseFrom('recordViolation', await load({ ...base, name: 'violation', server, body: () => inputs.body('violation') })), ceiling));
    } else report(unavailable('recordViolation', 'operation not in the schema'));

    // Impact analysis over a log of at least impactLogSize decisions.
    if (available.has('impactAnalysis') && available.has('evaluateNumberApplications')) {
      let stats = await logStats(databaseUrl);
      const missing = Math.max(0, options.impactLogSize - (stats?.rows ?? 0));
      if (missing > 0) {
        const batches = Math.ceil(missing / 100);
        log(`  filling the decision log: ${stats?.rows ?? 0} rows, adding ${batches} batches of 100`);
        const fill = await load({ ...base, name: 'fill', server, seconds: undefined, amount: batches, body: () => inputs.body('batch') });
        log(
          `    filled in ${fill.result.duration.toFixed(1)} s (${Math.round((batches * 100) / fill.result.duration).toLocaleString('en-US')} decisions/s), errors ${fill.graphqlErrors}`,
        );
        stats = await logStats(databaseUrl);
      }
      log(`  decision log: ${stats?.rows.toLocaleString('en-US')} rows`);
      const runs: Array<{ seconds: number; evaluated: number; changed: number; rss: number; cpu: CpuSnapshot }> = [];
      let failure: string | null = null;
      for (let i = 0; i < 2 && failure === null; i++) {
        let rss = 0;
        const timer = setInterval(() => (rss = Math.max(rss, serverRssMb(server.pid).total)), 500);
        const before = cpuSnapshot(server.pid);
        const started = process.hrtime.bigint();
        const response = await graphql(server, key, QUERIES.impact, { key: 'ccc-access', version: 1 }).catch((error): GraphQLBody => ({
          errors: [{ message: String(error) }],
        }));
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        clearInterval(timer);
        const cpu = cpuDelta(before, cpuSnapshot(server.pid));
        if (response.errors?.length) failure = JSON.stringify(response.errors[0]).slice(0, 300);
        else {
          const report = response.data.impactAnalysis;
          runs.push({ seconds, evaluated: report.evaluated, changed: report.changed, rss: Math.max(rss, serverRssMb(server.pid).total), cpu });
        }
      }
      if (runs.length > 0) {
        const best = runs.reduce((a, b) => (b.evaluated / b.seconds > a.evaluated / a.seconds ? b : a));
        report(
          withCeiling(
            {
              name: 'impactAnalysis (replay)',
              available: true,
              seconds: best.seconds,
              requests: 1,
              requestsPerSecond: 1 / best.seconds,
              unitsPerSecond: best.evaluated / best.seconds,
              unit: 'replayed/s',
              errors: 0,
              rssMaxMb: best.rss,
              cpu: best.cpu,
              detail: `runs: ${runs.map((r) => `${r.evaluated.toLocaleString('en-US')} evaluated (${r.changed} changed) in ${r.seconds.toFixed(2)} s`).join('; ')}`,
            },
            ceiling,
          ),
        );
      } else report(unavailable('impactAnalysis (replay)', `failed: ${failure}`));
    } else report(unavailable('impactAnalysis (replay)', 'impactAnalysis or evaluateNumberApplications not in the schema'));

    // Soak: single evaluations (or { __typename }), RSS sampled every second.
    if (options.soakSeconds > 0) {
      const kind = available.has('evaluateNumberApplication') ? 'single' : 'typename';
      const samples: Array<{ t: number; rssMb: number }> = [];
      const started = Date.now();
      log(`  soak: ${options.soakSeconds} s of ${kind === 'single' ? 'evaluateNumberApplication' : '{ __typename }'}`);
      const run = await load({
        ...base,
        name: 'soak',
        server,
        seconds: options.soakSeconds,
        sampleMs: 1000,
        onSample: (rssMb) => samples.push({ t: (Date.now() - started) / 1000, rssMb }),
        body: () => inputs.body(kind),
      });
      const quarter = Math.max(1, Math.floor(samples.length / 4));
      const mean = (list: typeof samples) => list.reduce((a, s) => a + s.rssMb, 0) / list.length;
      const tMean = samples.reduce((a, s) => a + s.t, 0) / samples.length;
      const rMean = mean(samples);
      const slope =
        samples.reduce((a, s) => a + (s.t - tMean) * (s.rssMb - rMean), 0) /
        Math.max(
          1e-9,
          samples.reduce((a, s) => a + (s.t - tMean) ** 2, 0),
        );
      const phase = phaseFrom('soak', run);
      result.soak = {
        seconds: options.soakSeconds,
        samples,
        firstQuarterMb: mean(samples.slice(0, quarter)),
        lastQuarterMb: mean(samples.slice(-quarter)),
        maxMb: Math.max(...samples.map((s) => s.rssMb)),
        slopeMbPerMin: slope * 60,
        requestsPerSecond: phase.requestsPerSecond,
        errors: phase.errors,
      };
      log(
        `    RSS first quarter ${result.soak.firstQuarterMb.toFixed(0)} MB, last quarter ${result.soak.lastQuarterMb.toFixed(0)} MB, max ${result.soak.maxMb.toFixed(0)} MB, ` +
          `slope ${result.soak.slopeMbPerMin.toFixed(2)} MB/min, ${Math.round(phase.requestsPerSecond).toLocaleString('en-US')} req/s, errors ${phase.errors}`,
      );
    }

    const stats = await logStats(databaseUrl).catch(() => null);
    if (stats && stats.rows > 0) {
      result.logRows = stats.rows;
      result.logBytes = stats.bytes;
      result.bytesPerDecision = stats.bytes / stats.rows;
      log(
        `  decision log: ${stats.rows.toLocaleString('en-US')} rows, ${(stats.bytes / 1048576).toFixed(0)} MB incl. indexes -> ${result.bytesPerDecision.toFixed(0)} bytes/decision`,
      );
    }
    await server.stop();

    // Two server processes (node:cluster, WORKERS=2) on the same PostgreSQL.
    log('  restarting with WORKERS=2');
    server = await startServer({ dataDir, adminKey: key, logFile, workers: 2 });
    await load({ ...base, name: 'warm-up', server, seconds: Math.min(3, options.seconds), body: () => inputs.body('typename') });
    const ceiling2 = phaseFrom('{ __typename } (ceiling), 2 processes', await load({ ...base, name: 'ceiling2', server, body: () => inputs.body('typename') }));
    ceiling2.ratioToCeiling = ceiling2.requestsPerSecond / ceiling.requestsPerSecond;
    report(ceiling2);
    if (available.has('evaluateNumberApplication')) {
      await load({ ...base, name: 'warm-up', server, seconds: Math.min(3, options.seconds), body: () => inputs.body('single') });
      report(
        withCeiling(
          phaseFrom('evaluateNumberApplication, 2 processes', await load({ ...base, name: 'single2', server, body: () => inputs.body('single') })),
          ceiling2,
        ),
      );
    } else report(unavailable('evaluateNumberApplication, 2 processes', 'operation not in the schema'));
    await server.stop();

    // Optional: where the server spends its time under single-evaluation load.
    if (options.cpuProfile && available.has('evaluateNumberApplication')) {
      const profDir = path.join(workDir, 'cpu-profile');
      fs.mkdirSync(profDir, { recursive: true });
      log('  profiling: WORKERS=1 with --cpu-prof under evaluateNumberApplication load');
      server = await startServer({ dataDir, adminKey: key, logFile, cpuProfDir: profDir });
      await load({ ...base, name: 'warm-up', server, seconds: Math.min(3, options.seconds), body: () => inputs.body('single') });
      const now = () => Number(process.hrtime.bigint() / 1000n);
      const windows: Array<{ name: string; fromUs: number; toUs: number }> = [];
      let fromUs = now();
      report(phaseFrom('evaluateNumberApplication, profiled', await load({ ...base, name: 'profiled', server, body: () => inputs.body('single') })));
      windows.push({ name: 'evaluateNumberApplication', fromUs, toUs: now() });
      if (available.has('evaluateNumberApplications')) {
        fromUs = now();
        const run = await load({ ...base, name: 'profiled', server, body: () => inputs.body('batch') });
        report(phaseFrom('evaluateNumberApplications x100, profiled', run, { perRequest: 100, unit: 'decisions/s' }));
        windows.push({ name: 'evaluateNumberApplications x100', fromUs, toUs: now() });
      }
      await server.stop();
      const files = fs.readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
      if (files.length > 0) {
        const texts: string[] = [];
        for (const window of windows) {
          const summary = summariseProfile(path.join(profDir, files[0]), 25, window.fromUs, window.toUs);
          result.hotSpots ??= summary.hotSpots;
          texts.push(`${window.name} — ${formatHotSpots(summary)}`);
        }
        result.hotSpotsText = texts.join('\n');
        log(result.hotSpotsText);
        log(`  profile kept at ${path.join(profDir, files[0])}`);
      } else log('  no CPU profile was written');
    }
  } finally {
    await server.stop().catch(() => {});
    if (!options.keep && !options.cpuProfile) fs.rmSync(workDir, { recursive: true, force: true });
    else log(`  work dir kept: ${workDir}`);
  }
  return result;
}
