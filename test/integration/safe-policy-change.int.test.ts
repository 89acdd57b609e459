import { businessRule, openDraft, PUBLISH, upsertRule } from '../helpers/authoring';
import { rowCounts } from '../helpers/row-counts';
import { startTestServer, TestServer } from '../helpers/test-server';

const REBASE = `mutation($id: ID!, $rev: Int!, $resolutions: [MergeResolutionInput!]) {
  rebaseDraft(draftId: $id, expectedRevision: $rev, resolutions: $resolutions) {
    rebasedOnto conflicts { collection key field base ours theirs } draft { revision parentNumber contentHash }
  }
}`;
const EDIT_RULE = `mutation($id: ID!, $rev: Int!, $key: ID!, $patch: BusinessRulePatchInput!) {
  editBusinessRule(draftId: $id, expectedRevision: $rev, key: $key, patch: $patch) { revision businessRules { key keywords excludeKeywords message condition } }
}`;
const UPSERT_TEST = `mutation($id: ID!, $rev: Int!, $testCase: TestCaseInput!) {
  upsertTestCase(draftId: $id, expectedRevision: $rev, testCase: $testCase) { revision contentHash testCases }
}`;
const VALIDATE = `query($id: ID!) { validateDraft(draftId: $id) { path message level } }`;
const EVALUATE_DRAFT = `query($id: ID!, $input: NumberApplicationInput!) {
  evaluateDraft(draftId: $id, input: $input) { draft draftId revision contentHash decision message matches { ruleKey evidence } }
}`;
const REVERT = `mutation($key: ID!, $version: Int!, $changelog: String!) {
  revertToVersion(rulesetKey: $key, version: $version, changelog: $changelog) { id status number revision contentHash revertsTo changelog }
}`;

