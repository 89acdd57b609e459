import { BusinessRuleContent } from '../../src/engine';
import { businessRule, openDraft, PUBLISH, upsertRule } from '../helpers/authoring';
import { insertDraftBySql, seedContent } from '../helpers/policy-versions';
import { metricValue, waitUntil } from '../helpers/metric-values';
import { rowCounts } from '../helpers/row-counts';
import { postGraphQL, startTestServer, TestServer } from '../helpers/test-server';
import { APPLY, APPLY_MANY } from '../helpers/workload';

const BLOCK = 10;
const LOGGED = 60;
const IMPACT = `query($draft: ID!) {
  impactAnalysis(rulesetKey: "ccc-access", candidateDraftId: $draft, sampleSize: 0) { evaluated changed }
}`;
const REPLAY = `query($id: ID!, $draft: ID) {
  replayDecision(id: $id, againstDraftId: $draft) { decisionId identical engineSemantics }
}`;

/**
 * The costliest conditions the static bound lets a version hold: each is 10,000 comprehension
 * steps over literals, and four of them (with the seed's own) make every replayed decision take tens of milliseconds.
 * Replaying them over the log's history is the long work an editor may start.
 */
const LETTERS = Array.from({ length: 100 }, (_, i) => 'abcdefghijklmnopqrstuvwxyz'[i % 26]).join('');
const COSTLY_CONDITION = `"${LETTERS}".split("").all(a, "${LETTERS}".split("").exists(b, a + b == "??") == false)`;

async function logDecisions(server: TestServer): Promise<string[]> {
  const inputs = Array.from({ length: LOGGED }, (_, i) => ({ description: `申请号码 做餐饮外卖配送 第${i}单` }));
  const response = await server.gql(APPLY_MANY, { inputs }, server.keys.evaluator);
  expect(response.errors).toBeUndefined();
  return response.data.evaluateNumberApplications.map((decision: { decisionId: string }) => decision.decisionId);
}

async function costlyDraft(server: TestServer): Promise<string> {
  const draft = await openDraft(server);
  let revision = draft.revision;
  for (let i = 0; i < 4; i++) {
    revision = await upsertRule(server, draft.id, revision, businessRule(`costly.rule-${i}`, [], { condition: COSTLY_CONDITION }));
  }
  return draft.id;
}

/** The seed's content and test cases with the costly rules added: running its cases is long work an editor may start. */
async function costlyDraftWithTestCases(server: TestServer): Promise<string> {
  const seed = await seedContent(server.dataSource);
  expect(seed.testCases!.length).toBeGreaterThan(50);
  const costly: BusinessRuleContent[] = Array.from({ length: 4 }, (_, i) => ({
    key: `costly.rule-${i}`,
    industry: '金融',
    scenario: `costly.rule-${i}`,
    effect: 'REJECT',
    keywords: [],
    excludeKeywords: [],
    condition: COSTLY_CONDITION,
    message: '目前不支持为该业务申请号码，请谅解',
    source: null,
  }));
  return insertDraftBySql(server.dataSource, { ...seed, businessRules: [...seed.businessRules, ...costly] });
}

const TEST_DRAFT = `query($draft: ID!) { testDraft(draftId: $draft) { passed failed } }`;

const jobs = (server: TestServer, kind: string, outcome: string) => metricValue(server.url, 'ccc_replay_jobs_total', { kind, outcome });
const running = (server: TestServer) => metricValue(server.url, 'ccc_replay_jobs_running');

