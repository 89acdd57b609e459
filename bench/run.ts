/**
 * `npm run bench`: the engine-only benchmark on one core (child process, `taskset -c 1`
 * when available), then the HTTP benchmark against the real service on a fresh embedded
 * database, then one table with the targets of issue 6 side by side.
 *
 * Environment:
 *   BENCH_SECONDS          seconds per HTTP phase (default 10)
 *   BENCH_CONNECTIONS      autocannon connections (default 32)
 *   BENCH_SOAK_SECONDS     soak duration, 0 to skip (default 20; 300 for the 5-minute soak)
 *   BENCH_ENGINE_SECONDS   seconds per engine in the engine bench (default 3)
 *   BENCH_IMPACT_DECISIONS decisions in the log before impact analysis (default 200000)
 *   BENCH_CPU_PROFILE=1    also profile the server under single-evaluation load (--cpu-prof)
 *   BENCH_KEEP=1           keep the temporary data directory and server log
 *   BENCH_JSON=<file>      also write every figure as JSON
 *   BENCH_SKIP_ENGINE=1 / BENCH_SKIP_HTTP=1
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EngineBenchResult } from './engine-bench';
import { runHttpBench, type HttpBenchResult } from './http-bench';

const env = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return process.env[name] !== undefined && process.env[name] !== '' && Number.isFinite(value) ? value : fallback;
};

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  os: string;
  pinning: string;
}

function machine(pinning: string): Machine {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /model name\s*:\s*(.+)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1].trim() ?? cpuModel;
  } catch {
    // not Linux
  }
  return {
    cpus: os.availableParallelism(),
    cpuModel,
    memoryGb: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    pinning,
  };
}

/** `taskset -c 1` if it exists and CPU 1 is allowed, else `taskset -c 0`, else nothing. */
function pinningCommand(): string[] {
  for (const cpu of os.availableParallelism() > 1 ? ['1', '0'] : ['0']) {
    const probe = spawnSync('taskset', ['-c', cpu, 'true']);
    if (probe.status === 0) return ['taskset', '-c', cpu];
  }
  return [];
}

function runEngineBench(seconds: number, pin: string[]): Promise<EngineBenchResult> {
  const script = path.join(__dirname, 'engine-bench.js');
  const [command, ...args] = [...pin, process.execPath, script];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, BENCH_ENGINE_SECONDS: String(seconds) }, stdio: ['ignore', 'pipe', 'inherit'] });
    let buffered = '';
    let result: EngineBenchResult | null = null;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.startsWith('ENGINE_BENCH_JSON ')) result = JSON.parse(line.slice('ENGINE_BENCH_JSON '.length)) as EngineBenchResult;
        else console.log(line);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (result && code === 0) resolve(result);
      else if (result) reject(Object.assign(new Error(`engine bench: ${result.decisionMismatches} decision mismatches`), { result }));
      else reject(new Error(`engine bench exited with code ${code}`));
    });
  });
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined ? '' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
  by: string;
}

function targets(engine: EngineBenchResult | null, http: HttpBenchResult | null): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const phase = (name: string) => http?.phases.find((p) => p.name === name && p.available);
  const check = (target: string, value: number | undefined, goal: number, atLeast: boolean, unit: string, digits = 0) => {
    if (value === undefined || Number.isNaN(value)) return checks.push({ target, measured: 'not available', met: null, by: '' });
    const met = atLeast ? value >= goal : value <= goal;
    const by = atLeast ? value / goal : goal / value;
    checks.push({
      target,
      measured: `${fmt(value, digits)}${unit}`,
      met,
      by: met ? `met (${fmt((by - 1) * 100)}% margin)` : `missed by ${fmt(Math.abs(value - goal), digits)}${unit} (${fmt(Math.abs(1 - value / goal) * 100)}%)`,
    });
  };
  const single = phase('evaluateNumberApplication');
  check('single evaluations >= 4,000 req/s', single?.requestsPerSecond, 4000, true, ' req/s');
  check('single evaluations p99 <= 20 ms', single?.p99, 20, false, ' ms');
  check('single / { __typename } >= 0.75', single?.ratioToCeiling, 0.75, true, '', 2);
  check('batches >= 35,000 durable decisions/s', phase('evaluateNumberApplications x100')?.unitsPerSecond, 35000, true, ' decisions/s');
  const ours = engine?.figures[0]?.evaluationsPerSecond;
  check('engine >= 200,000 evaluations/s on one core', ours, 200000, true, ' /s');
  const bestPeer = engine ? Math.max(engine.figures[2].evaluationsPerSecond, engine.figures[3].evaluationsPerSecond) : undefined;
  check('engine faster than both peers (ratio to the faster peer > 1)', ours !== undefined && bestPeer ? ours / bestPeer : undefined, 1.0000001, true, 'x', 1);
  check('impact analysis >= 20,000 replayed decisions/s', phase('impactAnalysis (replay)')?.unitsPerSecond, 20000, true, ' /s');
  // The profiler's own memory would count against the server: profiled phases are left out.
  const oneProcess = http?.phases.filter((p) => p.available && !p.name.includes('2 processes') && !p.name.includes('profiled')) ?? [];
  const rss = oneProcess.length > 0 ? Math.max(...oneProcess.map((p) => p.rssMaxMb), http?.soak?.maxMb ?? 0) : undefined;
  check('resident memory under load < 300 MB', rss, 300, false, ' MB');
  if (http?.soak) {
    const growth = (http.soak.lastQuarterMb - http.soak.firstQuarterMb) / http.soak.firstQuarterMb;
    checks.push({
      target: `memory flat over the soak (${http.soak.seconds} s; last quarter within 10% of first)`,
      measured: `${fmt(http.soak.firstQuarterMb)} -> ${fmt(http.soak.lastQuarterMb)} MB (${growth >= 0 ? '+' : ''}${fmt(growth * 100, 1)}%, ${fmt(http.soak.slopeMbPerMin, 2)} MB/min)`,
      met: Math.abs(growth) <= 0.1,
      by: Math.abs(growth) <= 0.1 ? 'met' : `missed: ${fmt(growth * 100, 1)}% growth`,
    });
  } else checks.push({ target: 'memory flat over the soak', measured: 'not run', met: null, by: '' });
  return checks;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')).join('\n');
}

