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

/** Refused with BAD_USER_INPUT, and no table gained or lost a row. */
async function refused(server: TestServer, query: string, variables: Record<string, unknown>, key: string): Promise<void> {
  const before = await rowCounts(server.dataSource);
  const response = await server.gql(query, variables, key);
  expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  expect(await rowCounts(server.dataSource)).toEqual(before);
}

/**
 * Issue 16: one history of decisions, appeals, final answers and a correction on a small
 * ruleset of its own, built once; each test reads what the queue, the quality report, impact
 * analysis and the chains make of it. Every figure below is counted by hand from this history:
 *
 *   d1 个人贷款办理  REJECT (loan)     appealed (by the evaluator), finally REJECTED under loan
 *   d2 贷款中介      REJECT (loan)     appealed, finally APPROVED (overturned)
 *   d3 催收外包      REJECT (collect)  appealed, waiting
 *   d4 物业通知欠费  REVIEW, flag.arrears (3)              finally REJECTED under collect
 *   d5 提醒还款日    REVIEW, flag.money (1)                finally APPROVED
 *   d6 餐厅订座      REVIEW, no signal                     waiting
 *   d7 欠费还款提醒  REVIEW, both flags (4)                APPROVED, then corrected to REJECTED under collect
 *   d8 催收欠费      REJECT (collect), its flag dropped    not appealed
 *   d9 物流配送      ALLOW (ok)
 *   d10 欠费还款提醒 REVIEW, both flags (4)                waiting
 */
