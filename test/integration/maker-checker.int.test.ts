import { businessRule, createRuleset, openDraft, PUBLISH, upsertRule } from '../helpers/authoring';
import { postGraphQL, startTestServer, TestServer } from '../helpers/test-server';

describe('maker-checker: whoever edited a draft may not publish it', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  async function keyWithRoles(name: string, roles: string[]): Promise<string> {
    const response = await server.gql('mutation($n: String!, $r: [String!]!) { createApiKey(name: $n, roles: $r) { key } }', { n: name, r: roles });
    return response.data.createApiKey.key;
  }

  it('refuses an editor-publisher publishing their own draft with FORBIDDEN; a different publisher succeeds', async () => {
    const alice = await keyWithRoles('alice', ['editor', 'publisher']);
    const draft = await openDraft(server, 'ccc-access', alice);
    const revision = await upsertRule(server, draft.id, draft.revision, businessRule('mc.alice', ['爱丽丝业务']), alice);

    const own = await postGraphQL(server.url, PUBLISH, { id: draft.id, rev: revision, changelog: 'mine' }, alice);
    expect(own.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(own.errors?.[0].message).toMatch(/maker-checker: "alice" edited this draft and may not publish it/);

    const byAdmin = await server.gql(PUBLISH, { id: draft.id, rev: revision, changelog: 'reviewed' }, server.keys.admin);
    expect(byAdmin.errors).toBeUndefined();
    expect(byAdmin.data.publishDraft).toMatchObject({ status: 'PUBLISHED', publishedBy: 'test-admin', editors: ['alice'] });
  });

  it('treats keys sharing a name as one maker: a rotated key may not publish what its old key edited', async () => {
    const oldKey = await keyWithRoles('bob', ['editor', 'publisher']);
    const draft = await openDraft(server, 'ccc-access', oldKey);
    const revision = await upsertRule(server, draft.id, draft.revision, businessRule('mc.bob', ['鲍勃业务']), oldKey);
    const rotated = await keyWithRoles('bob', ['editor', 'publisher']);
    const response = await postGraphQL(server.url, PUBLISH, { id: draft.id, rev: revision, changelog: 'rotated' }, rotated);
    expect(response.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('counts whoever created the draft as one of its makers', async () => {
    const draft = await openDraft(server, 'ccc-access', server.keys.admin);
    const revision = await upsertRule(server, draft.id, draft.revision, businessRule('mc.by-editor', ['编辑业务']));
    const response = await server.gql(PUBLISH, { id: draft.id, rev: revision, changelog: 'x' }, server.keys.admin);
    expect(response.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const other = await server.gql(PUBLISH, { id: draft.id, rev: revision, changelog: 'x' }, server.keys.publisher);
    expect(other.errors).toBeUndefined();
  });

  it('lets one person edit and publish a ruleset created with makerChecker: false', async () => {
    await createRuleset(server, 'personal', false);
    const draft = await openDraft(server, 'personal', server.keys.admin);
    const revision = await upsertRule(server, draft.id, draft.revision, businessRule('solo.rule', ['独自']), server.keys.admin);
    const response = await server.gql(PUBLISH, { id: draft.id, rev: revision, changelog: 'solo' }, server.keys.admin);
    expect(response.errors).toBeUndefined();
    expect(response.data.publishDraft).toMatchObject({ number: 1, publishedBy: 'test-admin', editors: ['test-admin'] });
  });

  it('needs the publisher role to publish at all', async () => {
    const draft = await openDraft(server);
    const revision = await upsertRule(server, draft.id, draft.revision, businessRule('mc.role', ['角色']));
    const response = await server.gql(PUBLISH, { id: draft.id, rev: revision, changelog: 'x' }, server.keys.editor);
    expect(response.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