function phaseRows(http: HttpBenchResult): string[][] {
  const rows = [['phase', 'req/s', 'decisions/s', 'p50 ms', 'p99 ms', 'x ceiling', 'RSS max MB', 'errors', 'CPU s srv/pg/bench']];
  for (const p of http.phases) {
    if (!p.available) {
      rows.push([p.name, 'not available', '', '', '', '', '', '', '']);
      continue;
    }
    rows.push([
      p.name,
      p.unit === 'replayed/s' ? '' : fmt(p.requestsPerSecond),
      p.unitsPerSecond !== undefined
        ? `${fmt(p.unitsPerSecond)}${p.unit === 'replayed/s' ? ' replayed' : ''}`
        : p.name.startsWith('evaluateNumberApplication')
          ? fmt(p.requestsPerSecond)
          : '',
      p.p50 !== undefined ? fmt(p.p50, 1) : '',
      p.p99 !== undefined ? fmt(p.p99, 1) : '',
      p.ratioToCeiling !== undefined ? fmt(p.ratioToCeiling, 2) : '',
      fmt(p.rssMaxMb),
      String(p.errors),
      p.cpu ? `${fmt(p.cpu.server, 1)}/${fmt(p.cpu.postgres, 1)}/${fmt(p.cpu.bench, 1)}` : '',
    ]);
  }
  return rows;
}

async function main(): Promise<void> {
  const seconds = env('BENCH_SECONDS', 10);
  const pin = pinningCommand();
  const info = machine(pin.length > 0 ? pin.join(' ') : 'none (taskset unavailable)');
  console.log(`ccc-policy bench · ${info.cpus} CPUs (${info.cpuModel}) · ${info.memoryGb.toFixed(1)} GB · Node ${info.node} · ${info.os}`);

  let engine: EngineBenchResult | null = null;
  let failure: Error | null = null;
  if (process.env.BENCH_SKIP_ENGINE !== '1') {
    console.log(`\n== engine (one core: ${info.pinning}) ==`);
    try {
      engine = await runEngineBench(env('BENCH_ENGINE_SECONDS', 3), pin);
    } catch (error) {
      failure = error as Error;
      engine = ((error as { result?: EngineBenchResult }).result ?? null) as EngineBenchResult | null;
      console.error(`engine bench failed: ${failure.message}`);
    }
  }

  let http: HttpBenchResult | null = null;
  if (process.env.BENCH_SKIP_HTTP !== '1') {
    console.log('\n== HTTP (real service, fresh embedded database) ==');
    http = await runHttpBench({
      seconds,
      connections: env('BENCH_CONNECTIONS', 32),
      soakSeconds: env('BENCH_SOAK_SECONDS', 20),
      impactLogSize: env('BENCH_IMPACT_DECISIONS', 200_000),
      cpuProfile: process.env.BENCH_CPU_PROFILE === '1',
      keep: process.env.BENCH_KEEP === '1',
      log: (line) => console.log(line),
    });
  }

  console.log('\n== results ==');
  console.log(
    `machine: ${info.cpus} CPUs, ${info.cpuModel}, ${info.memoryGb.toFixed(1)} GB RAM, Node ${info.node}, PostgreSQL ${http?.postgresVersion ?? 'n/a'}`,
  );
  if (engine) {
    console.log(
      `\nengine, one core (${engine.cases} descriptions; ${engine.decisionMismatches} decision mismatches, ${engine.ruleSetMismatches} rule-set mismatches):`,
    );
    const ours = engine.figures[0].evaluationsPerSecond;
    console.log(
      table([
        ['engine', 'evaluations/s', 'ccc-policy is x faster'],
        ...engine.figures.map((f) => [f.name + (f.note ? ` (${f.note})` : ''), fmt(f.evaluationsPerSecond), fmt(ours / f.evaluationsPerSecond, 1)]),
      ]),
    );
  }
  if (http) {
    console.log(`\nHTTP, ${env('BENCH_CONNECTIONS', 32)} connections, ${seconds} s per phase (x ceiling: vs the same configuration's { __typename } req/s):`);
    console.log(table(phaseRows(http)));
    if (http.bytesPerDecision !== null) {
      console.log(
        `decision log: ${fmt(http.logRows ?? 0)} rows, ${fmt((http.logBytes ?? 0) / 1048576)} MB with indexes, ${fmt(http.bytesPerDecision)} bytes per decision`,
      );
    }
    console.log(`server RSS idle ${fmt(http.idleRssMb)} MB`);
  }
  console.log('\ntargets (issue 6):');
  const checks = targets(engine, http);
  console.log(table([['target', 'measured', 'verdict'], ...checks.map((c) => [c.target, c.measured, c.met === null ? 'not measured' : c.by])]));

  if (process.env.BENCH_JSON) {
    fs.writeFileSync(process.env.BENCH_JSON, JSON.stringify({ machine: info, engine, http, targets: checks }, null, 2));
    console.log(`\nfigures written to ${process.env.BENCH_JSON}`);
  }
  if (failure) throw failure;
}

main().catch((error) => {
  console.error('bench failed:', error);
  process.exit(1);
});
