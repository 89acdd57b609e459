import { Role } from '../../src/common/roles';
import { AUTHORING_TEXT_LIMITS } from '../../src/common/limits';
import { buildPolicySchema } from '../../src/composition/schema';
import { businessRule, openDraft } from '../helpers/authoring';
import { rowCounts } from '../helpers/row-counts';
import { rootFields } from '../helpers/schema-operations';
import { startTestServer, TestServer } from '../helpers/test-server';

/**
 * One table of refusals (issue 18): for every mutation and every query that writes (the
 * evaluations log their decisions), a bad input, the exact code it is refused with, and a
 * check that no table changed. A new operation joins by adding a row; the first test fails
 * while an operation of the schema has none.
 */

/** Queries that write: each evaluation is logged. */
const WRITING_QUERIES = ['evaluateNumberApplication', 'evaluateNumberApplications', 'evaluateViolation'];

/** What a row may use: a live draft of ccc-access (its current revision) and an enterprise that is ACTIVE. */
interface Fixture {
  draftId: string;
  revision: number;
  activeEnterpriseId: string;
}

interface Refusal {
  operation: string;
  /** The bad input, in words. */
  bad: string;
  query: string;
  variables: (fixture: Fixture) => Record<string, unknown>;
  /** Who asks: a role allowed to call the operation, so the refusal is about the input. */
  as: Role;
  code: 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'VALIDATION_FAILED';
}

const DRAFT_ARGS = '$id: ID!, $rev: Int!';
const onDraft = (fixture: Fixture, extra: Record<string, unknown> = {}) => ({ id: fixture.draftId, rev: fixture.revision, ...extra });
const VIOLATION = { enterpriseId: 'ent-refused', behavior: 'NO_SUCH_BEHAVIOUR', verified: true };
const tooLong = (limit: number) => '长'.repeat(limit + 1);

