import { businessRule, createRuleset, openDraft, PUBLISH, upsertRule } from '../helpers/authoring';
import { startTestServer, TestServer } from '../helpers/test-server';
import { contentHash } from '../../src/rulesets/content-hash';

const RULES = [
  businessRule('order.c', ['丙', '甲乙', '甲']),
  businessRule('order.a', ['子', '丑'], { excludeKeywords: ['寅', '卯'] }),
  businessRule('order.b', ['辰'], { effect: 'REVIEW', condition: 'input.industry == "金融"' }),
];
const PENALTY = `mutation($id: ID!, $rev: Int!, $p: PenaltyMappingInput!) { upsertPenaltyMapping(draftId: $id, expectedRevision: $rev, penalty: $p) { revision } }`;
const PENALTIES = [
  { severity: 'SERIOUS', label: '严重违规', rank: 1, actions: [{ code: 'WARN', label: '警告' }], message: '警告' },
  { severity: 'CRITICAL', label: '特大违规', rank: 2, actions: [{ code: 'OFFLINE_ALL', label: '下线整改' }], message: '下线' },
];

describe('the content hash', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  async function fill(rulesetKey: string, rules: object[], penalties: object[]): Promise<{ id: string; revision: number }> {
    await createRuleset(server, rulesetKey);
    const draft = await openDraft(server, rulesetKey);
    let revision = draft.revision;
    for (const rule of rules) revision = await upsertRule(server, draft.id, revision, rule);
    for (const penalty of penalties) {
      revision = (await server.gql(PENALTY, { id: draft.id, rev: revision, p: penalty }, server.keys.editor)).data.upsertPenaltyMapping.revision;
    }
    return { id: draft.id, revision };
  }

  it('is the same when the same rules and penalties are entered in another order, before and after publishing', async () => {
    const forward = await fill('order-forward', RULES, PENALTIES);
    const reverse = await fill(
      'order-reverse',
      [...RULES].reverse().map((rule) => ({ ...rule, keywords: [...rule.keywords].reverse() })),
      [...PENALTIES].reverse(),
    );
    const read = `query($id: ID!) { rulesetVersion(id: $id) { contentHash content } }`;
    const a = (await server.gql(read, { id: forward.id })).data.rulesetVersion;
    const b = (await server.gql(read, { id: reverse.id })).data.rulesetVersion;
    expect(a.contentHash).toBe(b.contentHash);
    expect(a.content).toEqual(b.content);

    const publishedA = (await server.gql(PUBLISH, { id: forward.id, rev: forward.revision, changelog: 'a' }, server.keys.publisher)).data.publishDraft;
    const publishedB = (await server.gql(PUBLISH, { id: reverse.id, rev: reverse.revision, changelog: 'b' }, server.keys.publisher)).data.publishDraft;
    expect(publishedA.contentHash).toBe(a.contentHash);
    expect(publishedB.contentHash).toBe(a.contentHash);
    // The hash is sha256 of the canonical JSON of the stored document, reproducible outside the service.
    expect(contentHash(a.content)).toBe(a.contentHash);
  });

  it('changes when any rule changes', async () => {
    const draft = await openDraft(server, 'order-forward');
    const before = (await server.gql(`query($id: ID!) { rulesetVersion(id: $id) { contentHash } }`, { id: draft.id })).data.rulesetVersion.contentHash;
    await upsertRule(server, draft.id, draft.revision, { ...RULES[0], message: '另一条消息' });
    const after = (await server.gql(`query($id: ID!) { rulesetVersion(id: $id) { contentHash } }`, { id: draft.id })).data.rulesetVersion.contentHash;
    expect(after).not.toBe(before);
  });
});
