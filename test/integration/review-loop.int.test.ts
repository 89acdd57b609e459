import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { queuePageQuery } from '../../src/reviews/review-log.store';
import { businessRule, createRuleset, openDraft, PUBLISH, upsertRule } from '../helpers/authoring';
import { rowCounts } from '../helpers/row-counts';
import { startTestServer, TestServer } from '../helpers/test-server';
import { JUDGE } from '../helpers/workload';

const RULESET = 'review-loop';

const EVALUATE = `query($key: ID!, $input: NumberApplicationInput!) {
  evaluateNumberApplication(rulesetKey: $key, input: $input) { decisionId decision signals { ruleKey weight evidence } riskScore }
}`;
const QUEUE = `query($key: ID!, $first: Int, $after: String, $orderBy: ReviewQueueOrder, $filter: ReviewQueueFilter) {
  reviewQueue(rulesetKey: $key, first: $first, after: $after, orderBy: $orderBy, filter: $filter) {
    edges { cursor node { decisionId reason riskScore automaticDecision description signals { ruleKey } } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`;
const APPEAL = `mutation($id: ID!, $reason: String!) { openAppeal(decisionId: $id, reason: $reason) { id kind decisionId automaticDecision reason recordedBy } }`;
const ANSWER = `mutation($id: ID!, $outcome: ReviewOutcomeKind!, $reason: String!, $ruleKeys: [ID!]) {
  recordReviewOutcome(decisionId: $id, outcome: $outcome, reason: $reason, ruleKeys: $ruleKeys) { id kind outcome ruleKeys supersedes recordedBy sequence }
}`;
const CASE = `query($id: ID!) { reviewCase(decisionId: $id) {
  decisionId reason waiting riskScore signals { ruleKey } finalOutcome { id outcome } history { kind outcome supersedes }
} }`;
const QUALITY = `query($key: ID!, $from: DateTime, $to: DateTime) {
  policyQuality(rulesetKey: $key, from: $from, to: $to) {
    decisions reviewed agreeing agreement
    versions {
      versionNumber decisions reviewed agreeing agreement appeals appealsUpheld appealsOverturned reviewsRejected reviewsApproved neverFired
      rules { ruleKey effect fired reviewed appealsUpheld appealsOverturned precision missed }
    }
  }
}`;
const VERIFY = `{ verifyDecisionLog { valid firstBrokenId reason linkedChains { name checked valid firstBrokenId reason } } }`;

/**
 * Issue 16: a history of decisions, appeals, final answers and a correction on a small
 * ruleset of its own, and what the queue, the quality report and impact analysis make of it.
 * Every figure below is counted by hand from that history.
 */