export const REFUSALS: Refusal[] = [
  {
    operation: 'createRuleset',
    bad: 'a key that is not a slug',
    query: 'mutation($key: ID!) { createRuleset(key: $key, name: "refused") { key } }',
    variables: () => ({ key: 'Not A Key!' }),
    as: 'admin',
    code: 'BAD_USER_INPUT',
  },
  {
    operation: 'createDraft',
    bad: 'a version to copy that does not exist',
    query: 'mutation { createDraft(rulesetKey: "ccc-access", fromVersion: 999) { id } }',
    variables: () => ({}),
    as: 'editor',
    code: 'NOT_FOUND',
  },
  {
    operation: 'setDefaultDecision',
    bad: 'a message over the length limit',
    query: `mutation(${DRAFT_ARGS}, $message: String) { setDefaultDecision(draftId: $id, expectedRevision: $rev, decision: REJECT, message: $message) { id } }`,
    variables: (fixture) => onDraft(fixture, { message: tooLong(AUTHORING_TEXT_LIMITS.message) }),
    as: 'editor',
    code: 'BAD_USER_INPUT',
  },
  {
    operation: 'setReinstatementPolicy',
    bad: 'a stale revision',
    query: `mutation(${DRAFT_ARGS}) { setReinstatementPolicy(draftId: $id, expectedRevision: $rev, violationsCountAfterReinstatement: false) { id } }`,
    variables: (fixture) => onDraft(fixture, { rev: fixture.revision - 1 }),
    as: 'editor',
    code: 'CONFLICT',
  },
  {
    operation: 'setContextCues',
    bad: 'a cue without words',
    query: `mutation(${DRAFT_ARGS}, $cues: [ContextCueInput!]!) { setContextCues(draftId: $id, expectedRevision: $rev, cues: $cues) { id } }`,
    variables: (fixture) => onDraft(fixture, { cues: [{ key: 'empty', kind: 'NEGATION', side: 'BEFORE', window: 2, words: [] }] }),
    as: 'editor',
    code: 'VALIDATION_FAILED',
  },
  {
    operation: 'setVariants',
    bad: 'a variant that normalisation already makes its canonical term',
    query: `mutation(${DRAFT_ARGS}, $variants: [VariantInput!]!) { setVariants(draftId: $id, expectedRevision: $rev, variants: $variants) { id } }`,
    variables: (fixture) => onDraft(fixture, { variants: [{ variant: '貸款', canonical: '贷款', kind: 'TRADITIONAL' }] }),
    as: 'editor',
    code: 'VALIDATION_FAILED',
  },
  {
    operation: 'setDistinctWords',
    bad: 'a word over the length limit',
    query: `mutation(${DRAFT_ARGS}, $words: [String!]!) { setDistinctWords(draftId: $id, expectedRevision: $rev, words: $words) { id } }`,
    variables: (fixture) => onDraft(fixture, { words: [tooLong(200)] }),
    as: 'editor',
    code: 'BAD_USER_INPUT',
  },
  {
    operation: 'upsertBusinessRule',
    bad: 'a rule key that is not a slug',
    query: `mutation(${DRAFT_ARGS}, $rule: BusinessRuleInput!) { upsertBusinessRule(draftId: $id, expectedRevision: $rev, rule: $rule) { id } }`,
    variables: (fixture) => onDraft(fixture, { rule: businessRule('Not A Key!', ['拒绝']) }),
    as: 'editor',
    code: 'BAD_USER_INPUT',
  },
  {
    operation: 'upsertViolationRule',
    bad: 'a rule key that is not a slug',
    query: `mutation(${DRAFT_ARGS}, $rule: ViolationRuleInput!) { upsertViolationRule(draftId: $id, expectedRevision: $rev, rule: $rule) { id } }`,
    variables: (fixture) => onDraft(fixture, { rule: { key: 'Not A Key!', title: 'refused', behavior: 'BLIND_CALLING', severity: 'SERIOUS' } }),
    as: 'editor',
    code: 'BAD_USER_INPUT',
  },
  {
    operation: 'upsertPenaltyMapping',
    bad: 'a negative rank',
    query: `mutation(${DRAFT_ARGS}, $penalty: PenaltyMappingInput!) { upsertPenaltyMapping(draftId: $id, expectedRevision: $rev, penalty: $penalty) { id } }`,
    variables: (fixture) =>
      onDraft(fixture, { penalty: { severity: 'REFUSED', label: 'refused', message: 'refused', rank: -1, actions: [{ code: 'WARNING', label: '警告' }] } }),
    as: 'editor',
    code: 'BAD_USER_INPUT',
  },
  {
    operation: 'removeRule',
    bad: 'a rule key the draft does not have',
    query: `mutation(${DRAFT_ARGS}) { removeRule(draftId: $id, expectedRevision: $rev, key: "no.such.rule") { id } }`,
    variables: (fixture) => onDraft(fixture),
    as: 'editor',
    code: 'NOT_FOUND',
  },
  {
    operation: 'editBusinessRule',
    bad: 'a rule key the draft does not have',
    query: `mutation(${DRAFT_ARGS}) { editBusinessRule(draftId: $id, expectedRevision: $rev, key: "no.such.rule", patch: { message: "x" }) { id } }`,
    variables: (fixture) => onDraft(fixture),
    as: 'editor',
    code: 'NOT_FOUND',
  },
  {
    operation: 'rebaseDraft',
    bad: 'a stale revision',
    query: `mutation(${DRAFT_ARGS}) { rebaseDraft(draftId: $id, expectedRevision: $rev) { __typename } }`,
    variables: (fixture) => onDraft(fixture, { rev: fixture.revision + 5 }),
    as: 'editor',
    code: 'CONFLICT',
  },
  {
    operation: 'upsertTestCase',
    bad: 'a test case whose application has an empty description',
    query: `mutation(${DRAFT_ARGS}, $testCase: TestCaseInput!) { upsertTestCase(draftId: $id, expectedRevision: $rev, testCase: $testCase) { id } }`,
    variables: (fixture) => onDraft(fixture, { testCase: { key: 'refused.case', input: { description: '   ' }, expectedDecision: 'REJECT' } }),
    as: 'editor',
    code: 'BAD_USER_INPUT',
  },
  {
    operation: 'upsertViolationTestCase',
    bad: 'a test case key that is not a slug',
    query: `mutation(${DRAFT_ARGS}, $testCase: ViolationTestCaseInput!) { upsertViolationTestCase(draftId: $id, expectedRevision: $rev, testCase: $testCase) { id } }`,
    variables: (fixture) =>
      onDraft(fixture, {
        testCase: {
          key: 'Not A Key!',
          at: '2026-01-01T00:00:00Z',
          input: { enterpriseId: 'ent-case', behavior: 'BLIND_CALLING', verified: true },
          expectedSeverity: 'SERIOUS',
        },
      }),
    as: 'editor',
    code: 'BAD_USER_INPUT',
  },
  {
    operation: 'removeTestCase',
    bad: 'a test case key the draft does not have',
    query: `mutation(${DRAFT_ARGS}) { removeTestCase(draftId: $id, expectedRevision: $rev, key: "no.such.case") { id } }`,
    variables: (fixture) => onDraft(fixture),
    as: 'editor',
    code: 'NOT_FOUND',
  },
  {
    operation: 'revertToVersion',
    bad: 'a blank changelog',
    query: 'mutation { revertToVersion(rulesetKey: "ccc-access", version: 1, changelog: "   ") { id } }',
    variables: () => ({}),
    as: 'publisher',
    code: 'BAD_USER_INPUT',
  },
  {
    operation: 'publishDraft',
    bad: 'a blank changelog',
    query: `mutation(${DRAFT_ARGS}) { publishDraft(draftId: $id, expectedRevision: $rev, changelog: "   ") { id } }`,
    variables: (fixture) => onDraft(fixture),
    as: 'publisher',
    code: 'BAD_USER_INPUT',
  },
  {
    operation: 'discardDraft',
    bad: 'a stale revision',
    query: `mutation(${DRAFT_ARGS}) { discardDraft(draftId: $id, expectedRevision: $rev) }`,
    variables: (fixture) => onDraft(fixture, { rev: fixture.revision + 5 }),
    as: 'publisher',
    code: 'CONFLICT',
  },
  {
    operation: 'retireVersion',
    bad: 'a version number the ruleset does not have',
    query: 'mutation { retireVersion(rulesetKey: "ccc-access", number: 999) { id } }',
    variables: () => ({}),
    as: 'publisher',
    code: 'NOT_FOUND',
  },
  {
    operation: 'recordViolation',
    bad: 'a behaviour no rule knows',
    query: 'mutation($input: ViolationInput!) { recordViolation(input: $input) { decisionId } }',
    variables: () => ({ input: VIOLATION }),
    as: 'evaluator',
    code: 'BAD_USER_INPUT',
  },
  {
    operation: 'reinstateEnterprise',
    bad: 'an enterprise that is not OFFLINE',
    query: 'mutation($id: ID!) { reinstateEnterprise(enterpriseId: $id, reason: "rectified") { id } }',
    variables: (fixture) => ({ id: fixture.activeEnterpriseId }),
    as: 'publisher',
    code: 'CONFLICT',
  },
  {
    operation: 'createApiKey',
    bad: 'a role that does not exist',
    query: 'mutation { createApiKey(name: "refused", roles: ["superuser"]) { key } }',
    variables: () => ({}),
    as: 'admin',
    code: 'BAD_USER_INPUT',
  },
  {
    operation: 'revokeApiKey',
    bad: 'an id no key has',
    query: 'mutation { revokeApiKey(id: "not-a-key-id") }',
    variables: () => ({}),
    as: 'admin',
    code: 'NOT_FOUND',
  },
  {
    operation: 'openAppeal',
    bad: 'a decision that does not exist',
    query: 'mutation { openAppeal(decisionId: "00000000-0000-7000-8000-000000000000", reason: "wrong reject") { id } }',
    variables: () => ({}),
    as: 'evaluator',
    code: 'BAD_USER_INPUT',
  },
  {
    operation: 'recordReviewOutcome',
    bad: 'a decision that does not exist',
    query: 'mutation { recordReviewOutcome(decisionId: "00000000-0000-7000-8000-000000000000", outcome: APPROVED, reason: "checked") { id } }',
    variables: () => ({}),
    as: 'reviewer',
    code: 'BAD_USER_INPUT',
  },
  {
    operation: 'addTestCaseFromDecision',
    bad: 'a decision that does not exist',
    query: `mutation(${DRAFT_ARGS}) { addTestCaseFromDecision(draftId: $id, expectedRevision: $rev, decisionId: "00000000-0000-7000-8000-000000000000") { id } }`,
    variables: (fixture) => onDraft(fixture),
    as: 'editor',
    code: 'BAD_USER_INPUT',
  },
  {
    operation: 'evaluateNumberApplication',
    bad: 'a blank description',
    query: 'query { evaluateNumberApplication(input: { description: "   " }) { decisionId } }',
    variables: () => ({}),
    as: 'evaluator',
    code: 'BAD_USER_INPUT',
  },
  {
    operation: 'evaluateNumberApplications',
    bad: 'one blank description among good ones (nothing of the batch is logged)',
    query: 'query($inputs: [NumberApplicationInput!]!) { evaluateNumberApplications(inputs: $inputs) { decisionId } }',
    variables: () => ({ inputs: [{ description: '家政保洁' }, { description: '   ' }, { description: '物流通知' }] }),
    as: 'evaluator',
    code: 'BAD_USER_INPUT',
  },
  {
    operation: 'evaluateViolation',
    bad: 'a behaviour no rule knows',
    query: 'query($input: ViolationInput!) { evaluateViolation(input: $input) { decisionId } }',
    variables: () => ({ input: VIOLATION }),
    as: 'evaluator',
    code: 'BAD_USER_INPUT',
  },
];