describe('the human review loop', () => {
  let server: TestServer;
  const ids: Record<string, string> = {};
  const answers: Record<
    string,
    { id: string; kind: string; outcome: string; ruleKeys: string[]; supersedes: string | null; recordedBy: string; sequence: string }
  > = {};
  const evaluation: { decisionId: string; decision: string; signals: unknown; riskScore: number | null }[] = [];
  let violationId: string;

  const nameOf = (id: string) => Object.entries(ids).find(([, value]) => value === id)?.[0] ?? id;
  const queue = async (variables: Record<string, unknown> = {}) => {
    const response = await server.gql(QUEUE, { key: RULESET, ...variables }, server.keys.reviewer);
    expect(response.errors).toBeUndefined();
    return response.data.reviewQueue;
  };
  const queuedNames = async (variables: Record<string, unknown> = {}) =>
    (await queue({ first: 50, ...variables })).edges.map((edge: { node: { decisionId: string } }) => nameOf(edge.node.decisionId));

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

    const decisions: [string, string][] = [
      ['d1', '个人贷款办理'],
      ['d2', '贷款中介'],
      ['d3', '催收外包'],
      ['d4', '物业通知欠费'],
      ['d5', '提醒还款日'],
      ['d6', '餐厅订座'],
      ['d7', '欠费还款提醒'],
      ['d8', '催收欠费'],
      ['d9', '物流配送'],
      ['d10', '欠费还款提醒'],
    ];
    for (const [name, description] of decisions) {
      const response = await server.gql(EVALUATE, { key: RULESET, input: { description } }, server.keys.evaluator);
      expect(response.errors).toBeUndefined();
      ids[name] = response.data.evaluateNumberApplication.decisionId;
      evaluation.push(response.data.evaluateNumberApplication);
    }
    const judged = await server.gql(JUDGE, { input: { enterpriseId: 'e-review', behavior: 'HARASSMENT_COMPLAINT', verified: true } }, server.keys.evaluator);
    expect(judged.errors).toBeUndefined();
    violationId = judged.data.evaluateViolation.decisionId;

    for (const [name, reason, key] of [
      ['d1', '我们是贷款计算器软件，不放贷', server.keys.evaluator],
      ['d2', '申诉', server.keys.reviewer],
      ['d3', '申诉', server.keys.reviewer],
    ]) {
      const appeal = await server.gql(APPEAL, { id: ids[name], reason }, key);
      expect(appeal.errors).toBeUndefined();
      answers[`appeal-${name}`] = appeal.data.openAppeal;
    }
    for (const [label, name, outcome, reason, ruleKeys] of [
      ['d1', 'd1', 'REJECTED', '软件实为贷款引流', ['loan']],
      ['d2', 'd2', 'APPROVED', '中介只做房产，不涉贷款', null],
      ['d4', 'd4', 'REJECTED', '物业代收欠费并催缴', ['collect']],
      ['d5', 'd5', 'APPROVED', '还款日提醒是银行自有服务', null],
      ['d7', 'd7', 'APPROVED', '普通提醒', null],
      ['d7-corrected', 'd7', 'REJECTED', '复核：实为催缴', ['collect']],
    ] as [string, string, string, string, string[] | null][]) {
      const response = await server.gql(ANSWER, { id: ids[name], outcome, reason, ruleKeys }, server.keys.reviewer);
      expect(response.errors).toBeUndefined();
      answers[label] = response.data.recordReviewOutcome;
    }
  });
  afterAll(() => server?.close());

  it('gives REVIEW decisions their signals and risk score, and a REJECT none', () => {
    expect(evaluation[6]).toEqual({
      decisionId: ids.d7,
      decision: 'REVIEW',
      signals: [
        { ruleKey: 'flag.arrears', weight: 3, evidence: ['keyword: 欠费'] },
        { ruleKey: 'flag.money', weight: 1, evidence: ['keyword: 还款'] },
      ],
      riskScore: 4,
    });
    expect(evaluation[7]).toEqual({ decisionId: ids.d8, decision: 'REJECT', signals: null, riskScore: null });
    expect(evaluation.map((answer) => answer.decision)).toEqual([
      'REJECT',
      'REJECT',
      'REJECT',
      'REVIEW',
      'REVIEW',
      'REVIEW',
      'REVIEW',
      'REJECT',
      'ALLOW',
      'REVIEW',
    ]);
  });

  it('queues the REVIEW decisions and appealed REJECTs without a final answer, oldest first or riskiest first, in Relay pages', async () => {
    expect(await queuedNames()).toEqual(['d3', 'd6', 'd10']);
    expect(await queuedNames({ orderBy: 'RISK' })).toEqual(['d10', 'd3', 'd6']);
    expect(await queuedNames({ filter: { reason: 'APPEAL' } })).toEqual(['d3']);
    expect(await queuedNames({ filter: { reason: 'REVIEW' }, orderBy: 'RISK' })).toEqual(['d10', 'd6']);

    for (const orderBy of ['OLDEST', 'RISK']) {
      const pages: string[][] = [];
      let after: string | null = null;
      for (;;) {
        const page = await queue({ first: 1, after, orderBy });
        pages.push(page.edges.map((edge: { node: { decisionId: string } }) => nameOf(edge.node.decisionId)));
        expect(page.totalCount).toBe(3);
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(pages).toEqual(orderBy === 'OLDEST' ? [['d3'], ['d6'], ['d10']] : [['d10'], ['d3'], ['d6']]);
    }

    const first = (await queue({ first: 1, orderBy: 'RISK' })).edges[0];
    expect(first.node).toEqual({
      decisionId: ids.d10,
      reason: 'REVIEW',
      riskScore: 4,
      automaticDecision: 'REVIEW',
      description: '欠费还款提醒',
      signals: [{ ruleKey: 'flag.arrears' }, { ruleKey: 'flag.money' }],
    });
    // A cursor of one order does not continue the other; an unknown ruleset is not an empty queue.
    const wrongOrder = await server.gql(QUEUE, { key: RULESET, after: first.cursor, orderBy: 'OLDEST' }, server.keys.reviewer);
    expect(wrongOrder.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    const unknown = await server.gql(QUEUE, { key: 'no-such-ruleset' }, server.keys.reviewer);
    expect(unknown.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
  });

  it('records appeals and final answers with who and why; a correction supersedes the answer before it', async () => {
    expect(answers['appeal-d1']).toMatchObject({ kind: 'APPEAL', decisionId: ids.d1, automaticDecision: 'REJECT', recordedBy: 'test-evaluator' });
    expect(answers.d1).toMatchObject({ kind: 'OUTCOME', outcome: 'REJECTED', ruleKeys: ['loan'], supersedes: null, recordedBy: 'test-reviewer' });
    expect(answers['d7-corrected'].supersedes).toBe(answers.d7.id);
    expect(Number(answers['d7-corrected'].sequence)).toBeGreaterThan(Number(answers.d7.sequence));

    const corrected = await server.gql(CASE, { id: ids.d7 }, server.keys.reviewer);
    expect(corrected.data.reviewCase).toEqual({
      decisionId: ids.d7,
      reason: 'REVIEW',
      waiting: false,
      riskScore: 4,
      signals: [{ ruleKey: 'flag.arrears' }, { ruleKey: 'flag.money' }],
      finalOutcome: { id: answers['d7-corrected'].id, outcome: 'REJECTED' },
      history: [
        { kind: 'OUTCOME', outcome: 'APPROVED', supersedes: null },
        { kind: 'OUTCOME', outcome: 'REJECTED', supersedes: answers.d7.id },
      ],
    });
    const waiting = await server.gql(CASE, { id: ids.d3 }, server.keys.reviewer);
    expect(waiting.data.reviewCase).toMatchObject({ reason: 'APPEAL', waiting: true, finalOutcome: null, history: [{ kind: 'APPEAL', outcome: null }] });
    // No person reviews an ALLOW or an unappealed REJECT.
    expect((await server.gql(CASE, { id: ids.d9 }, server.keys.reviewer)).data.reviewCase).toBeNull();
    expect((await server.gql(CASE, { id: ids.d8 }, server.keys.reviewer)).data.reviewCase).toBeNull();
  });

  it('refuses an appeal of anything but a REJECT not yet appealed, and an empty reason, writing nothing', async () => {
    for (const [id, reason] of [
      [randomUUID(), '申诉'],
      ['not-a-decision', '申诉'],
      [violationId, '申诉'],
      [ids.d4, '申诉'], // REVIEW: awaits a reviewer already
      [ids.d9, '申诉'], // ALLOW
      [ids.d1, '再次申诉'], // appealed already
      [ids.d8, '   '],
    ]) {
      await refused(server, APPEAL, { id, reason }, server.keys.evaluator);
    }
  });

  it('refuses an answer without a review or appeal, with an empty reason or with rule keys that name no REJECT rule, writing nothing', async () => {
    for (const variables of [
      { id: randomUUID(), outcome: 'APPROVED', reason: '理由' },
      { id: violationId, outcome: 'APPROVED', reason: '理由' },
      { id: ids.d8, outcome: 'APPROVED', reason: '未申诉的拒绝' },
      { id: ids.d9, outcome: 'REJECTED', reason: '允许的决定' },
      { id: ids.d6, outcome: 'APPROVED', reason: '' },
      { id: ids.d6, outcome: 'APPROVED', reason: '  ' },
      { id: ids.d6, outcome: 'REJECTED', reason: '理由', ruleKeys: ['no-such-rule'] },
      // A FLAG or ALLOW rule is no policy row a rejection falls under.
      { id: ids.d6, outcome: 'REJECTED', reason: '理由', ruleKeys: ['flag.arrears'] },
      { id: ids.d6, outcome: 'REJECTED', reason: '理由', ruleKeys: ['ok'] },
      { id: ids.d6, outcome: 'APPROVED', reason: '理由', ruleKeys: ['loan'] },
    ]) {
      await refused(server, ANSWER, variables, server.keys.reviewer);
    }
    const byEvaluator = await server.gql(ANSWER, { id: ids.d6, outcome: 'APPROVED', reason: '理由' }, server.keys.evaluator);
    expect(byEvaluator.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('reports policy quality on that history, per version and per rule, as counted by hand', async () => {
    const response = await server.gql(QUALITY, { key: RULESET }, server.keys.auditor);
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
    // Final answers: d1 REJECTED (REJECT: agrees), d2 APPROVED (REJECT: disagrees), d4 REJECTED
    // (REVIEW: disagrees), d5 APPROVED (REVIEW: agrees), d7 REJECTED after its correction (REVIEW:
    // disagrees): 2 of 5 agree.
    expect(response.data.policyQuality).toEqual({
      decisions: 10,
      reviewed: 5,
      agreeing: 2,
      agreement: 0.4,
      versions: [
        {
          versionNumber: 1,
          decisions: 10,
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
            // d3 and d8 matched it (neither answered); d4 and d7 were finally rejected under it without it matching.
            rule('collect', 'REJECT', { fired: 2, missed: 2 }),
            // d4, d7, d10 flagged (d8's REJECT dropped its signal); d4 and d7 answered, both finally REJECTED.
            rule('flag.arrears', 'FLAG', { fired: 3, reviewed: 2, precision: 1 }),
            // d5, d7, d10 flagged; d5 APPROVED, d7 REJECTED.
            rule('flag.money', 'FLAG', { fired: 3, reviewed: 2, precision: 0.5 }),
            // d1 and d2, both appealed: d1 upheld, d2 overturned.
            rule('loan', 'REJECT', { fired: 2, reviewed: 2, appealsUpheld: 1, appealsOverturned: 1, precision: 0.5 }),
            rule('ok', 'ALLOW', { fired: 1 }),
            rule('stocks', 'REJECT', {}),
          ],
        },
      ],
    });
    // The policy team and reviewers see whole blocks of IMPACT_MIN_DECISIONS (100) only: these 10 decisions make none.
    for (const key of [server.keys.editor, server.keys.reviewer]) await refused(server, QUALITY, { key: RULESET }, key);
    const before = await server.gql(QUALITY, { key: RULESET, to: '2000-01-01T00:00:00Z' }, server.keys.auditor);
    expect(before.data.policyQuality).toEqual({ decisions: 0, reviewed: 0, agreeing: 0, agreement: null, versions: [] });
    const backwards = await server.gql(QUALITY, { key: RULESET, from: '2030-01-01T00:00:00Z', to: '2000-01-01T00:00:00Z' }, server.keys.auditor);
    expect(backwards.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('impact analysis counts, for the decisions with a final answer, how many each side gets right', async () => {
    const draft = await openDraft(server, RULESET);
    await upsertRule(server, draft.id, draft.revision, businessRule('collect', ['催收', '欠费']));
    const response = await server.gql(
      `query($key: ID!, $draft: ID!) { impactAnalysis(rulesetKey: $key, candidateDraftId: $draft) { evaluated agreement { reviewed currentRight candidateRight } } }`,
      { key: RULESET, draft: draft.id },
      server.keys.auditor,
    );
    expect(response.errors).toBeUndefined();
    // As logged: d1 and d5 right. The candidate also rejects d4 and d7 (欠费), as their final answers did; d2 stays wrong.
    expect(response.data.impactAnalysis).toEqual({ evaluated: 10, agreement: { reviewed: 5, currentRight: 2, candidateRight: 4 } });
  });

  it('turns a final answer into a test case of a draft, and refuses a decision without one, writing nothing', async () => {
    const draft = await openDraft(server, RULESET);
    const revision = await upsertRule(server, draft.id, draft.revision, businessRule('collect', ['催收', '欠费']));
    const added = await server.gql(
      `mutation($draft: ID!, $rev: Int!, $id: ID!) { addTestCaseFromDecision(draftId: $draft, expectedRevision: $rev, decisionId: $id) { revision testCases } }`,
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
    await refused(server, addCase, { draft: draft.id, rev, id: ids.d6 }, server.keys.editor); // no final answer yet
    const otherDraft = await openDraft(server, 'ccc-access');
    await refused(server, addCase, { draft: otherDraft.id, rev: otherDraft.revision, id: ids.d4 }, server.keys.editor);
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
  });
});

describe('a tampered final answer', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('breaks the review chain, and verifyDecisionLog names it', async () => {
    const rejected = await server.gql(EVALUATE, { key: 'ccc-access', input: { description: '网贷逾期催收外包' } }, server.keys.evaluator);
    const id = rejected.data.evaluateNumberApplication.decisionId;
    expect((await server.gql(APPEAL, { id, reason: '申诉' }, server.keys.evaluator)).errors).toBeUndefined();
    const answered = await server.gql(ANSWER, { id, outcome: 'APPROVED', reason: '误判' }, server.keys.reviewer);
    const answerId = answered.data.recordReviewOutcome.id;
    expect((await server.gql(VERIFY, {}, server.keys.auditor)).data.verifyDecisionLog.valid).toBe(true);

    // Only an owner who lifts the trigger can change it.
    await server.ownerQuery(
      `BEGIN; ALTER TABLE review_log DISABLE TRIGGER review_log_append_only; UPDATE review_log SET outcome = 'REJECTED' WHERE id = '${answerId}'; ALTER TABLE review_log ENABLE TRIGGER review_log_append_only; COMMIT;`,
    );
    expect((await server.gql(VERIFY, {}, server.keys.auditor)).data.verifyDecisionLog).toEqual({
      valid: false,
      firstBrokenId: answerId,
      reason: 'review-log: record-hash',
      linkedChains: [{ name: 'review-log', checked: 2, valid: false, firstBrokenId: answerId, reason: 'record-hash' }],
    });
  });
});

describe('answers recorded at the same moment', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('line up: one is the first answer, the others correct it in turn, and the chain verifies', async () => {
    const decided = await server.gql(EVALUATE, { key: 'ccc-access', input: { description: '餐厅订座' } }, server.keys.evaluator);
    const id = decided.data.evaluateNumberApplication.decisionId;
    const answers = await Promise.all(
      ['APPROVED', 'REJECTED', 'APPROVED', 'REJECTED'].map((outcome, i) =>
        server.gql(ANSWER, { id, outcome, reason: `复核 ${i}`, ruleKeys: outcome === 'REJECTED' ? ['other.debt-collection'] : null }, server.keys.reviewer),
      ),
    );
    expect(answers.flatMap((answer) => answer.errors ?? [])).toEqual([]);
    const records = answers.map((answer) => answer.data.recordReviewOutcome).sort((a, b) => Number(a.sequence) - Number(b.sequence));
    expect(records.map((record) => record.supersedes)).toEqual([null, records[0].id, records[1].id, records[2].id]);
    const verified = (await server.gql(VERIFY, {}, server.keys.auditor)).data.verifyDecisionLog;
    expect(verified).toMatchObject({ valid: true, linkedChains: [{ name: 'review-log', checked: 4, valid: true }] });
  });
});

describe('policy quality for roles that may not read the log', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    const inputs = Array.from({ length: 150 }, (_, i) => ({ description: i % 2 === 0 ? `餐厅订座 ${i}` : `网贷逾期催收外包 ${i}` }));
    const batch = await server.gql(
      `query($inputs: [NumberApplicationInput!]!) { evaluateNumberApplications(inputs: $inputs) { decisionId } }`,
      { inputs },
      server.keys.evaluator,
    );
    expect(batch.errors).toBeUndefined();
  });
  afterAll(() => server?.close());

  it('counts whole blocks of IMPACT_MIN_DECISIONS consecutive decisions, so no window singles out one decision', async () => {
    const count = async (key: string) => (await server.gql(QUALITY, { key: 'ccc-access' }, key)).data.policyQuality.decisions;
    expect(await count(server.keys.auditor)).toBe(150);
    expect(await count(server.keys.editor)).toBe(100);
    expect(await count(server.keys.reviewer)).toBe(100);
  });
});

describe('the review queue on a long log', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    // 200,000 REVIEW decisions of one ruleset (and 20,000 of another), written straight into the
    // log as its owner: the log's own trigger queues them, as it queues every appended batch.
    await server.ownerQuery(
      `INSERT INTO decision_log (seq, id, kind, ruleset_key, version_number, content_hash, decision, input, output, state, caller,
                                 engine_version, created_at, record_hash, hash)
       SELECT i, gen_random_uuid(), 'NUMBER_APPLICATION', CASE WHEN i % 10 = 0 THEN 'other' ELSE 'busy' END, 1, 'c', 'REVIEW',
              '{}', jsonb_build_object('decision', 'REVIEW', 'riskScore', i % 7), '{}', 'load', '1.0.0', now(), 'r', 'h'
       FROM generate_series(1, 220000) AS i;
       ANALYZE decision_log; ANALYZE review_queue;`,
    );
  }, 120_000);
  afterAll(() => server?.close());

  async function plan(order: 'OLDEST' | 'RISK', after: { riskScore: number; decisionSeq: number } | null): Promise<string> {
    const { sql, params } = queuePageQuery('busy', order, null, after, 51);
    const rows = await server.ownerQuery<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  }

  it('queued every REVIEW decision appended, with its risk score', async () => {
    const [counts] = await server.ownerQuery<{ busy: number; risky: number }>(
      `SELECT count(*) FILTER (WHERE ruleset_key = 'busy')::int AS busy, count(*) FILTER (WHERE risk_score = 6)::int AS risky FROM review_queue`,
    );
    expect(counts).toEqual({ busy: 198000, risky: 31428 });
  });

  it('reads a page with index range scans of the queue and index lookups of the log, never a scan of either', async () => {
    const oldest = await plan('OLDEST', { riskScore: 0, decisionSeq: 150000 });
    expect(oldest).toMatch(/Index Scan using review_queue_oldest on review_queue/);
    const riskiest = await plan('RISK', null);
    expect(riskiest).toMatch(/Index Scan using review_queue_riskiest on review_queue/);
    const riskyNext = await plan('RISK', { riskScore: 3, decisionSeq: 150000 });
    expect(riskyNext.match(/Index Scan using review_queue_riskiest on review_queue/g)).toHaveLength(2);
    // The partition that holds the rows is read by its primary key, once per queued decision (empty partitions cost nothing).
    const [{ partition }] = await server.ownerQuery<{ partition: string }>('SELECT tableoid::regclass::text AS partition FROM decision_log LIMIT 1');
    for (const text of [oldest, riskiest, riskyNext]) {
      expect(text).not.toMatch(/Seq Scan on review_queue/);
      expect(text).not.toContain(`Seq Scan on ${partition}`);
      expect(text).toContain(`Index Scan using ${partition}_pkey on ${partition}`);
      expect(text).toMatch(/Nested Loop/);
    }
  });
});
