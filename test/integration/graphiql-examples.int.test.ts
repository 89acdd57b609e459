import { exampleTabs } from '../../src/graphiql/example-operations';
import { GraphQLResponse, startTestServer, TestServer } from '../helpers/test-server';

/**
 * Every GraphiQL tab run as written against the real endpoint, in the order a user walks
 * them, with only the `<...>` placeholders replaced by what the earlier tabs returned. The
 * unit test proves the tabs are valid against the schema; this proves they work together.
 */
describe('the GraphiQL tabs, run as written in workflow order', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const tabNamed = (title: string) => {
    const tab = exampleTabs.find((candidate) => /^(?:query|mutation) (\w+)/m.exec(candidate.query)?.[1] === title);
    if (!tab) throw new Error(`no example tab ${title}`);
    return tab;
  };

  /** Runs one operation of a tab with the tab's variables, some replaced, as GraphiQL sends it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped response JSON; the test reads the fields it asserts
  async function run(title: string, key: string, replacements: Record<string, unknown> = {}, operationName = title): Promise<GraphQLResponse<any>> {
    const tab = tabNamed(title);
    const variables = { ...(JSON.parse(tab.variables) as Record<string, unknown>), ...replacements };
    const placeholders = JSON.stringify(variables).match(/"<[^"]*>"/g);
    expect([title, placeholders]).toEqual([title, null]);
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: tab.query, variables, operationName }),
    });
    return { status: response.status, ...((await response.json()) as object) };
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  const ok = (title: string, response: GraphQLResponse<any>) => {
    expect([title, response.errors]).toEqual([title, undefined]);
    return response.data;
  };

  it('lets the policy team edit, check, try, publish, rebase and revert, services decide and auditors verify', async () => {
    const { editor, publisher, evaluator, auditor } = server.keys;
    ok('CurrentPolicy', await run('CurrentPolicy', evaluator));

    const draft = ok('CreateDraft', await run('CreateDraft', editor)).createDraft;
    // A second draft from the same version: stale once the first is published, for Rebase.
    const staleDraft = ok('CreateDraft', await run('CreateDraft', editor)).createDraft;

    const edited = ok('PartialEdit', await run('PartialEdit', editor, { draftId: draft.id, revision: draft.revision })).editBusinessRule;
    const withCase = ok('AddTestCase', await run('ValidateWithTests', editor, { draftId: draft.id, revision: edited.revision }, 'AddTestCase')).upsertTestCase;
    const checked = ok('ValidateWithTests', await run('ValidateWithTests', publisher, { draftId: draft.id }));
    expect(checked.validateDraft.filter((issue: { level: string }) => issue.level === 'ERROR')).toEqual([]);
    expect(checked.testDraft.failed).toBe(0);
    expect(checked.testDraft.results).toContainEqual(expect.objectContaining({ key: 'example.credit-card-limit-calls', passed: true }));

    const diff = ok('DiffAgainstLatest', await run('DiffAgainstLatest', publisher, { draftId: draft.id })).diffDraft;
    expect(diff.changes.map((change: { kind: string; key: string }) => `${change.kind} ${change.key}`)).toEqual(
      expect.arrayContaining(['BUSINESS_RULE finance.credit-card', 'TEST_CASE example.credit-card-limit-calls']),
    );
    const tried = ok('TryDraft', await run('TryDraft', editor, { draftId: draft.id })).evaluateDraft;
    expect(tried).toMatchObject({ draft: true, decision: 'REJECT' });
    // A fresh log holds no whole block of decisions, which the policy team's analyses need: an auditor runs it here.
    ok('ImpactAnalysis', await run('ImpactAnalysis', auditor, { draftId: draft.id }));

    const published = ok(
      'Publish',
      await run('Publish', publisher, { draftId: draft.id, revision: withCase.revision, changelog: '金融/信用卡: 新增关键词' }),
    ).publishDraft;
    expect(published).toMatchObject({ status: 'PUBLISHED', number: 2, parentNumber: 1 });

    const rebased = ok('Rebase', await run('Rebase', editor, { draftId: staleDraft.id, revision: staleDraft.revision })).rebaseDraft;
    expect(rebased).toMatchObject({ rebasedOnto: 2, conflicts: [], draft: { parentNumber: 2 } });

    const reverted = ok('Revert', await run('Revert', editor, { changelog: '回到首版' })).revertToVersion;
    expect(reverted).toMatchObject({ status: 'DRAFT', revertsTo: 1 });

    const decided = ok('DecideOne', await run('DecideOne', evaluator)).evaluateNumberApplication;
    expect(decided.decisionId).toEqual(expect.any(String));
    expect(ok('DecideBatch', await run('DecideBatch', evaluator)).evaluateNumberApplications).toHaveLength(3);
    const enterprise = { enterpriseId: 'ent-graphiql-tabs' };
    const violation = { ...(JSON.parse(tabNamed('JudgeViolation').variables) as { violation: object }).violation, ...enterprise };
    ok('JudgeViolation', await run('JudgeViolation', evaluator, { violation, ...enterprise }));
    ok('RecordViolation', await run('JudgeViolation', evaluator, { violation, ...enterprise }, 'RecordViolation'));
    expect(ok('EnterpriseStanding', await run('JudgeViolation', evaluator, { violation, ...enterprise }, 'EnterpriseStanding')).enterprise.violationCount).toBe(
      1,
    );

    // The enterprise is not OFFLINE: reinstating it is refused, and nothing is written.
    const reinstate = await run('Reinstate', publisher, { ...enterprise, reason: '整改完成' });
    expect(reinstate.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(ok('ReinstatementTrail', await run('Reinstate', publisher, { ...enterprise, reason: '整改完成' }, 'ReinstatementTrail')).auditEvents).toEqual([]);

    expect(ok('Decisions', await run('Decisions', auditor)).decisions.totalCount).toBeGreaterThanOrEqual(1);
    expect(ok('Replay', await run('Replay', auditor, { id: decided.decisionId })).replayDecision.identical).toBe(true);
    const verified = ok('VerifyLog', await run('VerifyLog', auditor)).verifyDecisionLog;
    expect(verified.valid).toBe(true);
    expect(ok('VerifyLog', await run('VerifyLog', auditor, { checkpoint: verified.checkpoint })).verifyDecisionLog.valid).toBe(true);
  });
});