describe('refusals write nothing', () => {
  let server: TestServer;
  let draftId: string;
  let activeEnterpriseId: string;
  beforeAll(async () => {
    server = await startTestServer();
    draftId = (await openDraft(server)).id;
    // An enterprise with standing, ACTIVE: one minor violation on record.
    activeEnterpriseId = 'ent-refusals-active';
    const recorded = await server.gql(
      'mutation($input: ViolationInput!) { recordViolation(input: $input) { severity } }',
      { input: { enterpriseId: activeEnterpriseId, behavior: 'BLIND_CALLING', verified: true } },
      server.keys.evaluator,
    );
    if (recorded.errors) throw new Error(JSON.stringify(recorded.errors));
  });
  afterAll(() => server.close());

  /** The fixture as it is now: the draft's revision is read afresh, so no row depends on another's outcome. */
  async function fixture(): Promise<Fixture> {
    const { data } = await server.gql('query($id: ID!) { rulesetVersion(id: $id) { status revision } }', { id: draftId }, server.keys.editor);
    expect(data.rulesetVersion.status).toBe('DRAFT');
    return { draftId, revision: data.rulesetVersion.revision, activeEnterpriseId };
  }

  it('has a row for every mutation of the schema and every query that writes', async () => {
    const fields = rootFields(await buildPolicySchema());
    const writing = fields.filter((field) => field.root === 'Mutation' || WRITING_QUERIES.includes(field.name)).map((field) => field.name);
    for (const name of WRITING_QUERIES) expect(fields.some((field) => field.root === 'Query' && field.name === name)).toBe(true);
    const covered = new Set(REFUSALS.map((refusal) => refusal.operation));
    // A missing operation: add a row to REFUSALS above (a bad input, its exact code, who asks).
    expect(writing.filter((name) => !covered.has(name))).toEqual([]);
    expect([...covered].filter((name) => !writing.includes(name))).toEqual([]);
  });

  it.each(REFUSALS.map((refusal) => [refusal.operation, refusal.bad, refusal] as const))('%s: %s', async (_operation, _bad, refusal) => {
    const variables = refusal.variables(await fixture());
    const before = await rowCounts(server.dataSource);
    const response = await server.gql(refusal.query, variables, server.keys[refusal.as]);
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual([refusal.code]);
    expect(response.data?.[refusal.operation] ?? null).toBeNull();
    expect(await rowCounts(server.dataSource)).toEqual(before);
  });
});
