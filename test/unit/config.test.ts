import path from 'node:path';
import { ConfigError, isLocalDevelopment, loadConfig } from '../../src/config/config';

describe('configuration', () => {
  it('defaults to port 4000, an embedded database under .data and localhost binding', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config.port).toBe(4000);
    expect(config.databaseUrl).toBeNull();
    expect(config.dataDir).toBe(path.resolve('/srv/app', '.data'));
    expect(config.host).toBe('127.0.0.1');
    expect(isLocalDevelopment(config)).toBe(true);
  });

  it('binds all interfaces and leaves local development mode when DATABASE_URL is set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/policy' });
    expect(config.host).toBe('0.0.0.0');
    expect(isLocalDevelopment(config)).toBe(false);
  });

  it('reports every bad value at once with a clear message', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', NODE_ENV: 'staging', ADMIN_API_KEY: 'short' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT must be an integer/);
    expect(problems).toMatch(/LOG_LEVEL must be one of/);
    expect(problems).toMatch(/DATABASE_URL must be a postgres/);
    expect(problems).toMatch(/NODE_ENV must be one of/);
    expect(problems).toMatch(/ADMIN_API_KEY must be at least 16/);
  });

  it("takes the owner's MIGRATION_DATABASE_URL only beside DATABASE_URL, and validates it", () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://ccc_service@db/p', MIGRATION_DATABASE_URL: 'postgres://owner@db/p' }).migrationDatabaseUrl).toBe(
      'postgres://owner@db/p',
    );
    expect(loadConfig({}).migrationDatabaseUrl).toBeNull();
    expect(() => loadConfig({ MIGRATION_DATABASE_URL: 'postgres://owner@db/p' })).toThrow(/MIGRATION_DATABASE_URL needs DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://s@db/p', MIGRATION_DATABASE_URL: 'http://owner@db/p' })).toThrow(
      /MIGRATION_DATABASE_URL must be a postgres/,
    );
  });

  it('bounds IMPACT_MIN_DECISIONS (default 100): below 10 a block could single out an applicant', () => {
    expect(loadConfig({}).impactMinDecisions).toBe(100);
    expect(loadConfig({ IMPACT_MIN_DECISIONS: '500' }).impactMinDecisions).toBe(500);
    expect(() => loadConfig({ IMPACT_MIN_DECISIONS: '1' })).toThrow(/IMPACT_MIN_DECISIONS must be an integer between 10 and 1000000/);
  });

  it('checks CHECKPOINT_SIGNING_KEY names a readable file, bounds CHECKPOINT_EVERY and takes "-" as stdout', () => {
    expect(() => loadConfig({ CHECKPOINT_SIGNING_KEY: '/nonexistent/key.pem' })).toThrow(/CHECKPOINT_SIGNING_KEY must name a readable PEM file/);
    expect(loadConfig({ CHECKPOINT_SIGNING_KEY: __filename }).checkpointSigningKey).toBe(__filename);
    expect(loadConfig({}).checkpointEvery).toBe(0);
    expect(() => loadConfig({ CHECKPOINT_EVERY: '-5' })).toThrow(/CHECKPOINT_EVERY must be an integer between 0 and 604800/);
    expect(loadConfig({ CHECKPOINT_OUT: '-' }).checkpointOut).toBeNull();
    expect(loadConfig({ CHECKPOINT_OUT: 'cp.ndjson' }, '/srv').checkpointOut).toBe(path.resolve('/srv', 'cp.ndjson'));
  });

  it('bounds DATABASE_CONNECT_TIMEOUT_MS (default 5 s), the wait for a PostgreSQL connection', () => {
    expect(loadConfig({}).databaseConnectTimeoutMs).toBe(5000);
    expect(loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: '30000' }).databaseConnectTimeoutMs).toBe(30000);
    expect(() => loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: '0' })).toThrow(/DATABASE_CONNECT_TIMEOUT_MS must be an integer between 100 and 600000/);
  });

  it('rejects a port out of range', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT must be an integer between 0 and 65535/);
  });
});
