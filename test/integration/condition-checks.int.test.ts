import { businessRule, openDraft, PUBLISH, UPSERT_BUSINESS_RULE } from '../helpers/authoring';
import { insertDraftBySql, seedContent } from '../helpers/policy-versions';
import { rowCounts } from '../helpers/row-counts';
import { startTestServer, TestServer } from '../helpers/test-server';

const UPSERT_VIOLATION = `mutation($id: ID!, $rev: Int!, $rule: ViolationRuleInput!) { upsertViolationRule(draftId: $id, expectedRevision: $rev, rule: $rule) { revision } }`;

describe('conditions are parsed and type-checked when a rule is saved', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('reports a syntax error with the rule and the position, and saves nothing', async () => {
    const draft = await openDraft(server);
    const response = await server.gql(
      UPSERT_BUSINESS_RULE,
      { id: draft.id, rev: draft.revision, rule: businessRule('cond.syntax', ['词'], { condition: 'input.industry == "金融" &&' }) },
      server.keys.editor,
    );
    const error = response.errors?.[0];
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.message).toMatch(/^businessRules\[cond\.syntax\]\.condition: invalid condition at position \d+: /);
    expect(error?.extensions).toMatchObject({ path: 'businessRules[cond.syntax].condition', position: expect.any(Number) });
    const after = await server.gql(`query($id: ID!) { rulesetVersion(id: $id) { revision } }`, { id: draft.id });
    expect(after.data.rulesetVersion.revision).toBe(0);
  });

  it('reports an unknown field of a declared variable with its position', async () => {
    const draft = await openDraft(server);
    const response = await server.gql(
      UPSERT_BUSINESS_RULE,
      { id: draft.id, rev: draft.revision, rule: businessRule('cond.field', ['词'], { condition: 'enterprise.stauts == "OFFLINE"' }) },
      server.keys.editor,
    );
    expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'businessRules[cond.field].condition' });
    expect(response.errors?.[0].extensions?.position).toEqual(expect.any(Number));
    expect(response.errors?.[0].message).toMatch(/stauts/);
  });

  it('refuses a non-boolean condition and checks violation conditions against violation variables', async () => {
    const draft = await openDraft(server);
    const notBool = await server.gql(
      UPSERT_BUSINESS_RULE,
      { id: draft.id, rev: draft.revision, rule: businessRule('cond.type', ['词'], { condition: 'input.description' }) },
      server.keys.editor,
    );
    expect(notBool.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(notBool.errors?.[0].message).toMatch(/bool/);

    const wrongScope = await server.gql(
      UPSERT_VIOLATION,
      {
        id: draft.id,
        rev: draft.revision,
        rule: { key: 'v.scope', behavior: 'FRAUD_COMPLAINT', title: 't', severity: 'CRITICAL', condition: 'input.description == ""' },
      },
      server.keys.editor,
    );
    expect(wrongScope.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'violationRules[v.scope].condition' });

    const fine = await server.gql(
      UPSERT_VIOLATION,
      {
        id: draft.id,
        rev: draft.revision,
        rule: { key: 'v.ok', behavior: 'FRAUD_COMPLAINT', title: 't', severity: 'CRITICAL', condition: 'priorViolations >= 2 && actual.prohibited' },
      },
      server.keys.editor,
    );
    expect(fine.errors).toBeUndefined();
  });

  it('refuses malformed input fields with BAD_USER_INPUT before touching the draft', async () => {
    const draft = await openDraft(server);
    const response = await server.gql(
      UPSERT_VIOLATION,
      { id: draft.id, rev: draft.revision, rule: { key: 'bad key!', behavior: 'fraud', title: '', severity: 'CRITICAL' } },
      server.keys.editor,
    );
    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a condition over its cost limit with VALIDATION_FAILED and writes nothing', async () => {
    const draft = await openDraft(server);
    // Issue 13: seven nested comprehensions, 10^7 evaluations of the innermost body.
    let attack = 'true';
    for (let level = 6; level >= 0; level--) attack = `"0123456789".split("").all(v${level}, ${attack})`;
    const regexFromInput = 'input.rawDescription.matches(input.facts.pattern)';
    for (const [key, condition, reason] of [
      ['cost.nested', attack, /nested at most 2 deep/],
      ['cost.regex', regexFromInput, /string literal pattern/],
    ] as const) {
      const before = await rowCounts(server.dataSource);
      const response = await server.gql(
        UPSERT_BUSINESS_RULE,
        { id: draft.id, rev: draft.revision, rule: businessRule(key, ['词'], { condition }) },
        server.keys.editor,
      );
      const error = response.errors?.[0];
      expect(error?.extensions).toMatchObject({
        code: 'VALIDATION_FAILED',
        issues: [{ path: `businessRules[${key}].condition`, message: expect.stringMatching(reason) }],
      });
      expect(error?.message).toMatch(new RegExp(`^businessRules\\[${key.replace('.', '\\.')}\\]\\.condition: condition over its cost limit`));
      expect(await rowCounts(server.dataSource)).toEqual(before);
    }
    const after = await server.gql(
      `query($id: ID!) { rulesetVersion(id: $id) { revision } validateDraft(draftId: $id) { path } }`,
      { id: draft.id },
      server.keys.editor,
    );
    expect(after.data).toEqual({ rulesetVersion: { revision: 0 }, validateDraft: [] });
  });

  it('never runs an over-budget condition already in a draft: impact analysis and publishing refuse it', async () => {
    // A draft saved before the limits existed, written past the mutation's check.
    let attack = 'true';
    for (let level = 6; level >= 0; level--) attack = `"0123456789".split("").all(v${level}, ${attack})`;
    const seed = await seedContent(server.dataSource);
    const rule = {
      key: 'cost.stored',
      industry: '金融',
      scenario: '测试',
      effect: 'REJECT' as const,
      keywords: [],
      excludeKeywords: [],
      condition: attack,
      message: 'm',
      source: null,
    };
    const draftId = await insertDraftBySql(server.dataSource, { ...seed, businessRules: [...seed.businessRules, rule] });
    await server.gql(
      `query($input: NumberApplicationInput!) { evaluateNumberApplication(input: $input) { decisionId } }`,
      { input: { description: '物业报修回访' } },
      server.keys.evaluator,
    );

    const before = await rowCounts(server.dataSource);
    const impact = await server.gql(
      `query($d: ID) { impactAnalysis(rulesetKey: "ccc-access", candidateDraftId: $d) { evaluated } }`,
      { d: draftId },
      server.keys.auditor,
    );
    expect(impact.errors?.[0].extensions?.code).toBe('VALIDATION_FAILED');
    expect(impact.errors?.[0].message).toMatch(/cost\.stored: .*nested at most 2 deep/);
    const publish = await server.gql(PUBLISH, { id: draftId, rev: 1, changelog: 'attack' }, server.keys.publisher);
    expect(publish.errors?.[0].extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ path: 'businessRules[cost.stored].condition', message: expect.stringMatching(/cost limit/) }],
    });
    expect(await rowCounts(server.dataSource)).toEqual(before);
  });
});
