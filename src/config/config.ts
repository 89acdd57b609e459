import fs from 'node:fs';
import path from 'node:path';

import { LogLevel } from '../common/logger';

export type { LogLevel };
export type NodeEnv = 'development' | 'production' | 'test';

/** Everything the service reads from its environment, parsed and validated once at start-up. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | null;
  /** The tables' owner, for migrations; DATABASE_URL then names the service role (docs/deployment.md). */
  migrationDatabaseUrl: string | null;
  dataDir: string;
  adminApiKey: string | null;
  logLevel: LogLevel;
  nodeEnv: NodeEnv;
  /** Milliseconds the decision-log writer waits to gather concurrent records into one INSERT. */
  logBatchWindowMs: number;
  /** Records at which the decision-log writer commits without waiting for the window. */
  logBatchMaxSize: number;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes: number;
  /** Server processes (node:cluster) sharing the port; 1 runs in-process. */
  workers: number;
  /** PEM Ed25519 private key signing log checkpoints; null: one generated under DATA_DIR (development). */
  checkpointSigningKey: string | null;
  /** Seconds between published signed checkpoints of the chain head; 0: none. */
  checkpointEvery: number;
  /** Where periodic checkpoints go (appended, one JSON line each); null: stdout. */
  checkpointOut: string | null;
  /** Editors and publishers analyse impact over whole blocks of this many decisions of a ruleset, never fewer. */
  impactMinDecisions: number;
  /** Worker threads that run work over history (impact analysis, replay) off the request thread. */
  replayWorkers: number;
  /** Wall-clock budget of one impact analysis or replay, waiting for a worker included. */
  replayTimeBudgetMs: number;
  /** How long a query waits for a pooled connection (or a new one) before it answers DATABASE_UNAVAILABLE. */
  databaseConnectTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const NODE_ENVS: NodeEnv[] = ['development', 'production', 'test'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];

  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const oneOf = <T extends string>(name: string, allowed: T[], fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!allowed.includes(raw as T)) {
      problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
      return fallback;
    }
    return raw as T;
  };

  const postgresUrl = (name: string): string | null => {
    const raw = env[name]?.trim() || null;
    if (raw) {
      try {
        const url = new URL(raw);
        if (!['postgres:', 'postgresql:'].includes(url.protocol)) {
          problems.push(`${name} must be a postgres:// or postgresql:// URL, got protocol "${url.protocol}"`);
        }
      } catch {
        problems.push(`${name} is not a valid URL (expected postgres://user:password@host:port/database)`);
      }
    }
    return raw;
  };
  const databaseUrl = postgresUrl('DATABASE_URL');
  const migrationDatabaseUrl = postgresUrl('MIGRATION_DATABASE_URL');
  // The embedded server migrates as its own superuser; a migration URL only makes sense beside DATABASE_URL.
  if (migrationDatabaseUrl && !databaseUrl) problems.push("MIGRATION_DATABASE_URL needs DATABASE_URL (the service role's connection)");

  const checkpointSigningKey = env.CHECKPOINT_SIGNING_KEY?.trim() || null;
  if (checkpointSigningKey !== null) {
    try {
      fs.accessSync(path.resolve(cwd, checkpointSigningKey), fs.constants.R_OK);
    } catch {
      problems.push(`CHECKPOINT_SIGNING_KEY must name a readable PEM file (an Ed25519 private key), got "${checkpointSigningKey}"`);
    }
  }
  const checkpointOut = env.CHECKPOINT_OUT?.trim() || null;

  const adminApiKey = env.ADMIN_API_KEY ?? null;
  if (adminApiKey !== null && adminApiKey.length < 16) {
    problems.push('ADMIN_API_KEY must be at least 16 characters long');
  }

  const config: Config = {
    port: integer('PORT', 4000, 0, 65535),
    host: env.HOST?.trim() || (databaseUrl ? '0.0.0.0' : '127.0.0.1'),
    databaseUrl,
    migrationDatabaseUrl,
    dataDir: path.resolve(cwd, env.DATA_DIR?.trim() || '.data'),
    adminApiKey: adminApiKey || null,
    logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    nodeEnv: oneOf('NODE_ENV', NODE_ENVS, 'development'),
    logBatchWindowMs: integer('LOG_BATCH_WINDOW_MS', 2, 0, 1000),
    logBatchMaxSize: integer('LOG_BATCH_MAX_SIZE', 500, 1, 10000),
    maxBodyBytes: integer('MAX_BODY_BYTES', 2 * 1024 * 1024, 1024, 64 * 1024 * 1024),
    workers: integer('WORKERS', 1, 1, 64),
    // Below 10 a block is small enough to single out an applicant by its counts.
    checkpointSigningKey: checkpointSigningKey && path.resolve(cwd, checkpointSigningKey),
    checkpointEvery: integer('CHECKPOINT_EVERY', 0, 0, 7 * 24 * 3600),
    checkpointOut: checkpointOut === null || checkpointOut === '-' ? null : path.resolve(cwd, checkpointOut),
    impactMinDecisions: integer('IMPACT_MIN_DECISIONS', 100, 10, 1_000_000),
    replayWorkers: integer('REPLAY_WORKERS', 1, 1, 64),
    replayTimeBudgetMs: integer('REPLAY_TIME_BUDGET_MS', 120_000, 100, 24 * 3600 * 1000),
    databaseConnectTimeoutMs: integer('DATABASE_CONNECT_TIMEOUT_MS', 5000, 100, 600_000),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Local development mode: an embedded database and a server bound to this machine only. */
export function isLocalDevelopment(config: Config): boolean {
  return config.databaseUrl === null && config.nodeEnv !== 'production' && ['127.0.0.1', 'localhost', '::1'].includes(config.host);
}
