import { startTestServer, TestServer } from '../helpers/test-server';
import { JUDGE, runMixedWorkload } from '../helpers/workload';

const PAGE = `query($filter: DecisionFilter) { decisions(first: 100, filter: $filter) { totalCount edges { node { id } } } }`;
const EVENTS = `query($first: Int) { auditEvents(rulesetKey: "ccc-access", first: $first) { id } }`;

describe('API rough edges (issue 14, item 7)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await runMixedWorkload(server);
  });
  afterAll(() => server.close());

  it('an unknown decision kind is BAD_USER_INPUT naming the kinds, not an empty page', async () => {
    const response = await server.gql(PAGE, { filter: { kind: 'VIOLATIONS' } }, server.keys.auditor);
    expect(response.data?.decisions ?? null).toBeNull();
    expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(response.errors![0].message).toContain('NUMBER_APPLICATION, VIOLATION, RECORDED_VIOLATION');
  });

  it('the decision filter selects by severity', async () => {
    const [{ severity }] = await server.dataSource.query(
      `SELECT severity FROM decision_log WHERE severity IS NOT NULL GROUP BY severity ORDER BY count(*) LIMIT 1`,
    );
    const expected = (await server.dataSource.query(`SELECT id FROM decision_log WHERE severity = $1 ORDER BY seq`, [severity])).map(
      (row: { id: string }) => row.id,
    );
    const [{ total }] = await server.dataSource.query(`SELECT count(*)::int AS total FROM decision_log`);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(Math.min(total, 100)); // otherwise an ignored filter would pass unnoticed
    const response = await server.gql(PAGE, { filter: { severity } }, server.keys.auditor);
    expect(response.errors).toBeUndefined();
    expect(response.data.decisions.totalCount).toBe(expected.length);
    expect(response.data.decisions.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual(expected);
  });

  it.each([-5, 0, 501])('auditEvents(first: %i) is BAD_USER_INPUT', async (first) => {
    const response = await server.gql(EVENTS, { first }, server.keys.auditor);
    expect(response.data?.auditEvents ?? null).toBeNull();
    expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(response.errors![0].message).toBe(`first must be between 1 and 500, got ${first}`);
  });

  it('a future occurredAt is refused with the five-minute allowance stated, and nothing is logged', async () => {
    const [{ before }] = await server.dataSource.query(`SELECT count(*)::int AS before FROM decision_log`);
    const occurredAt = new Date(Date.now() + 60 * 60 * 1000).toISOString();
    const response = await server.gql(
      JUDGE,
      { input: { enterpriseId: 'e-future', behavior: 'NO_CONSENT_CALLING', verified: true, occurredAt } },
      server.keys.evaluator,
    );
    expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(response.errors![0])).toContain('must not be more than five minutes in the future');
    const [{ after }] = await server.dataSource.query(`SELECT count(*)::int AS after FROM decision_log`);
    expect(after).toBe(before);
  });

  it('GET queries need a preflight header (CSRF guard), as the README says', async () => {
    const url = `${server.url}/graphql?query=${encodeURIComponent('{ ruleset(key: "ccc-access") { key } }')}`;
    const authorization = `Bearer ${server.keys.evaluator}`;
    const blocked = await fetch(url, { headers: { authorization } });
    expect(blocked.status).toBe(400);
    expect(await blocked.text()).toContain('Cross-Site Request Forgery');
    const answered = await fetch(url, { headers: { authorization, 'apollo-require-preflight': 'true' } });
    expect(answered.status).toBe(200);
    expect((await answered.json()).data.ruleset.key).toBe('ccc-access');
    const mutation = await fetch(`${server.url}/graphql?query=${encodeURIComponent('mutation { __typename }')}`, {
      headers: { authorization, 'apollo-require-preflight': 'true' },
    });
    expect(mutation.status).toBe(405);
  });
});
