import { businessRule, createRuleset, openDraft, PUBLISH, upsertRule } from '../helpers/authoring';
import { startTestServer, TestServer } from '../helpers/test-server';

const EVENTS = `query($key: ID, $draft: ID, $first: Int) {
  auditEvents(rulesetKey: $key, draftId: $draft, first: $first) { id type rulesetKey versionId revision actor at before after }
}`;

describe('the edit trail', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('records one typed event per authoring mutation, with actor, draft, revision and before/after, queryable per ruleset and per draft', async () => {
    await createRuleset(server, 'audited');
    const draft = await openDraft(server, 'audited');
    let revision = await upsertRule(server, draft.id, draft.revision, businessRule('audit.rule', ['审计']));
    revision = await upsertRule(server, draft.id, revision, businessRule('audit.rule', ['审计', '稽核']));
    const penalty = await server.gql(
      `mutation($id: ID!, $rev: Int!) { upsertPenaltyMapping(draftId: $id, expectedRevision: $rev, penalty: { severity: "SERIOUS", label: "严重违规", rank: 1, actions: [], message: "警告" }) { revision } }`,
      { id: draft.id, rev: revision },
      server.keys.editor,
    );
    revision = penalty.data.upsertPenaltyMapping.revision;
    revision = (
      await server.gql(
        `mutation($id: ID!, $rev: Int!) { setDefaultDecision(draftId: $id, expectedRevision: $rev, decision: REJECT, message: "未匹配任何允许规则，不予接入") { revision } }`,
        { id: draft.id, rev: revision },
        server.keys.editor,
      )
    ).data.setDefaultDecision.revision;
    revision = (
      await server.gql(
        `mutation($id: ID!, $rev: Int!) { removeRule(draftId: $id, expectedRevision: $rev, key: "SERIOUS") { revision } }`,
        { id: draft.id, rev: revision },
        server.keys.editor,
      )
    ).data.removeRule.revision;
    const published = await server.gql(PUBLISH, { id: draft.id, rev: revision, changelog: 'audited v1' }, server.keys.publisher);
    expect(published.errors).toBeUndefined();
    // The only version: retiring it takes an admin's force (see retirement-guard.int.test.ts).
    const retired = await server.gql(`mutation { retireVersion(rulesetKey: "audited", number: 1, force: true) { number } }`, {}, server.keys.admin);
    expect(retired.errors).toBeUndefined();
    const scratch = await openDraft(server, 'audited');
    await server.gql(`mutation($id: ID!) { discardDraft(draftId: $id) }`, { id: scratch.id }, server.keys.publisher);

    const all = (await server.gql(EVENTS, { key: 'audited' }, server.keys.auditor)).data.auditEvents;
    expect(all.map((event: { type: string }) => event.type).reverse()).toEqual([
      'RULESET_CREATED',
      'DRAFT_CREATED',
      'BUSINESS_RULE_UPSERTED',
      'BUSINESS_RULE_UPSERTED',
      'PENALTY_MAPPING_UPSERTED',
      'DEFAULT_DECISION_SET',
      'RULE_REMOVED',
      'DRAFT_PUBLISHED',
      'VERSION_RETIRED',
      'DRAFT_CREATED',
      'DRAFT_DISCARDED',
    ]);

    const perDraft = (await server.gql(EVENTS, { draft: draft.id }, server.keys.auditor)).data.auditEvents.reverse();
    expect(perDraft).toHaveLength(8);
    expect(perDraft.map((event: { revision: number }) => event.revision)).toEqual([0, 1, 2, 3, 4, 5, 5, 5]);
    const secondEdit = perDraft[2];
    expect(secondEdit).toMatchObject({ type: 'BUSINESS_RULE_UPSERTED', actor: 'test-editor', rulesetKey: 'audited', versionId: draft.id, revision: 2 });
    expect(secondEdit.before.keywords).toEqual(['审计']);
    expect(secondEdit.after.keywords).toEqual(['审计', '稽核']);
    expect(perDraft[1].before).toBeNull();
    expect(perDraft[4]).toMatchObject({ type: 'DEFAULT_DECISION_SET', before: { defaultDecision: 'REVIEW' }, after: { defaultDecision: 'REJECT' } });
    expect(perDraft[5]).toMatchObject({ type: 'RULE_REMOVED', before: { kind: 'penalty', value: { severity: 'SERIOUS' } }, after: null });
    expect(perDraft[6]).toMatchObject({
      type: 'DRAFT_PUBLISHED',
      actor: 'test-publisher',
      after: { number: 1, changelog: 'audited v1', contentHash: published.data.publishDraft.contentHash },
    });

    const limited = (await server.gql(EVENTS, { key: 'audited', first: 2 }, server.keys.publisher)).data.auditEvents;
    expect(limited.map((event: { type: string }) => event.type)).toEqual(['DRAFT_DISCARDED', 'DRAFT_CREATED']);
  });

  it('writes no event for a refused change', async () => {
    const draft = await openDraft(server);
    const count = async () => (await server.gql(EVENTS, { draft: draft.id }, server.keys.auditor)).data.auditEvents.length;
    const before = await count();
    const stale = await server.gql(
      `mutation($id: ID!) { upsertBusinessRule(draftId: $id, expectedRevision: 7, rule: { key: "x", industry: "a", scenario: "b", effect: REJECT, keywords: ["c"], message: "d" }) { revision } }`,
      { id: draft.id },
      server.keys.editor,
    );
    expect(stale.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(await count()).toBe(before);
  });

  it('records the seed import (a ruleset published as version 1 without a draft) like createRuleset and publishDraft', async () => {
    const events = (await server.gql(EVENTS, { key: 'ccc-access', first: 500 }, server.keys.auditor)).data.auditEvents;
    const imported = events.filter((event: { actor: string }) => event.actor === 'system');
    expect(imported.map((event: { type: string }) => event.type).sort()).toEqual(['DRAFT_PUBLISHED', 'RULESET_CREATED']);
    const published = imported.find((event: { type: string }) => event.type === 'DRAFT_PUBLISHED');
    const version = (await server.gql('{ ruleset(key: "ccc-access") { version(number: 1) { id contentHash } } }')).data.ruleset.version;
    expect(published).toMatchObject({ versionId: version.id, revision: 0, after: { number: 1, contentHash: version.contentHash } });
  });

  it('is not readable by evaluators', async () => {
    const response = await server.gql(EVENTS, { key: 'ccc-access' }, server.keys.evaluator);
    expect(response.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