describe('the human review loop', () => {
  let server: TestServer;
  const ids: Record<string, string> = {};
  let violationId: string;

  async function decide(name: string, description: string, expected: string): Promise<void> {
    const response = await server.gql(EVALUATE, { key: RULESET, input: { description } }, server.keys.evaluator);
    expect(response.errors).toBeUndefined();
    expect(response.data.evaluateNumberApplication.decision).toBe(expected);
    ids[name] = response.data.evaluateNumberApplication.decisionId;
  }
  async function answer(name: string, outcome: string, reason: string, ruleKeys: string[] | null = null) {
    const response = await server.gql(ANSWER, { id: ids[name], outcome, reason, ruleKeys }, server.keys.reviewer);
    expect(response.errors).toBeUndefined();
    return response.data.recordReviewOutcome;
  }
  const queue = async (variables: Record<string, unknown> = {}) => {
    const response = await server.gql(QUEUE, { key: RULESET, ...variables }, server.keys.reviewer);
    expect(response.errors).toBeUndefined();
    return response.data.reviewQueue;
  };
  const queuedNames = async (variables: Record<string, unknown> = {}) =>
    (await queue({ first: 50, ...variables })).edges.map((edge: { node: { decisionId: string } }) => nameOf(edge.node.decisionId));
  const nameOf = (id: string) => Object.entries(ids).find(([, value]) => value === id)?.[0] ?? id;

  /** Refused with BAD_USER_INPUT, and no table gained or lost a row. */
  async function refused(query: string, variables: Record<string, unknown>, key: string): Promise<void> {
    const before = await rowCounts(server.dataSource);
    const response = await server.gql(query, variables, key);
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(await rowCounts(server.dataSource)).toEqual(before);
  }

  beforeAll(async () => {
    server = await startTestServer();
    await createRuleset(server, RULESET);
    const draft = await openDraft(server, RULESET);
    let revision = draft.revision;
    for (const rule of [
      businessRule('loan', ['贷款']),
      businessRule('collect', ['催收']),
      businessRule('stocks', ['股票']),
      businessRule('ok', ['物流'], { effect: 'ALLOW' }),
      businessRule('flag.arrears', ['欠费'], { effect: 'FLAG', weight: 3, message: '提到欠费：核实是否催缴' }),
      businessRule('flag.money', ['还款'], { effect: 'FLAG', message: '提到还款' }),
    ]) {
      revision = await upsertRule(server, draft.id, revision, rule);
    }
    const published = await server.gql(PUBLISH, { id: draft.id, rev: revision, changelog: 'review loop test' }, server.keys.publisher);
    expect(published.errors).toBeUndefined();

    await decide('d1', '个人贷款办理', 'REJECT');
    await decide('d2', '贷款中介', 'REJECT');
    await decide('d3', '催收外包', 'REJECT');
    await decide('d4', '物业通知欠费', 'REVIEW');
    await decide('d5', '提醒还款日', 'REVIEW');
    await decide('d6', '餐厅订座', 'REVIEW');
    await decide('d7', '欠费还款提醒', 'REVIEW');
    await decide('d8', '催收欠费', 'REJECT');
    await decide('d9', '物流配送', 'ALLOW');
    const judged = await server.gql(JUDGE, { input: { enterpriseId: 'e-review', behavior: 'HARASSMENT_COMPLAINT', verified: true } }, server.keys.evaluator);
    expect(judged.errors).toBeUndefined();
    violationId = judged.data.evaluateViolation.decisionId;
  });
  afterAll(() => server?.close());

  it('gives REVIEW decisions their signals and risk score, and a REJECT none', async () => {
    const response = await server.gql(EVALUATE, { key: RULESET, input: { description: '欠费还款提醒' } }, server.keys.admin);
    expect(response.data.evaluateNumberApplication).toMatchObject({
      decision: 'REVIEW',
      signals: [
        { ruleKey: 'flag.arrears', weight: 3, evidence: ['keyword: 欠费'] },
        { ruleKey: 'flag.money', weight: 1, evidence: ['keyword: 还款'] },
      ],
      riskScore: 4,
    });
    const rejected = await server.gql(EVALUATE, { key: RULESET, input: { description: '催收欠费' } }, server.keys.admin);
    expect(rejected.data.evaluateNumberApplication).toMatchObject({ decision: 'REJECT', signals: null, riskScore: null });
    ids.extra1 = response.data.evaluateNumberApplication.decisionId;
    ids.extra2 = rejected.data.evaluateNumberApplication.decisionId;
  });

  it('queues every REVIEW decision, oldest first or riskiest first, in Relay pages', async () => {
    expect(await queuedNames()).toEqual(['d4', 'd5', 'd6', 'd7', 'extra1']);
    expect(await queuedNames({ orderBy: 'RISK' })).toEqual(['d7', 'extra1', 'd4', 'd5', 'd6']);

    const pages: string[][] = [];
    let after: string | null = null;
    for (;;) {
      const page = await queue({ first: 2, after, orderBy: 'RISK' });
      pages.push(page.edges.map((edge: { node: { decisionId: string } }) => nameOf(edge.node.decisionId)));
      expect(page.totalCount).toBe(5);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toEqual([['d7', 'extra1'], ['d4', 'd5'], ['d6']]);

    const first = (await queue({ first: 1 })).edges[0];
    expect(first.node).toEqual({
      decisionId: ids.d4,
      reason: 'REVIEW',
      riskScore: 3,
      automaticDecision: 'REVIEW',
      description: '物业通知欠费',
      signals: [{ ruleKey: 'flag.arrears' }],
    });
    // A cursor of one order does not continue the other.
    const wrongOrder = await server.gql(QUEUE, { key: RULESET, after: first.cursor, orderBy: 'RISK' }, server.keys.reviewer);
    expect(wrongOrder.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const unknown = await server.gql(QUEUE, { key: 'no-such-ruleset' }, server.keys.reviewer);
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('queues an appealed REJECT; an evaluator or a reviewer may appeal', async () => {
    const byEvaluator = await server.gql(APPEAL, { id: ids.d1, reason: '我们是贷款计算器软件，不放贷' }, server.keys.evaluator);
    expect(byEvaluator.errors).toBeUndefined();
    expect(byEvaluator.data.openAppeal).toMatchObject({ kind: 'APPEAL', decisionId: ids.d1, automaticDecision: 'REJECT', recordedBy: 'test-evaluator' });
    for (const name of ['d2', 'd3']) {
      expect((await server.gql(APPEAL, { id: ids[name], reason: '申诉' }, server.keys.reviewer)).errors).toBeUndefined();
    }
    expect(await queuedNames()).toEqual(['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'extra1']);
    expect(await queuedNames({ filter: { reason: 'APPEAL' } })).toEqual(['d1', 'd2', 'd3']);
    expect((await queue({ first: 0, filter: { reason: 'APPEAL' } })).totalCount).toBe(3);
  });

  it('refuses an appeal of anything but a REJECT not yet appealed, and an empty reason, writing nothing', async () => {
    await refused(APPEAL, { id: randomUUID(), reason: '申诉' }, server.keys.evaluator);
    await refused(APPEAL, { id: 'not-a-decision', reason: '申诉' }, server.keys.evaluator);
    await refused(APPEAL, { id: violationId, reason: '申诉' }, server.keys.evaluator);
    await refused(APPEAL, { id: ids.d4, reason: '申诉' }, server.keys.evaluator);
    await refused(APPEAL, { id: ids.d9, reason: '申诉' }, server.keys.evaluator);
    await refused(APPEAL, { id: ids.d1, reason: '再次申诉' }, server.keys.reviewer);
    await refused(APPEAL, { id: ids.d8, reason: '   ' }, server.keys.evaluator);
  });

  it('records final answers and a correction that supersedes; answered decisions leave the queue', async () => {
    const upheld = await answer('d1', 'REJECTED', '软件实为贷款引流', ['loan']);
    expect(upheld).toMatchObject({ kind: 'OUTCOME', outcome: 'REJECTED', ruleKeys: ['loan'], supersedes: null, recordedBy: 'test-reviewer' });
    await answer('d2', 'APPROVED', '中介只做房产，不涉贷款');
    await answer('d4', 'REJECTED', '物业代收欠费并催缴', ['collect']);
    await answer('d5', 'APPROVED', '还款日提醒是银行自有服务');
    const first = await answer('d7', 'APPROVED', '普通提醒');
    const correction = await answer('d7', 'REJECTED', '复核：实为催缴', ['collect']);
    expect(correction.supersedes).toBe(first.id);
    expect(Number(correction.sequence)).toBeGreaterThan(Number(first.sequence));

    expect(await queuedNames()).toEqual(['d3', 'd6', 'extra1']);
    const answered = await server.gql(CASE, { id: ids.d7 }, server.keys.reviewer);
    expect(answered.data.reviewCase).toEqual({
      decisionId: ids.d7,
      reason: 'REVIEW',
      waiting: false,
      riskScore: 4,
      signals: [{ ruleKey: 'flag.arrears' }, { ruleKey: 'flag.money' }],
      finalOutcome: { id: correction.id, outcome: 'REJECTED' },
      history: [
        { kind: 'OUTCOME', outcome: 'APPROVED', supersedes: null },
        { kind: 'OUTCOME', outcome: 'REJECTED', supersedes: first.id },
      ],
    });
    const waiting = await server.gql(CASE, { id: ids.d3 }, server.keys.reviewer);
    expect(waiting.data.reviewCase).toMatchObject({ reason: 'APPEAL', waiting: true, finalOutcome: null, history: [{ kind: 'APPEAL', outcome: null }] });
    // No person reviews an ALLOW or an unappealed REJECT.
    expect((await server.gql(CASE, { id: ids.d9 }, server.keys.reviewer)).data.reviewCase).toBeNull();
    expect((await server.gql(CASE, { id: ids.d8 }, server.keys.reviewer)).data.reviewCase).toBeNull();
  });

  it('refuses an answer without a review or appeal, with an empty reason or unknown rule keys, writing nothing', async () => {
    const reviewer = server.keys.reviewer;
    await refused(ANSWER, { id: randomUUID(), outcome: 'APPROVED', reason: '理由' }, reviewer);
    await refused(ANSWER, { id: violationId, outcome: 'APPROVED', reason: '理由' }, reviewer);
    await refused(ANSWER, { id: ids.d8, outcome: 'APPROVED', reason: '未申诉的拒绝' }, reviewer);
    await refused(ANSWER, { id: ids.d9, outcome: 'REJECTED', reason: '允许的决定' }, reviewer);
    await refused(ANSWER, { id: ids.d6, outcome: 'APPROVED', reason: '' }, reviewer);
    await refused(ANSWER, { id: ids.d6, outcome: 'APPROVED', reason: '  ' }, reviewer);
    await refused(ANSWER, { id: ids.d6, outcome: 'REJECTED', reason: '理由', ruleKeys: ['no-such-rule'] }, reviewer);
    // A FLAG or ALLOW rule is no policy row a rejection falls under.
    await refused(ANSWER, { id: ids.d6, outcome: 'REJECTED', reason: '理由', ruleKeys: ['flag.arrears'] }, reviewer);
    await refused(ANSWER, { id: ids.d6, outcome: 'REJECTED', reason: '理由', ruleKeys: ['ok'] }, reviewer);
    await refused(ANSWER, { id: ids.d6, outcome: 'APPROVED', reason: '理由', ruleKeys: ['loan'] }, reviewer);
    // Only reviewers answer.
    const byEvaluator = await server.gql(ANSWER, { id: ids.d6, outcome: 'APPROVED', reason: '理由' }, server.keys.evaluator);
    expect(byEvaluator.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('reports policy quality on that history, per version and per rule, as counted by hand', async () => {
    const response = await server.gql(QUALITY, { key: RULESET }, server.keys.editor);
    expect(response.errors).toBeUndefined();
    const rule = (ruleKey: string, effect: string, fields: Partial<Record<string, number | null>>) => ({
      ruleKey,
      effect,
      fired: 0,
      reviewed: 0,
      appealsUpheld: 0,
      appealsOverturned: 0,
      precision: null,
      missed: 0,
      ...fields,
    });
    // 11 decisions (d1-d9, extra1, extra2). Final answers: d1 REJECTED (REJECT: agrees), d2 APPROVED
    // (REJECT: disagrees), d4 REJECTED (REVIEW: disagrees), d5 APPROVED (REVIEW: agrees), d7 REJECTED
    // after its correction (REVIEW: disagrees): 2 of 5 agree.
    expect(response.data.policyQuality).toEqual({
      decisions: 11,
      reviewed: 5,
      agreeing: 2,
      agreement: 0.4,
      versions: [
        {
          versionNumber: 1,
          decisions: 11,
          reviewed: 5,
          agreeing: 2,
          agreement: 0.4,
          appeals: 2,
          appealsUpheld: 1,
          appealsOverturned: 1,
          reviewsRejected: 2,
          reviewsApproved: 1,
          neverFired: ['stocks'],
          rules: [
            // d3, d8, extra2 matched it; d4 and d7 were finally rejected under it without it matching.
            rule('collect', 'REJECT', { fired: 3, missed: 2 }),
            // d4, d7, extra1 flagged (d8's and extra2's REJECT drop their signals); d4 and d7 finally REJECTED.
            rule('flag.arrears', 'FLAG', { fired: 3, reviewed: 2, precision: 1 }),
            // d5, d7, extra1 flagged; d5 APPROVED, d7 REJECTED.
            rule('flag.money', 'FLAG', { fired: 3, reviewed: 2, precision: 0.5 }),
            // d1 and d2, both appealed: d1 upheld, d2 overturned.
            rule('loan', 'REJECT', { fired: 2, reviewed: 2, appealsUpheld: 1, appealsOverturned: 1, precision: 0.5 }),
            rule('ok', 'ALLOW', { fired: 1 }),
            rule('stocks', 'REJECT', {}),
          ],
        },
      ],
    });
    const before = await server.gql(QUALITY, { key: RULESET, to: '2000-01-01T00:00:00Z' }, server.keys.reviewer);
    expect(before.data.policyQuality).toEqual({ decisions: 0, reviewed: 0, agreeing: 0, agreement: null, versions: [] });
    const backwards = await server.gql(QUALITY, { key: RULESET, from: '2030-01-01T00:00:00Z', to: '2000-01-01T00:00:00Z' }, server.keys.reviewer);
    expect(backwards.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('impact analysis counts, for decisions with a final answer, how many each side gets right', async () => {
    const draft = await openDraft(server, RULESET);
    const revision = await upsertRule(server, draft.id, draft.revision, businessRule('collect', ['催收', '欠费']));
    const response = await server.gql(
      `query($key: ID!, $draft: ID!) { impactAnalysis(rulesetKey: $key, candidateDraftId: $draft) { evaluated agreement { reviewed currentRight candidateRight } } }`,
      { key: RULESET, draft: draft.id },
      server.keys.auditor,
    );
    expect(response.errors).toBeUndefined();
    // As logged: d1 and d5 right. The candidate also rejects d4 and d7 (欠费), as their final answers did; d2 stays wrong.
    expect(response.data.impactAnalysis).toEqual({ evaluated: 11, agreement: { reviewed: 5, currentRight: 2, candidateRight: 4 } });

    const added = await server.gql(
      `mutation($draft: ID!, $rev: Int!, $id: ID!) { addTestCaseFromDecision(draftId: $draft, expectedRevision: $rev, decisionId: $id) {
         revision testCases } }`,
      { draft: draft.id, rev: revision, id: ids.d4 },
      server.keys.editor,
    );
    expect(added.errors).toBeUndefined();
    expect(added.data.addTestCaseFromDecision.testCases).toEqual([
      {
        key: `decision-${ids.d4}`,
        application: { description: '物业通知欠费', industry: null, scenario: null, callDirection: null, facts: null },
        violation: null,
        enterprise: null,
        expectedDecision: 'REJECT',
        expectedSeverity: null,
        expectedRuleKeys: ['collect'],
      },
    ]);
    const tested = await server.gql(`query($id: ID!) { testDraft(draftId: $id) { passed failed } }`, { id: draft.id }, server.keys.editor);
    expect(tested.data.testDraft).toEqual({ passed: 1, failed: 0 });

    const rev = added.data.addTestCaseFromDecision.revision;
    const addCase = `mutation($draft: ID!, $rev: Int!, $id: ID!) { addTestCaseFromDecision(draftId: $draft, expectedRevision: $rev, decisionId: $id) { revision } }`;
    await refused(addCase, { draft: draft.id, rev, id: ids.d6 }, server.keys.editor); // no final answer yet
    const otherDraft = await openDraft(server, 'ccc-access');
    await refused(addCase, { draft: otherDraft.id, rev: otherDraft.revision, id: ids.d4 }, server.keys.editor);
  });

  describe('append-only, against the service role and the owner', () => {
    let service: Client;
    beforeAll(async () => {
      service = new Client({ connectionString: server.serviceUrl });
      await service.connect();
    });
    afterAll(() => service?.end());

    async function refusedToService(sql: string, refusal: RegExp): Promise<void> {
      const before = await rowCounts(server.dataSource);
      await expect(service.query(sql)).rejects.toThrow(refusal);
      expect(await rowCounts(server.dataSource)).toEqual(before);
    }

    it('the chains verify, the review log with every appeal and answer', async () => {
      const verified = (await server.gql(VERIFY, {}, server.keys.auditor)).data.verifyDecisionLog;
      // 3 appeals, 6 answers (d7 twice).
      expect(verified).toEqual({
        valid: true,
        firstBrokenId: null,
        reason: null,
        linkedChains: [{ name: 'review-log', checked: 9, valid: true, firstBrokenId: null, reason: null }],
      });
    });

    it('refuses UPDATE, DELETE and TRUNCATE of the review log, and a record that does not continue the chain', async () => {
      await refusedToService(`UPDATE review_log SET reason = 'x'`, /permission denied/);
      await refusedToService(`DELETE FROM review_log`, /permission denied/);
      await refusedToService(`TRUNCATE review_log`, /permission denied/);
      await refusedToService(
        `INSERT INTO review_log (seq, id, kind, decision_id, decision_hash, decided_at, ruleset_key, version_number, automatic_decision, outcome, reason, rule_keys, caller, created_at, record_hash, prev_hash, hash)
         SELECT seq + 1, gen_random_uuid(), 'OUTCOME', decision_id, decision_hash, decided_at, ruleset_key, version_number, automatic_decision, 'APPROVED', 'forged', '[]', 'x', now(), 'r', NULL, 'h'
         FROM review_log ORDER BY seq DESC LIMIT 1`,
        /does not continue the chain/,
      );
      // Not even the owner may change a record while the trigger stands.
      await expect(server.ownerQuery(`UPDATE review_log SET reason = 'x'`)).rejects.toThrow(/review_log is append-only: UPDATE refused/);
    });

    it('lets a decision leave the queue only once its answer is logged, and never changes or empties the queue', async () => {
      await refusedToService(`DELETE FROM review_queue WHERE decision_id = '${ids.d6}'`, /leaves the queue only when its final answer is logged/);
      await refusedToService(`UPDATE review_queue SET risk_score = 0`, /permission denied/);
      await refusedToService(`TRUNCATE review_queue`, /permission denied/);
      await expect(server.ownerQuery(`UPDATE review_queue SET risk_score = 99`)).rejects.toThrow(/final answer is logged/);
    });

    it('detects a tampered answer (changed by an owner who lifted the trigger)', async () => {
      const [record] = await server.ownerQuery<{ id: string }>(`SELECT id FROM review_log WHERE decision_id = $1 AND kind = 'OUTCOME'`, [ids.d2]);
      await server.ownerQuery(
        `BEGIN; ALTER TABLE review_log DISABLE TRIGGER review_log_append_only; UPDATE review_log SET outcome = 'REJECTED' WHERE id = '${record.id}'; ALTER TABLE review_log ENABLE TRIGGER review_log_append_only; COMMIT;`,
      );
      const verified = (await server.gql(VERIFY, {}, server.keys.auditor)).data.verifyDecisionLog;
      expect(verified).toEqual({
        valid: false,
        firstBrokenId: record.id,
        reason: 'review-log: record-hash',
        linkedChains: [{ name: 'review-log', checked: 5, valid: false, firstBrokenId: record.id, reason: 'record-hash' }],
      });
    });
  });
});

describe('the review queue on a long log', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    // 200,000 waiting decisions of one ruleset (the queue rows alone: the plan is the queue's).
    await server.ownerQuery(
      `INSERT INTO review_queue (decision_id, ruleset_key, version_number, decision_seq, decided_at, reason, risk_score)
       SELECT gen_random_uuid(), CASE WHEN i % 10 = 0 THEN 'other' ELSE 'busy' END, 1, i, now(), CASE WHEN i % 50 = 0 THEN 'APPEAL' ELSE 'REVIEW' END, i % 7
       FROM generate_series(1, 200000) AS i;
       ANALYZE review_queue;`,
    );
  });
  afterAll(() => server?.close());

  async function plan(order: 'OLDEST' | 'RISK', after: { riskScore: number; decisionSeq: number } | null): Promise<string> {
    const { sql, params } = queuePageQuery('busy', order, null, after, 51);
    const rows = await server.ownerQuery<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  }

  it('reads a page with index range scans of the queue, never a scan of the whole queue', async () => {
    const oldest = await plan('OLDEST', { riskScore: 0, decisionSeq: 150000 });
    expect(oldest).toMatch(/Index Scan using review_queue_oldest on review_queue/);
    const riskiest = await plan('RISK', null);
    expect(riskiest).toMatch(/Index Scan using review_queue_riskiest on review_queue/);
    const riskyNext = await plan('RISK', { riskScore: 3, decisionSeq: 150000 });
    expect(riskyNext.match(/Index Scan using review_queue_riskiest on review_queue/g)).toHaveLength(2);
    for (const text of [oldest, riskiest, riskyNext]) expect(text).not.toMatch(/Seq Scan on review_queue/);
  });
});
