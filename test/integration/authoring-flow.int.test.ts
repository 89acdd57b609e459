import { startTestServer, TestServer } from '../helpers/test-server';

const VERSION_FIELDS = 'id number status revision contentHash parentNumber editors defaultDecision defaultMessage';

describe('a policy owner authoring a second ruleset through GraphQL alone', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('creates a ruleset, fills a draft, validates it, diffs it and publishes it as version 1', async () => {
    const { keys } = server;
    const created = await server.gql(
      `mutation { createRuleset(key: "sms-access", name: "短信接入规范", description: "SMS numbers", defaultDecision: REVIEW) { key name makerChecker currentVersion { number } versions { id } } }`,
      {},
      keys.admin,
    );
    expect(created.errors).toBeUndefined();
    expect(created.data.createRuleset).toEqual({ key: 'sms-access', name: '短信接入规范', makerChecker: true, currentVersion: null, versions: [] });

    const draft = (await server.gql(`mutation { createDraft(rulesetKey: "sms-access") { ${VERSION_FIELDS} businessRules { key } } }`, {}, keys.editor)).data
      .createDraft;
    expect(draft).toMatchObject({ number: null, status: 'DRAFT', revision: 0, parentNumber: null, defaultDecision: 'REVIEW', businessRules: [] });

    const upsertBusiness = `mutation($id: ID!, $rev: Int!, $rule: BusinessRuleInput!) { upsertBusinessRule(draftId: $id, expectedRevision: $rev, rule: $rule) { revision } }`;
    let revision = 0;
    for (const rule of [
      { key: 'finance.credit-card', industry: '金融', scenario: '信用卡', effect: 'REJECT', keywords: ['信用卡', '办卡'], message: '目前不支持为该业务申请号码，请谅解' },
      { key: 'gaming.promotion', industry: '游戏', scenario: '游戏推广', effect: 'REJECT', keywords: ['游戏推广'], excludeKeywords: ['游戏客服'], message: '目前不支持为该业务申请号码，请谅解' },
      { key: 'logistics.notice', industry: '物流', scenario: '取件通知', effect: 'ALLOW', keywords: ['快递', '取件'], condition: 'input.callDirection != "OUTBOUND" || input.industry == "物流"', message: '允许' },
    ]) {
      const response = await server.gql(upsertBusiness, { id: draft.id, rev: revision, rule }, keys.editor);
      expect(response.errors).toBeUndefined();
      revision = response.data.upsertBusinessRule.revision;
    }
    expect(revision).toBe(3);

    // A violation rule whose severity has no mapping yet: saving works, validation says what is missing.
    const violation = await server.gql(
      `mutation($id: ID!, $rev: Int!) { upsertViolationRule(draftId: $id, expectedRevision: $rev, rule: { key: "fraud", behavior: "FRAUD_COMPLAINT", title: "核实的诈骗类投诉", severity: "CRITICAL" }) { revision } }`,
      { id: draft.id, rev: revision },
      keys.editor,
    );
    expect(violation.errors).toBeUndefined();
    revision = violation.data.upsertViolationRule.revision;
    const invalid = await server.gql(`query($id: ID!) { validateDraft(draftId: $id) { path message } }`, { id: draft.id }, keys.auditor);
    expect(invalid.data.validateDraft).toEqual([{ path: 'violationRules[fraud].severity', message: 'severity "CRITICAL" has no penalty mapping' }]);

    const refused = await server.gql(
      `mutation($id: ID!, $rev: Int!) { publishDraft(draftId: $id, expectedRevision: $rev, changelog: "first") { number } }`,
      { id: draft.id, rev: revision },
      keys.publisher,
    );
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', issues: invalid.data.validateDraft });

    const penalty = await server.gql(
      `mutation($id: ID!, $rev: Int!, $p: PenaltyMappingInput!) { upsertPenaltyMapping(draftId: $id, expectedRevision: $rev, penalty: $p) { revision } }`,
      { id: draft.id, rev: revision, p: { severity: 'CRITICAL', label: '特大违规', rank: 2, actions: [{ code: 'OFFLINE_ALL', label: '全部业务下线整改' }], message: '将您的全部业务下线整改' } },
      keys.editor,
    );
    revision = penalty.data.upsertPenaltyMapping.revision;
    const defaults = await server.gql(
      `mutation($id: ID!, $rev: Int!) { setDefaultDecision(draftId: $id, expectedRevision: $rev, decision: REVIEW, message: "其他业务以人工审核为准") { revision defaultMessage } }`,
      { id: draft.id, rev: revision },
      keys.editor,
    );
    expect(defaults.data.setDefaultDecision.defaultMessage).toBe('其他业务以人工审核为准');
    revision = defaults.data.setDefaultDecision.revision;
    expect((await server.gql(`query($id: ID!) { validateDraft(draftId: $id) { path } }`, { id: draft.id }, keys.editor)).data.validateDraft).toEqual([]);

    const diff = await server.gql(
      `query($id: ID!) { diffVersions(rulesetKey: "sms-access", from: 0, draftId: $id) { from to changes { key kind action change before after } } }`,
      { id: draft.id },
      keys.editor,
    );
    expect(diff.errors).toBeUndefined();
    expect(diff.data.diffVersions.to).toBeNull();
    const changes = diff.data.diffVersions.changes.map((c: { kind: string; key: string; action: string }) => `${c.action} ${c.kind} ${c.key}`);
    expect(changes).toEqual([
      'CHANGED DEFAULT defaultMessage',
      'ADDED BUSINESS_RULE finance.credit-card',
      'ADDED BUSINESS_RULE gaming.promotion',
      'ADDED BUSINESS_RULE logistics.notice',
      'ADDED VIOLATION_RULE fraud',
      'ADDED PENALTY CRITICAL',
    ]);

    const published = await server.gql(
      `mutation($id: ID!, $rev: Int!) { publishDraft(draftId: $id, expectedRevision: $rev, changelog: "短信接入规范首版") { ${VERSION_FIELDS} changelog publishedBy effectiveFrom } }`,
      { id: draft.id, rev: revision },
      keys.publisher,
    );
    expect(published.errors).toBeUndefined();
    expect(published.data.publishDraft).toMatchObject({ id: draft.id, number: 1, status: 'PUBLISHED', changelog: '短信接入规范首版', publishedBy: 'test-publisher', editors: ['test-editor'] });

    const current = await server.gql(`{ ruleset(key: "sms-access") { currentVersion { number contentHash businessRules { key } } } }`, {}, keys.evaluator);
    expect(current.data.ruleset.currentVersion).toMatchObject({ number: 1, contentHash: published.data.publishDraft.contentHash });
    expect(current.data.ruleset.currentVersion.businessRules.map((r: { key: string }) => r.key)).toEqual(['finance.credit-card', 'gaming.promotion', 'logistics.notice']);

    // The next draft copies version 1; its diff speaks the policy owner's language.
    const second = (await server.gql(`mutation { createDraft(rulesetKey: "sms-access") { id parentNumber revision } }`, {}, keys.editor)).data.createDraft;
    expect(second).toMatchObject({ parentNumber: 1, revision: 0 });
    await server.gql(upsertBusiness, { id: second.id, rev: 0, rule: { key: 'finance.credit-card', industry: '金融', scenario: '信用卡', effect: 'REJECT', keywords: ['信用卡', '刷卡', '额度'], message: '目前不支持为该业务申请号码，请谅解' } }, keys.editor);
    const secondDiff = await server.gql(`query($id: ID!) { diffVersions(rulesetKey: "sms-access", from: 1, draftId: $id) { changes { change } } }`, { id: second.id }, keys.editor);
    expect(secondDiff.data.diffVersions.changes).toEqual([{ change: '金融/信用卡: keywords +刷卡 +额度 -办卡' }]);
  });

  it('refuses a malformed ruleset key and a duplicate ruleset', async () => {
    const bad = await server.gql(`mutation { createRuleset(key: "Bad Key!", name: "x") { key } }`);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const duplicate = await server.gql(`mutation { createRuleset(key: "ccc-access", name: "again") { key } }`);
    expect(duplicate.errors?.[0].extensions?.code).toBe('CONFLICT');
  });

  it('lets only admins create rulesets and only editors edit', async () => {
    const byEditor = await server.gql(`mutation { createRuleset(key: "by-editor", name: "x") { key } }`, {}, server.keys.editor);
    expect(byEditor.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const byEvaluator = await server.gql(`mutation { createDraft(rulesetKey: "ccc-access") { id } }`, {}, server.keys.evaluator);
    expect(byEvaluator.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const byPublisher = await server.gql(`mutation { createDraft(rulesetKey: "ccc-access") { id } }`, {}, server.keys.publisher);
    expect(byPublisher.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
