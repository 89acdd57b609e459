import { eventually } from '../helpers/eventually';
import { startTestServer, TestServer, postGraphQL } from '../helpers/test-server';
import { POLICY_INDUSTRIES } from '../helpers/policy-table';

const CURRENT_VERSION = `query {
  ruleset(key: "ccc-access") {
    key name
    currentVersion {
      number status contentHash defaultDecision defaultMessage publishedBy
      businessRules { key industry scenario effect keywords excludeKeywords condition message source }
      violationRules { key behavior title severity condition source }
      penalties { severity label rank message actions { code label } escalation { count } }
    }
  }
}`;

describe('the service foundation', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('answers /healthz and reports /readyz with database and migrations checked', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, checks: { database: 'ok', migrations: 'applied' } });
  });

  it('serves the seed ruleset as published version 1 with every part of the source policy', async () => {
    const { data, errors } = await server.gql(CURRENT_VERSION, {}, server.keys.evaluator);
    expect(errors).toBeUndefined();
    const version = data.ruleset.currentVersion;
    expect(version).toMatchObject({ number: 1, status: 'PUBLISHED', defaultDecision: 'REVIEW', publishedBy: 'system' });
    expect(version.defaultMessage).toBe('其他未明确业务以最终申请号码审核为准');
    expect(version.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const industries = new Set(version.businessRules.map((rule: { industry: string }) => rule.industry));
    for (const industry of POLICY_INDUSTRIES) {
      expect(industries).toContain(industry);
    }
    expect(version.businessRules.length).toBeGreaterThanOrEqual(29);
    for (const rule of version.businessRules) {
      expect(rule.message.length).toBeGreaterThan(0);
      expect(rule.source).toBeTruthy();
    }
    const behaviours = new Set(version.violationRules.map((rule: { behavior: string }) => rule.behavior));
    expect([...behaviours].sort()).toEqual([
      'ABUSIVE_CALL',
      'BLIND_CALLING',
      'BUSINESS_MISMATCH',
      'FRAUD_COMPLAINT',
      'HARASSMENT_COMPLAINT',
      'NO_CONSENT_CALLING',
    ]);
    expect(version.violationRules.length).toBeGreaterThanOrEqual(7);
    const penalties = Object.fromEntries(version.penalties.map((p: { severity: string }) => [p.severity, p]));
    expect(penalties.CRITICAL).toMatchObject({ label: '特大违规', message: '将您的全部业务下线整改' });
    expect(penalties.SERIOUS).toMatchObject({ label: '严重违规', message: '对您进行警告，并记录一次严重违规' });
  });

  it('refuses reads without a key as UNAUTHENTICATED', async () => {
    const response = await postGraphQL(server.url, '{ rulesets { key } }');
    expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.data?.rulesets ?? null).toBeNull();
  });

  it('refuses an unknown key as UNAUTHENTICATED', async () => {
    const response = await postGraphQL(server.url, '{ rulesets { key } }', {}, 'ccc_not-a-real-key');
    expect(response.status).toBe(401);
    expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets only admins create keys, and a revoked key fails on its very next request', async () => {
    const forbidden = await server.gql('mutation { createApiKey(name: "x", roles: ["evaluator"]) { key } }', {}, server.keys.editor);
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const created = await server.gql('mutation { createApiKey(name: "svc", roles: ["evaluator"]) { id name roles key } }');
    expect(created.errors).toBeUndefined();
    const { id, key } = created.data.createApiKey;
    expect(created.data.createApiKey).toMatchObject({ name: 'svc', roles: ['evaluator'] });

    const before = await postGraphQL(server.url, '{ rulesets { key } }', {}, key);
    expect(before.data.rulesets.map((r: { key: string }) => r.key)).toContain('ccc-access');

    const revoked = await server.gql('mutation($id: ID!) { revokeApiKey(id: $id) }', { id });
    expect(revoked.data.revokeApiKey).toBe(true);
    const after = await postGraphQL(server.url, '{ rulesets { key } }', {}, key);
    expect(after.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('revokes a key in every server process: a second process refuses it on its next request', async () => {
    const second = await startTestServer({ databaseUrl: server.databaseUrl });
    try {
      const created = await server.gql('mutation { createApiKey(name: "svc-2", roles: ["evaluator"]) { id key } }');
      const { id, key } = created.data.createApiKey;
      const warm = await postGraphQL(second.url, '{ rulesets { key } }', {}, key);
      expect(warm.errors).toBeUndefined();

      await server.gql('mutation($id: ID!) { revokeApiKey(id: $id) }', { id });
      // The revoking process refuses it at once; the second one once the notification has reached it.
      const refusal = async (target: string) => (await postGraphQL(target, '{ rulesets { key } }', {}, key)).errors?.[0]?.extensions?.code;
      expect(await refusal(server.url)).toBe('UNAUTHENTICATED');
      const code = await eventually(
        () => refusal(second.url),
        (answer) => answer === 'UNAUTHENTICATED',
      );
      expect(code).toBe('UNAUTHENTICATED');
    } finally {
      await second.close();
    }
  });

  it('stores keys only as hashes', async () => {
    const rows: { key_hash: string }[] = await server.dataSource.query('SELECT key_hash FROM api_key');
    for (const { key_hash } of rows) {
      expect(key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(Object.values(server.keys)).not.toContain(key_hash);
    }
  });

  it('rejects unknown roles with BAD_USER_INPUT', async () => {
    const response = await server.gql('mutation { createApiKey(name: "x", roles: ["root"]) { key } }');
    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].message).toMatch(/unknown role/);
  });

  it('refuses the names the service itself writes as an actor (system, anonymous) with BAD_USER_INPUT', async () => {
    for (const name of ['system', 'anonymous', ' System ']) {
      const response = await server.gql('mutation($n: String!) { createApiKey(name: $n, roles: ["publisher"]) { key } }', { n: name });
      expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0].message).toMatch(/reserved/);
    }
    const rows: { count: string }[] = await server.dataSource.query(`SELECT count(*) FROM api_key WHERE lower(name) IN ('system', 'anonymous')`);
    expect(Number(rows[0].count)).toBe(0);
  });

  it('refuses look-alikes of the reserved names (NFKC, case, Cyrillic and Greek letters) and invisible characters, writing nothing', async () => {
    const [{ count: before }] = await server.dataSource.query('SELECT count(*)::int AS count FROM api_key');
    const lookAlikes = ['ＳＹＳＴＥＭ', 'ѕystem', 'ѕуѕтем', 'ANONYMΟUS', 'ａｎｏｎｙｍｏｕｓ'];
    const invisible = ['system\u200b', 'sys\u200dtem', 'ops\u202e', 'soft\u00adhyphen', 'tab\u0009bed'];
    for (const name of [...lookAlikes, ...invisible]) {
      const response = await server.gql('mutation($n: String!) { createApiKey(name: $n, roles: ["publisher"]) { key } }', { n: name });
      expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0].message).toMatch(lookAlikes.includes(name) ? /reserved/ : /invisible or format characters/);
    }
    expect((await server.dataSource.query('SELECT count(*)::int AS count FROM api_key'))[0].count).toBe(before);
    // Names are stored in NFKC form; other scripts are welcome.
    const created = await server.gql('mutation($n: String!) { createApiKey(name: $n, roles: ["publisher"]) { name } }', { n: 'ｏｐｓ 张三' });
    expect(created.data.createApiKey.name).toBe('ops 张三');
  });

  it('serves a self-contained GraphiQL page that references nothing on the network', async () => {
    const response = await fetch(`${server.url}/graphiql`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('ccc-policy GraphiQL');
    expect(html).not.toMatch(/<script[^>]+src=["']https?:/i);
    expect(html).not.toMatch(/<link[^>]+href=["']https?:/i);
    expect(html).not.toMatch(/@import\s+url\(["']?https?:/i);
  });
});
