import { captureLogs } from '../helpers/log-capture';
import { rowCounts } from '../helpers/row-counts';
import { startTestServer, TestServer } from '../helpers/test-server';
import { APPLY } from '../helpers/workload';

/**
 * Issue 13, item 4, past the database's guards: someone with the superuser's access changes
 * a published version's content with the triggers off. A process that loads it recomputes
 * the hash, refuses to serve it, and says so; nothing is decided or logged under it.
 */
describe('a published version whose content no longer matches its hash', () => {
  let server: TestServer;
  const logs = captureLogs();
  beforeAll(async () => {
    const seeded = await startTestServer();
    const databaseUrl = seeded.databaseUrl;
    await seeded.close();
    await seeded.ownerQuery(
      `BEGIN; SET LOCAL session_replication_role = replica;
       UPDATE ruleset_version SET content = jsonb_set(content, '{defaultDecision}', '"ALLOW"') WHERE number = 1;
       COMMIT;`,
    );
    // A process started after the tampering: it has nothing cached.
    server = await startTestServer({ databaseUrl, logger: logs.logger });
  });
  afterAll(() => server.close());

  it('is not served: evaluations get INTERNAL_SERVER_ERROR, reason VERSION_INTEGRITY, and nothing is logged', async () => {
    const before = await rowCounts(server.dataSource);
    for (let i = 0; i < 3; i++) {
      const response = await server.gql(APPLY, { input: { description: '家政保洁' } }, server.keys.evaluator);
      expect(response.data).toBeNull();
      expect(response.errors![0].extensions).toMatchObject({
        code: 'INTERNAL_SERVER_ERROR',
        reason: 'VERSION_INTEGRITY',
        rulesetKey: 'ccc-access',
        version: 1,
      });
    }
    const pinned = await server.gql(`{ evaluateNumberApplication(input: { description: "x" }, version: 1) { decisionId } }`, {}, server.keys.evaluator);
    expect(pinned.errors![0].extensions).toMatchObject({ reason: 'VERSION_INTEGRITY' });
    expect(await rowCounts(server.dataSource)).toEqual(before);
  });

  it('is reported once in the log, in /readyz and in the metrics', async () => {
    const reported = logs.lines.filter((line) => /content does not match its content hash/.test(String(line.msg)));
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ rulesetKey: 'ccc-access', number: 1 });
    expect(reported[0].recordedHash).not.toBe(reported[0].contentHash);
    const ready = await (await fetch(`${server.url}/readyz`)).json();
    expect(ready.checks.versionIntegrity).toBe('refused: ccc-access v1');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/ccc_version_integrity_failures_total\{ruleset="ccc-access"\} 1/);
  });
});
