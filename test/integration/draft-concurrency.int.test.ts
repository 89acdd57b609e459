import { businessRule, openDraft, UPSERT_BUSINESS_RULE, upsertRule } from '../helpers/authoring';
import { startTestServer, TestServer } from '../helpers/test-server';

describe('editing a draft with optimistic concurrency', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('lets exactly one of several simultaneous edits at the same revision win; the others get CONFLICT', async () => {
    const draft = await openDraft(server);
    const attempts = await Promise.all(
      ['甲', '乙', '丙', '丁', '戊'].map((word, i) =>
        server.gql(UPSERT_BUSINESS_RULE, { id: draft.id, rev: 0, rule: businessRule(`race.${i}`, [`${word}业务`]) }, server.keys.editor),
      ),
    );
    const winners = attempts.filter((response) => !response.errors);
    const losers = attempts.filter((response) => response.errors);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(4);
    for (const loser of losers) {
      expect(loser.errors![0].extensions).toMatchObject({ code: 'CONFLICT', currentRevision: 1 });
      expect(loser.errors![0].message).toMatch(/stale revision.*revision 1, not 0/);
    }
    const after = await server.gql(`query($id: ID!) { rulesetVersion(id: $id) { revision businessRules { key } } }`, { id: draft.id });
    expect(after.data.rulesetVersion.revision).toBe(1);
    expect(after.data.rulesetVersion.businessRules.filter((rule: { key: string }) => rule.key.startsWith('race.'))).toHaveLength(1);
  });

  it('changes nothing on a stale revision', async () => {
    const draft = await openDraft(server);
    const revision = await upsertRule(server, draft.id, 0, businessRule('stale.first', ['第一']));
    const before = (await server.gql(`query($id: ID!) { rulesetVersion(id: $id) { revision contentHash } }`, { id: draft.id })).data.rulesetVersion;
    const stale = await server.gql(UPSERT_BUSINESS_RULE, { id: draft.id, rev: revision - 1, rule: businessRule('stale.second', ['第二']) }, server.keys.editor);
    expect(stale.errors?.[0].extensions?.code).toBe('CONFLICT');
    const after = (await server.gql(`query($id: ID!) { rulesetVersion(id: $id) { revision contentHash } }`, { id: draft.id })).data.rulesetVersion;
    expect(after).toEqual(before);
  });

  it('counts every edit in the revision and records every editor', async () => {
    const draft = await openDraft(server);
    let revision = await upsertRule(server, draft.id, 0, businessRule('count.a', ['一']));
    revision = await upsertRule(server, draft.id, revision, businessRule('count.b', ['二']), server.keys.admin);
    const removed = await server.gql(
      `mutation($id: ID!, $rev: Int!) { removeRule(draftId: $id, expectedRevision: $rev, key: "count.a") { revision editors businessRules { key } } }`,
      { id: draft.id, rev: revision },
      server.keys.editor,
    );
    expect(removed.data.removeRule.revision).toBe(3);
    expect(removed.data.removeRule.editors).toEqual(['test-editor', 'test-admin']);
    expect(removed.data.removeRule.businessRules.map((rule: { key: string }) => rule.key)).not.toContain('count.a');
    const missing = await server.gql(
      `mutation($id: ID!) { removeRule(draftId: $id, expectedRevision: 3, key: "no.such-rule") { revision } }`,
      { id: draft.id },
      server.keys.editor,
    );
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses to edit a published version with CONFLICT and says to create a draft', async () => {
    const v1 = (await server.gql('{ ruleset(key: "ccc-access") { version(number: 1) { id revision } } }')).data.ruleset.version;
    const response = await server.gql(UPSERT_BUSINESS_RULE, { id: v1.id, rev: v1.revision, rule: businessRule('late.edit', ['改']) }, server.keys.editor);
    expect(response.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(response.errors?.[0].message).toMatch(/create a draft/);
  });

  it('answers NOT_FOUND for an unknown draft', async () => {
    const response = await server.gql(
      UPSERT_BUSINESS_RULE,
      { id: '00000000-0000-7000-8000-000000000000', rev: 0, rule: businessRule('x', ['x']) },
      server.keys.editor,
    );
    expect(response.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});
