import { captureLogs } from '../helpers/log-capture';
import { rowCounts } from '../helpers/row-counts';
import { startTestServer, TestServer } from '../helpers/test-server';

const CONTRACT_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'VALIDATION_FAILED', 'INTERNAL_SERVER_ERROR'];

describe('errors: codes, production hiding, 400s and CSRF prevention', () => {
  let server: TestServer;
  const logs = captureLogs();
  beforeAll(async () => {
    server = await startTestServer({ env: { NODE_ENV: 'production' }, logger: logs.logger });
  });
  afterAll(() => server.close());

  it('in production, an unexpected (database) error is INTERNAL_SERVER_ERROR without SQL, stack or path, logged with the request id', async () => {
    await server.ownerQuery('ALTER TABLE enterprise RENAME TO enterprise_gone');
    try {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.keys.auditor}`, 'x-request-id': 'req-broken-1' },
        body: JSON.stringify({ query: '{ enterprise(id: "ent-1") { id status } }' }),
      });
      const text = await response.text();
      expect(response.headers.get('x-request-id')).toBe('req-broken-1');
      const body = JSON.parse(text);
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0]).toMatchObject({
        message: 'internal server error',
        path: ['enterprise'],
        extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-broken-1' },
      });
      expect(Object.keys(body.errors[0].extensions).sort()).toEqual(['code', 'requestId']);
      for (const leak of [/enterprise_gone|relation|select|from\s/i, /stack|exception/i, /\/work\/|\.ts\b|\.js\b|node_modules/]) {
        expect(text).not.toMatch(leak);
      }
      const logged = logs.lines.find((line) => line.msg === 'unexpected error' && line.requestId === 'req-broken-1');
      expect(logged).toBeDefined();
      expect(logged!.err.message).toMatch(/enterprise/);
    } finally {
      await server.ownerQuery('ALTER TABLE enterprise_gone RENAME TO enterprise');
    }
  });

  it('answers malformed JSON and GraphQL syntax errors with 400 and BAD_USER_INPUT', async () => {
    const malformed = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ rulesets { key } }"',
    });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');

    const syntax = await server.gql('{ rulesets { key }');
    expect(syntax.status).toBe(400);
    expect(syntax.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(syntax.errors?.[0].message).toMatch(/Syntax Error/);

    const unknownField = await server.gql('{ rulesets { nope } }');
    expect(unknownField.status).toBe(400);
    expect(unknownField.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

    const notAnObject = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '"just a string"' });
    expect(notAnObject.status).toBe(400);
    expect((await notAnObject.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('cannot run a mutation through GET, nor a POST without a JSON content type (CSRF prevention)', async () => {
    const before = await rowCounts(server.dataSource);
    const mutation = encodeURIComponent('mutation { createApiKey(name: "csrf", roles: ["admin"]) { key } }');
    const auth = { authorization: `Bearer ${server.keys.admin}` };

    const get = await fetch(`${server.url}/graphql?query=${mutation}`, { headers: { ...auth, 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(405);
    expect((await get.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');

    const simpleGet = await fetch(`${server.url}/graphql?query=${mutation}`, { headers: auth });
    expect(simpleGet.status).toBe(400);

    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const post = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { ...auth, 'content-type': contentType },
        body: JSON.stringify({ query: 'mutation { createApiKey(name: "csrf", roles: ["admin"]) { key } }' }),
      });
      expect(post.status).toBe(400);
      const body = await post.json();
      expect(CONTRACT_CODES).toContain(body.errors[0].extensions.code);
    }
    expect(await rowCounts(server.dataSource)).toEqual(before);

    // A GET query with the preflight header is fine (GraphiQL and caches may use it).
    const query = encodeURIComponent('{ rulesets { key } }');
    const getQuery = await fetch(`${server.url}/graphql?query=${query}`, { headers: { ...auth, 'apollo-require-preflight': 'true' } });
    expect(getQuery.status).toBe(200);
  });

  it('gives every kind of refusal a contract code', async () => {
    const cases: [string, Record<string, unknown>, string | null, string][] = [
      ['{ rulesets { key } }', {}, null, 'UNAUTHENTICATED'],
      ['{ apiKeys { id } }', {}, server.keys.evaluator, 'FORBIDDEN'],
      ['{ replayDecision(id: "00000000-0000-7000-8000-000000000000") { identical } }', {}, server.keys.auditor, 'NOT_FOUND'],
      ['query($n: Int!) { ruleset(key: "ccc-access") { version(number: $n) { id } } }', { n: 'one' }, server.keys.auditor, 'BAD_USER_INPUT'],
      ['{ evaluateNumberApplication(input: { description: "x", callDirection: SIDEWAYS }) { decision } }', {}, server.keys.evaluator, 'BAD_USER_INPUT'],
      ['mutation { createRuleset(key: "ccc-access", name: "dup") { key } }', {}, server.keys.admin, 'CONFLICT'],
    ];
    for (const [query, variables, key, code] of cases) {
      const response = await server.gql(query, variables, key);
      expect([query, response.errors?.[0]?.extensions?.code]).toEqual([query, code]);
    }
  });

  it('refuses an invalid rule input with the path of each problem, without echoing the input back', async () => {
    const draft = await server.gql('mutation { createDraft(rulesetKey: "ccc-access") { id revision } }', {}, server.keys.editor);
    const { id, revision } = draft.data.createDraft;
    const rule = {
      key: 'oversized',
      industry: '金融',
      scenario: '信用卡',
      effect: 'REJECT',
      message: '不支持',
      keywords: ['长'.repeat(201), ...Array.from({ length: 2000 }, (_, i) => `词${i}`)],
    };
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.keys.editor}` },
      body: JSON.stringify({
        query:
          'mutation($id: ID!, $rev: Int!, $rule: BusinessRuleInput!) { upsertBusinessRule(draftId: $id, expectedRevision: $rev, rule: $rule) { revision } }',
        variables: { id, rev: revision, rule },
      }),
    });
    const text = await response.text();
    const error = JSON.parse(text).errors[0];
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.issues).toEqual(
      expect.arrayContaining([
        { path: 'keywords', message: expect.stringMatching(/1000/) },
        { path: 'keywords', message: expect.stringMatching(/200/) },
      ]),
    );
    expect(error.message).toMatch(/^invalid input: keywords/);
    expect(text.length).toBeLessThan(2000);
    expect(text).not.toContain('词1999');
  });
});