describe('work over history runs on replay workers, off the thread that answers requests', () => {
  let server: TestServer;
  let draftId: string;
  beforeAll(async () => {
    server = await startTestServer({ env: { IMPACT_MIN_DECISIONS: String(BLOCK) } });
    await logDecisions(server);
    draftId = await costlyDraft(server);
  });
  afterAll(() => server.close());

  it('answers /healthz and evaluations while an impact analysis of costly conditions is still running', async () => {
    let finished = false;
    const analysis = server.gql(IMPACT, { draft: draftId }, server.keys.editor).finally(() => (finished = true));
    await waitUntil('the analysis to hold a replay worker', async () => finished || (await running(server)) === 1);

    const health = await fetch(`${server.url}/healthz`);
    const evaluation = await server.gql(APPLY, { input: { description: '社区便利店送货上门' } }, server.keys.evaluator);
    expect(finished).toBe(false);
    expect(health.status).toBe(200);
    expect(evaluation.errors).toBeUndefined();

    const report = await analysis;
    expect(report.errors).toBeUndefined();
    expect(report.data.impactAnalysis.evaluated).toBe(LOGGED);
    expect(report.data.impactAnalysis.changed).toBe(LOGGED);
    expect(await jobs(server, 'impact', 'ok')).toBe(1);
  });

  it("runs a draft's test cases on a replay worker: /healthz answers while they run", async () => {
    const casesDraft = await costlyDraftWithTestCases(server);
    let finished = false;
    const run = server.gql(TEST_DRAFT, { draft: casesDraft }, server.keys.editor).finally(() => (finished = true));
    await waitUntil('the test cases to hold a replay worker', async () => finished || (await running(server)) === 1);
    const health = await fetch(`${server.url}/healthz`);
    expect(finished).toBe(false);
    expect(health.status).toBe(200);

    const report = await run;
    expect(report.errors).toBeUndefined();
    // The costly rules reject every application, so the seed's REVIEW cases fail.
    expect(report.data.testDraft.failed).toBeGreaterThan(0);
    expect(await jobs(server, 'test-cases', 'ok')).toBe(1);
  });

  it('stops the analysis of a client that hangs up, and keeps serving', async () => {
    const before = await rowCounts(server.dataSource);
    const hangUp = new AbortController();
    const analysis = fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.keys.editor}` },
      body: JSON.stringify({ query: IMPACT, variables: { draft: draftId } }),
      signal: hangUp.signal,
    });
    await waitUntil('the analysis to hold a replay worker', async () => (await running(server)) === 1);
    hangUp.abort();
    await expect(analysis).rejects.toThrow();

    await waitUntil('the replay worker to be released', async () => (await running(server)) === 0);
    expect(await jobs(server, 'impact', 'cancelled')).toBe(1);
    expect(await jobs(server, 'impact', 'ok')).toBe(1);
    expect(await rowCounts(server.dataSource)).toEqual(before);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
  });
});

describe('work over history has a time budget', () => {
  let server: TestServer;
  let draftId: string;
  let decisionIds: string[];
  beforeAll(async () => {
    server = await startTestServer({ env: { IMPACT_MIN_DECISIONS: String(BLOCK), REPLAY_TIME_BUDGET_MS: '300' } });
    decisionIds = await logDecisions(server);
    draftId = await costlyDraft(server);
  });
  afterAll(() => server.close());

  it('stops an impact analysis at its budget with TIME_BUDGET_EXCEEDED, writing nothing, and replays on a fresh worker afterwards', async () => {
    const before = await rowCounts(server.dataSource);
    const response = await server.gql(IMPACT, { draft: draftId }, server.keys.editor);
    expect(response.data).toBeNull();
    expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'TIME_BUDGET_EXCEEDED', budgetMs: 300 });
    expect(await jobs(server, 'impact', 'timed_out')).toBe(1);
    expect(await rowCounts(server.dataSource)).toEqual(before);

    // One decision against the costly draft fits the budget; the worker that was stopped has been replaced.
    const replay = await postGraphQL(server.url, REPLAY, { id: decisionIds[0], draft: draftId }, server.keys.auditor);
    expect(replay.errors).toBeUndefined();
    expect(replay.data.replayDecision).toMatchObject({ decisionId: decisionIds[0], identical: false });
    const unchanged = await postGraphQL(server.url, REPLAY, { id: decisionIds[1], draft: null }, server.keys.auditor);
    expect(unchanged.data.replayDecision).toMatchObject({ decisionId: decisionIds[1], identical: true });
    expect(await jobs(server, 'replay', 'ok')).toBe(2);
  });

  it('stops test cases at the budget too: testDraft and publishDraft answer TIME_BUDGET_EXCEEDED and nothing is published', async () => {
    const casesDraft = await costlyDraftWithTestCases(server);
    const tested = await server.gql(TEST_DRAFT, { draft: casesDraft }, server.keys.editor);
    expect(tested.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'TIME_BUDGET_EXCEEDED' });

    const before = await rowCounts(server.dataSource);
    const published = await server.gql(PUBLISH, { id: casesDraft, rev: 1, changelog: 'costly' }, server.keys.publisher);
    expect(published.data).toBeNull();
    expect(published.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'TIME_BUDGET_EXCEEDED' });
    expect(await rowCounts(server.dataSource)).toEqual(before);
    expect(await jobs(server, 'test-cases', 'timed_out')).toBe(2);
  });
});
