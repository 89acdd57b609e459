import { MAX_OPERATION_LABELS } from '../../src/common/limits';
import { startTestServer, TestServer } from '../helpers/test-server';

async function metricsText(server: TestServer): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}

/** The request counter of one operation and outcome: its whole line, so 1 does not also match 10-19 (0 when absent). */
async function requestCount(server: TestServer, operation: string, outcome: string): Promise<number> {
  const line = new RegExp(`^ccc_graphql_requests_total\\{operation="${operation}",outcome="${outcome}"\\} (\\d+)$`, 'm');
  const match = line.exec(await metricsText(server));
  return match ? Number(match[1]) : 0;
}

describe('metrics: requests by operation and outcome', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('counts a refusal under its contract code', async () => {
    const [refusedBefore, plainBefore] = [await requestCount(server, 'AuditorOnly', 'FORBIDDEN'), await requestCount(server, 'Plain', 'ok')];
    const response = await server.gql('query AuditorOnly { decisions { totalCount } }', {}, server.keys.editor);
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await server.gql('query Plain { rulesets { key } }');
    expect(await requestCount(server, 'AuditorOnly', 'FORBIDDEN')).toBe(refusedBefore + 1);
    expect(await requestCount(server, 'Plain', 'ok')).toBe(plainBefore + 1);
  });

  it('counts requests without a key under one label, whatever operation names they send', async () => {
    const before = await requestCount(server, 'unauthenticated', 'ok');
    for (let i = 0; i < 30; i++) await server.gql(`query Anon${i} { __typename }`, {}, null);
    const text = await metricsText(server);
    expect(text).not.toMatch(/operation="Anon\d+"/);
    expect(await requestCount(server, 'unauthenticated', 'ok')).toBe(before + 30);
  });

  it('keeps a bounded set of operation labels, whatever names callers with a key send', async () => {
    for (let i = 0; i < MAX_OPERATION_LABELS + 20; i++) {
      await server.gql(`query Op${i} { __typename }`, {}, server.keys.evaluator);
    }
    const text = await metricsText(server);
    const labels = new Set([...text.matchAll(/ccc_graphql_requests_total\{operation="([^"]+)"/g)].map((match) => match[1]));
    expect(labels.size).toBeLessThanOrEqual(MAX_OPERATION_LABELS + 3);
    expect(labels.has('other')).toBe(true);
  });
});