describe('safe policy change', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const publish = async (id: string, rev: number, changelog = 'change') => server.gql(PUBLISH, { id, rev, changelog }, server.keys.publisher);
  const currentRuleKeys = async (): Promise<string[]> =>
    (await server.gql('{ ruleset(key: "ccc-access") { currentVersion { businessRules { key } } } }')).data.ruleset.currentVersion.businessRules.map(
      (rule: { key: string }) => rule.key,
    );

  describe('stale drafts', () => {
    it('refuses a draft copied before another was published, naming both versions, writing nothing; after rebaseDraft both changes are published', async () => {
      const draftA = await openDraft(server);
      const draftB = await openDraft(server);
      const revA = await upsertRule(server, draftA.id, draftA.revision, businessRule('stale-a', ['陈旧甲词']));
      const revB = await upsertRule(server, draftB.id, draftB.revision, businessRule('stale-b', ['陈旧乙词']));
      const v = (await publish(draftA.id, revA)).data.publishDraft.number;

      const warnings = (await server.gql(VALIDATE, { id: draftB.id })).data.validateDraft;
      expect(warnings).toContainEqual({
        path: 'parentNumber',
        message: expect.stringMatching(new RegExp(`based on v${v - 1}, latest is v${v}`)),
        level: 'WARNING',
      });

      const before = await rowCounts(server.dataSource);
      const refused = await publish(draftB.id, revB);
      expect(refused.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', basedOn: v - 1, latest: v });
      expect(refused.errors?.[0].message).toMatch(new RegExp(`based on version ${v - 1}, but the latest published version of "ccc-access" is ${v}`));
      expect(await rowCounts(server.dataSource)).toEqual(before);

      const rebased = await server.gql(REBASE, { id: draftB.id, rev: revB }, server.keys.editor);
      expect(rebased.data.rebaseDraft).toMatchObject({ rebasedOnto: v, conflicts: [], draft: { revision: revB + 1, parentNumber: v } });
      expect((await publish(draftB.id, revB + 1)).errors).toBeUndefined();
      expect(await currentRuleKeys()).toEqual(expect.arrayContaining(['stale-a', 'stale-b']));
    });

    it('reports a true conflict with both values and leaves the draft unchanged; a resolution settles it', async () => {
      const base = await openDraft(server);
      const baseRev = await upsertRule(server, base.id, base.revision, businessRule('contested', ['争议词'], { message: '原始提示' }));
      expect((await publish(base.id, baseRev)).errors).toBeUndefined();

      const ours = await openDraft(server);
      const theirs = await openDraft(server);
      const oursRev = await upsertRule(server, ours.id, ours.revision, businessRule('contested', ['争议词', '我们的词'], { message: '我们的提示' }));
      const theirsRev = await upsertRule(server, theirs.id, theirs.revision, businessRule('contested', ['争议词'], { message: '他们的提示' }));
      expect((await publish(theirs.id, theirsRev)).errors).toBeUndefined();

      const before = await rowCounts(server.dataSource);
      const draftBefore = (await server.gql(`query($id: ID!) { rulesetVersion(id: $id) { revision contentHash } }`, { id: ours.id })).data.rulesetVersion;
      const conflicted = (await server.gql(REBASE, { id: ours.id, rev: oursRev }, server.keys.editor)).data.rebaseDraft;
      expect(conflicted.rebasedOnto).toBeNull();
      expect(conflicted.conflicts).toEqual([
        { collection: 'businessRules', key: 'contested', field: 'message', base: '原始提示', ours: '我们的提示', theirs: '他们的提示' },
      ]);
      expect(conflicted.draft).toMatchObject(draftBefore);
      expect(await rowCounts(server.dataSource)).toEqual(before);

      const resolved = (
        await server.gql(
          REBASE,
          { id: ours.id, rev: oursRev, resolutions: [{ collection: 'businessRules', key: 'contested', field: 'message', take: 'OURS' }] },
          server.keys.editor,
        )
      ).data.rebaseDraft;
      expect(resolved.conflicts).toEqual([]);
      const rule = (
        await server.gql(`query($id: ID!) { rulesetVersion(id: $id) { businessRules { key keywords message } } }`, { id: ours.id })
      ).data.rulesetVersion.businessRules.find((r: { key: string }) => r.key === 'contested');
      expect(rule).toEqual({ key: 'contested', keywords: ['争议词', '我们的词'].sort(), message: '我们的提示' });
    });
  });

  describe('partial edits', () => {
    it('adds and removes keywords and changes one field without resending the rule; keeps the rest', async () => {
      const draft = await openDraft(server);
      const rev = await upsertRule(
        server,
        draft.id,
        draft.revision,
        businessRule('partial', ['一', '二', '三'], { excludeKeywords: ['例外'], condition: 'input.callDirection == "OUTBOUND"' }),
      );
      const edited = await server.gql(
        EDIT_RULE,
        { id: draft.id, rev, key: 'partial', patch: { addKeywords: ['四'], removeKeywords: ['二'], message: '新提示' } },
        server.keys.editor,
      );
      expect(edited.errors).toBeUndefined();
      const rule = edited.data.editBusinessRule.businessRules.find((r: { key: string }) => r.key === 'partial');
      expect(rule).toEqual({
        key: 'partial',
        keywords: ['一', '三', '四'].sort(),
        excludeKeywords: ['例外'],
        message: '新提示',
        condition: 'input.callDirection == "OUTBOUND"',
      });
    });

    it('refuses a condition literal that can never match the normalised description, saying what to write, and writes nothing', async () => {
      const draft = await openDraft(server);
      const before = await rowCounts(server.dataSource);
      const refused = await server.gql(
        EDIT_RULE,
        { id: draft.id, rev: draft.revision, key: 'medical.drug-sales', patch: { condition: 'input.description.contains("回T退订")' } },
        server.keys.editor,
      );
      expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0].message).toMatch(/"回T退订" \(write "回t退订"\) can never match input.description/);
      expect(await rowCounts(server.dataSource)).toEqual(before);
    });

    it('refuses removing a keyword the rule does not have, or editing a rule that does not exist, writing nothing', async () => {
      const draft = await openDraft(server);
      const before = await rowCounts(server.dataSource);
      const missingWord = await server.gql(
        EDIT_RULE,
        { id: draft.id, rev: draft.revision, key: 'medical.drug-sales', patch: { removeKeywords: ['不存在的词'] } },
        server.keys.editor,
      );
      expect(missingWord.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const missingRule = await server.gql(EDIT_RULE, { id: draft.id, rev: draft.revision, key: 'no-such-rule', patch: { message: 'x' } }, server.keys.editor);
      expect(missingRule.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      expect(await rowCounts(server.dataSource)).toEqual(before);
    });
  });

  describe('test cases', () => {
    it('blocks publishing while a test case fails; fixing the rule lets the draft publish; cases are in the diff and the content hash', async () => {
      const draft = await openDraft(server);
      const hashBefore = (await server.gql(`query($id: ID!) { rulesetVersion(id: $id) { contentHash } }`, { id: draft.id })).data.rulesetVersion.contentHash;
      const testCase = { key: 'gated-word', input: { description: '我们做闸门词推广' }, expectedDecision: 'REJECT' };
      const withTest = await server.gql(UPSERT_TEST, { id: draft.id, rev: draft.revision, testCase }, server.keys.editor);
      expect(withTest.errors).toBeUndefined();
      expect(withTest.data.upsertTestCase.contentHash).not.toBe(hashBefore);

      const validation = (await server.gql(VALIDATE, { id: draft.id })).data.validateDraft;
      expect(validation).toContainEqual({ path: 'testCases[gated-word]', message: expect.stringMatching(/expected REJECT, got REVIEW/), level: 'ERROR' });
      const diff = await server.gql(`query($id: ID!) { diffDraft(draftId: $id) { changes { kind key action } } }`, { id: draft.id });
      expect(diff.data.diffDraft.changes).toContainEqual({ kind: 'TEST_CASE', key: 'gated-word', action: 'ADDED' });
      const parent = (await server.gql(`query($id: ID!) { rulesetVersion(id: $id) { parentNumber } }`, { id: draft.id })).data.rulesetVersion.parentNumber;
      const versionsDiff = await server.gql(
        `query($from: Int!, $id: ID!) { diffVersions(rulesetKey: "ccc-access", from: $from, draftId: $id) { changes { kind key action } } }`,
        {
          from: parent,
          id: draft.id,
        },
      );
      expect(versionsDiff.data.diffVersions.changes).toContainEqual({ kind: 'TEST_CASE', key: 'gated-word', action: 'ADDED' });

      const before = await rowCounts(server.dataSource);
      const blocked = await publish(draft.id, withTest.data.upsertTestCase.revision);
      expect(blocked.errors?.[0].extensions?.code).toBe('VALIDATION_FAILED');
      expect(blocked.errors?.[0].extensions?.issues).toContainEqual({
        path: 'testCases[gated-word]',
        message: expect.stringMatching(/expected REJECT, got REVIEW \(matched: none\)/),
      });
      expect(await rowCounts(server.dataSource)).toEqual(before);

      const fixedRev = await upsertRule(server, draft.id, withTest.data.upsertTestCase.revision, businessRule('gate', ['闸门词']));
      const report = (
        await server.gql(`query($id: ID!) { testDraft(draftId: $id) { passed failed results { key passed actual matchedRuleKeys } uncoveredRuleKeys } }`, {
          id: draft.id,
        })
      ).data.testDraft;
      expect(report).toMatchObject({
        failed: 0,
        results: expect.arrayContaining([{ key: 'gated-word', passed: true, actual: 'REJECT', matchedRuleKeys: ['gate'] }]),
      });
      expect(report.uncoveredRuleKeys).not.toContain('gate');
      expect((await publish(draft.id, fixedRev)).errors).toBeUndefined();
    });

    it('refuses a malformed test case with BAD_USER_INPUT and writes nothing', async () => {
      const draft = await openDraft(server);
      const before = await rowCounts(server.dataSource);
      const blank = await server.gql(
        UPSERT_TEST,
        { id: draft.id, rev: draft.revision, testCase: { key: 'blank', input: { description: '   ' }, expectedDecision: 'REVIEW' } },
        server.keys.editor,
      );
      expect(blank.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const badKey = await server.gql(
        UPSERT_TEST,
        { id: draft.id, rev: draft.revision, testCase: { key: 'bad key!', input: { description: '物流通知' }, expectedDecision: 'REVIEW' } },
        server.keys.editor,
      );
      expect(badKey.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(await rowCounts(server.dataSource)).toEqual(before);
    });
  });

  describe('the draft playground', () => {
    it('decides against a draft with evidence and leaves the decision log as it was', async () => {
      const draft = await openDraft(server);
      const rev = await upsertRule(server, draft.id, draft.revision, businessRule('playground', ['沙盒专用词']));
      const before = await rowCounts(server.dataSource);
      const answer = await server.gql(EVALUATE_DRAFT, { id: draft.id, input: { description: '我们销售沙盒专用词' } }, server.keys.editor);
      expect(answer.errors).toBeUndefined();
      expect(answer.data.evaluateDraft).toMatchObject({
        draft: true,
        draftId: draft.id,
        revision: rev,
        decision: 'REJECT',
        matches: [{ ruleKey: 'playground', evidence: [expect.stringMatching(/沙盒专用词/)] }],
      });
      expect(await rowCounts(server.dataSource)).toEqual(before);
    });

    it('is refused for a published version and for a bad input, as for evaluation', async () => {
      const version = (await server.gql('{ ruleset(key: "ccc-access") { currentVersion { id } } }')).data.ruleset.currentVersion.id;
      const published = await server.gql(EVALUATE_DRAFT, { id: version, input: { description: '物流通知' } }, server.keys.editor);
      expect(published.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const draft = await openDraft(server);
      const empty = await server.gql(EVALUATE_DRAFT, { id: draft.id, input: { description: '' } }, server.keys.publisher);
      expect(empty.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('rollback', () => {
    it("reverting to an earlier version makes a draft whose content hash is that version's; published by another publisher, its changelog says so", async () => {
      const first = await openDraft(server);
      const firstRev = await upsertRule(server, first.id, first.revision, businessRule('rollback-one', ['回滚一']));
      const v1 = (await publish(first.id, firstRev)).data.publishDraft;
      const second = await openDraft(server);
      const secondRev = await upsertRule(server, second.id, second.revision, businessRule('rollback-two', ['回滚二']));
      const v2 = (await publish(second.id, secondRev)).data.publishDraft;

      const reverted = await server.gql(REVERT, { key: 'ccc-access', version: v1.number, changelog: 'rollback-two misfired' }, server.keys.publisher);
      expect(reverted.errors).toBeUndefined();
      const draft = reverted.data.revertToVersion;
      expect(draft).toMatchObject({ status: 'DRAFT', revertsTo: v1.number, contentHash: v1.contentHash });

      const other = (await server.gql('mutation { createApiKey(name: "second-publisher", roles: ["publisher"]) { key } }')).data.createApiKey.key;
      const v3 = await server.gql(PUBLISH, { id: draft.id, rev: draft.revision, changelog: 'rollback-two misfired' }, other);
      expect(v3.errors).toBeUndefined();
      expect(v3.data.publishDraft).toMatchObject({ number: v2.number + 1, contentHash: v1.contentHash });
      const changelog = (await server.gql(`query($id: ID!) { rulesetVersion(id: $id) { changelog } }`, { id: draft.id })).data.rulesetVersion.changelog;
      expect(changelog).toBe(`reverts to version ${v1.number}: rollback-two misfired`);
      expect(await currentRuleKeys()).not.toContain('rollback-two');

      const pinned = await server.gql(
        `query($h: String!) { evaluateNumberApplication(contentHash: $h, input: { description: "物流通知" }) { versionNumber } }`,
        { h: v1.contentHash },
        server.keys.evaluator,
      );
      expect(pinned.data.evaluateNumberApplication.versionNumber).toBe(v2.number + 1);
    });

    it('refuses reverting to the content already latest, or to a version that does not exist, writing nothing', async () => {
      const latest = (await server.gql('{ ruleset(key: "ccc-access") { versions { number status } } }')).data.ruleset.versions.find(
        (v: { status: string }) => v.status === 'PUBLISHED',
      ).number;
      const before = await rowCounts(server.dataSource);
      const same = await server.gql(REVERT, { key: 'ccc-access', version: latest, changelog: 'no-op' }, server.keys.publisher);
      expect(same.errors?.[0].extensions?.code).toBe('CONFLICT');
      const missing = await server.gql(REVERT, { key: 'ccc-access', version: 999, changelog: 'nothing' }, server.keys.publisher);
      expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const empty = await server.gql(REVERT, { key: 'ccc-access', version: 1, changelog: '  ' }, server.keys.publisher);
      expect(empty.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(await rowCounts(server.dataSource)).toEqual(before);
    });
  });
});
