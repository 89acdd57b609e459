import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/common/logger';
import { createDataSource } from '../../src/composition/data-source';
import { ensureDatabase } from '../../src/db/ensure-database';
import { enableServiceLogin } from '../../src/db/service-role';
import { readTestState } from '../helpers/test-state';
import { createAuthoringServices } from '../../src/composition/services';
import { ensureSeedRuleset } from '../../src/rulesets/seed';
import { captureLogs } from '../helpers/log-capture';
import { startTestServer, TestServer } from '../helpers/test-server';
import { EmbeddedProcess, sleep, startEmbeddedProcess } from './server-process';

const EVALUATE = 'query($d: String!) { evaluateNumberApplication(input: { description: $d }) { decisionId decision } }';

describe('PostgreSQL stopped mid-traffic', () => {
  let dir: string;
  let database: EmbeddedProcess;
  let server: TestServer;
  const logs = captureLogs();

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-policy-outage-'));
    // mkdtemp makes it 0700; as root PostgreSQL runs as another user, which must enter it.
    fs.chmodSync(dir, 0o755);
    database = await startEmbeddedProcess(dir);
    const url = await ensureDatabase(database.url, 'ccc_outage');
    const dataSource = createDataSource(url, { size: 2 });
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    await ensureSeedRuleset(createAuthoringServices(dataSource), createLogger('silent'));
    await dataSource.destroy();
    await enableServiceLogin(url, readTestState().servicePassword);
    server = await startTestServer({ databaseUrl: url, logger: logs.logger });
  }, 120_000);

  afterAll(async () => {
    await server?.close().catch(() => {});
    await database?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fails fast with a clear, retryable error while it is down, /readyz says 503, and resumes by itself when it is back', async () => {
    // Traffic before: keys cached, pool warm, notifications listening.
    for (let i = 0; i < 20; i++) expect((await server.gql(EVALUATE, { d: `before ${i}` }, server.keys.evaluator)).errors).toBeUndefined();
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    // Background traffic through the whole outage.
    let stopTraffic = false;
    const outcomes: { ok: boolean; code?: string; reason?: unknown; status: number }[] = [];
    const acknowledged: string[] = [];
    const traffic = (async () => {
      let i = 0;
      while (!stopTraffic) {
        const response = await server.gql(EVALUATE, { d: `during ${i++}` }, server.keys.evaluator);
        if (!response.errors) acknowledged.push(response.data.evaluateNumberApplication.decisionId);
        outcomes.push({
          ok: !response.errors,
          code: response.errors?.[0].extensions?.code,
          reason: response.errors?.[0].extensions?.reason,
          status: response.status,
        });
        await sleep(20);
      }
    })();

    // The database goes away while traffic is flowing: once some of it has been answered.
    while (outcomes.filter((o) => o.ok).length < 3) await sleep(20);
    await database.stop();

    // While down: each request is answered (a hang would time the test out) with a coded, retryable error.
    const down: { code?: string; reason?: unknown; retryable?: unknown }[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await server.gql(EVALUATE, { d: `down ${i}` }, server.keys.evaluator);
      down.push({
        code: response.errors?.[0].extensions?.code,
        reason: response.errors?.[0].extensions?.reason,
        retryable: response.errors?.[0].extensions?.retryable,
      });
    }
    for (const outcome of down) {
      expect(outcome).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', reason: 'DATABASE_UNAVAILABLE', retryable: true });
    }
    const readyDown = await fetch(`${server.url}/readyz`);
    expect(readyDown.status).toBe(503);
    expect((await readyDown.json()).checks.database).toMatch(/unreachable/);

    // Back on the same data directory and port; the app is not restarted.
    database = await startEmbeddedProcess(dir, database.port);
    const deadline = Date.now() + 30_000;
    let recovered = false;
    while (!recovered && Date.now() < deadline) {
      const response = await server.gql(EVALUATE, { d: 'after' }, server.keys.evaluator);
      recovered = !response.errors;
      if (!recovered) await sleep(200);
    }
    expect(recovered).toBe(true);
    let ready = 0;
    while (ready !== 200 && Date.now() < deadline) {
      ready = (await fetch(`${server.url}/readyz`)).status;
      if (ready !== 200) await sleep(200);
    }
    expect(ready).toBe(200);

    stopTraffic = true;
    await traffic;
    // Every failure during the outage was coded; traffic succeeded again at the end.
    for (const outcome of outcomes.filter((o) => !o.ok)) {
      expect(outcome.code).toBe('INTERNAL_SERVER_ERROR');
    }
    expect(outcomes.some((o) => !o.ok)).toBe(true);
    expect(outcomes[outcomes.length - 1].ok).toBe(true);

    // Nothing acknowledged was lost and the chain is intact.
    const verified = await server.gql('{ verifyDecisionLog { valid } }', {}, server.keys.auditor);
    expect(verified.data.verifyDecisionLog.valid).toBe(true);
    const rows: { id: string }[] = await server.dataSource.query('SELECT id::text FROM decision_log WHERE id = ANY($1::uuid[])', [acknowledged]);
    expect(rows.length).toBe(acknowledged.length);

    // The outage is in the log as a few lines (each kind of error once, then its count), not
    // a stack trace per failed request, and no line carries what applicants wrote.
    const failures = outcomes.filter((o) => !o.ok).length + down.length;
    const errorLines = logs.lines.filter((line) => line.level === 50 || line.level === 40);
    expect(failures).toBeGreaterThan(5);
    expect(errorLines.length).toBeLessThan(failures);
    expect(errorLines.length).toBeLessThanOrEqual(20);
    expect(logs.raw.join('')).not.toMatch(/during \d+|down \d+/);
  });
});
