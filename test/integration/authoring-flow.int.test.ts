import { businessRule, openDraft, upsertRule } from '../helpers/authoring';
import { startTestServer, TestServer } from '../helpers/test-server';

const VERSION_FIELDS = 'id number status revision contentHash parentNumber editors defaultDecision defaultMessage';
const SET_DEFAULT = `mutation($id: ID!, $rev: Int!, $decision: Decision!, $message: String) {
  setDefaultDecision(draftId: $id, expectedRevision: $rev, decision: $decision, message: $message) { revision defaultDecision defaultMessage }
}`;
const REMOVE_RULE = `mutation($id: ID!, $rev: Int!, $key: ID!, $kind: RuleKind) {
  removeRule(draftId: $id, expectedRevision: $rev, key: $key, kind: $kind) { revision businessRules { key } penalties { severity } }
}`;
const READ_DRAFT = `query($id: ID!) { rulesetVersion(id: $id) { revision contentHash defaultDecision defaultMessage businessRules { key } penalties { severity } } }`;

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
      {
        key: 'finance.credit-card',
        industry: '金融',
        scenario: '信用卡',
        effect: 'REJECT',
        keywords: ['信用卡', '办卡'],
        message: '目前不支持为该业务申请号码，请谅解',
      },
      {
        key: 'gaming.promotion',
        industry: '游戏',
        scenario: '游戏推广',
        effect: 'REJECT',
        keywords: ['游戏推广'],
        excludeKeywords: ['游戏客服'],
        message: '目前不支持为该业务申请号码，请谅解',
      },
      {
        key: 'logistics.notice',
        industry: '物流',
        scenario: '取件通知',
        effect: 'ALLOW',
        keywords: ['快递', '取件'],
        condition: 'input.callDirection != "OUTBOUND" || input.industry == "物流"',
        message: '允许',
      },
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
      {
        id: draft.id,
        rev: revision,
        p: {
          severity: 'CRITICAL',
          label: '特大违规',
          rank: 2,
          actions: [{ code: 'OFFLINE_ALL', label: '全部业务下线整改' }],
          message: '将您的全部业务下线整改',
        },
      },
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
    expect(published.data.publishDraft).toMatchObject({
      id: draft.id,
      number: 1,
      status: 'PUBLISHED',
      changelog: '短信接入规范首版',
      publishedBy: 'test-publisher',
      editors: ['test-editor'],
    });

    const current = await server.gql(`{ ruleset(key: "sms-access") { currentVersion { number contentHash businessRules { key } } } }`, {}, keys.evaluator);
    expect(current.data.ruleset.currentVersion).toMatchObject({ number: 1, contentHash: published.data.publishDraft.contentHash });
    expect(current.data.ruleset.currentVersion.businessRules.map((r: { key: string }) => r.key)).toEqual([
      'finance.credit-card',
      'gaming.promotion',
      'logistics.notice',
    ]);

    // The next draft copies version 1; its diff speaks the policy owner's language.
    const second = (await server.gql(`mutation { createDraft(rulesetKey: "sms-access") { id parentNumber revision } }`, {}, keys.editor)).data.createDraft;
    expect(second).toMatchObject({ parentNumber: 1, revision: 0 });
    await server.gql(
      upsertBusiness,
      {
        id: second.id,
        rev: 0,
        rule: {
          key: 'finance.credit-card',
          industry: '金融',
          scenario: '信用卡',
          effect: 'REJECT',
          keywords: ['信用卡', '刷卡', '额度'],
          message: '目前不支持为该业务申请号码，请谅解',
        },
      },
      keys.editor,
    );
    const secondDiff = await server.gql(
      `query($id: ID!) { diffVersions(rulesetKey: "sms-access", from: 1, draftId: $id) { changes { change } } }`,
      { id: second.id },
      keys.editor,
    );
    expect(secondDiff.data.diffVersions.changes).toEqual([{ change: '金融/信用卡: keywords +刷卡 +额度 -办卡' }]);
  });

  it('refuses to change the default decision without a message for it, and keeps the message when the decision stays', async () => {
    const draft = await openDraft(server);
    const before = (await server.gql(READ_DRAFT, { id: draft.id })).data.rulesetVersion;
    expect(before.defaultDecision).toBe('REVIEW');

    const refused = await server.gql(SET_DEFAULT, { id: draft.id, rev: draft.revision, decision: 'ALLOW' }, server.keys.editor);
    expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0].message).toMatch(/supply `message` for the new default decision/);
    expect((await server.gql(READ_DRAFT, { id: draft.id })).data.rulesetVersion).toEqual(before);

    const same = await server.gql(SET_DEFAULT, { id: draft.id, rev: draft.revision, decision: 'REVIEW' }, server.keys.editor);
    expect(same.errors).toBeUndefined();
    expect(same.data.setDefaultDecision).toMatchObject({ defaultDecision: 'REVIEW', defaultMessage: before.defaultMessage });

    const changed = await server.gql(
      SET_DEFAULT,
      { id: draft.id, rev: same.data.setDefaultDecision.revision, decision: 'ALLOW', message: '未匹配任何禁止规则，允许接入' },
      server.keys.editor,
    );
    expect(changed.errors).toBeUndefined();
    expect(changed.data.setDefaultDecision).toMatchObject({ defaultDecision: 'ALLOW', defaultMessage: '未匹配任何禁止规则，允许接入' });
  });

  it('refuses removeRule for a key naming both a business rule and a penalty mapping unless kind says which', async () => {
    const draft = await openDraft(server);
    const revision = await upsertRule(server, draft.id, draft.revision, businessRule('SERIOUS', ['严重']));
    const before = (await server.gql(READ_DRAFT, { id: draft.id })).data.rulesetVersion;
    expect(before.penalties.map((p: { severity: string }) => p.severity)).toContain('SERIOUS');

    const ambiguous = await server.gql(REMOVE_RULE, { id: draft.id, rev: revision, key: 'SERIOUS' }, server.keys.editor);
    expect(ambiguous.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', kinds: ['BUSINESS_RULE', 'PENALTY'] });
    expect(ambiguous.errors?.[0].message).toMatch(/names a business rule and a penalty mapping/);
    expect((await server.gql(READ_DRAFT, { id: draft.id })).data.rulesetVersion).toEqual(before);

    const penalty = await server.gql(REMOVE_RULE, { id: draft.id, rev: revision, key: 'SERIOUS', kind: 'PENALTY' }, server.keys.editor);
    expect(penalty.errors).toBeUndefined();
    expect(penalty.data.removeRule.penalties.map((p: { severity: string }) => p.severity)).not.toContain('SERIOUS');
    expect(penalty.data.removeRule.businessRules.map((r: { key: string }) => r.key)).toContain('SERIOUS');

    // Now the key names one thing only: no kind needed; a kind it does not name is NOT_FOUND.
    const wrongKind = await server.gql(REMOVE_RULE, { id: draft.id, rev: revision + 1, key: 'SERIOUS', kind: 'VIOLATION_RULE' }, server.keys.editor);
    expect(wrongKind.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const rule = await server.gql(REMOVE_RULE, { id: draft.id, rev: revision + 1, key: 'SERIOUS' }, server.keys.editor);
    expect(rule.errors).toBeUndefined();
    expect(rule.data.removeRule.businessRules.map((r: { key: string }) => r.key)).not.toContain('SERIOUS');
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
