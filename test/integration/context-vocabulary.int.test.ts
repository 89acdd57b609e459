import { rowCounts } from '../helpers/row-counts';
import { seedContent } from '../helpers/policy-versions';
import { startTestServer, TestServer } from '../helpers/test-server';

/** Issue 17: a draft's context cues, variants and distinct words are edited, checked, hashed, diffed and audited like rules. */
const CREATE_DRAFT = `mutation { createDraft(rulesetKey: "ccc-access") { id revision contentHash cues { key } variants { variant } distinctWords } }`;
const SET_CUES = `mutation($id: ID!, $rev: Int!, $cues: [ContextCueInput!]!) {
  setContextCues(draftId: $id, expectedRevision: $rev, cues: $cues) { revision contentHash cues { key kind side window words otherSide } }
}`;
const SET_VARIANTS = `mutation($id: ID!, $rev: Int!, $variants: [VariantInput!]!) {
  setVariants(draftId: $id, expectedRevision: $rev, variants: $variants) { revision variants { variant canonical kind } }
}`;
const SET_WORDS = `mutation($id: ID!, $rev: Int!, $words: [String!]!) { setDistinctWords(draftId: $id, expectedRevision: $rev, words: $words) { revision distinctWords } }`;

describe('context vocabulary on a draft', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await seedContent(server.dataSource);
  });
  afterAll(() => server.close());

  const createDraft = async () => (await server.gql(CREATE_DRAFT, {}, server.keys.editor)).data.createDraft;

  it('replaces the cues, changes the hash, and records the change in the trail', async () => {
    const draft = await createDraft();
    expect(draft.cues.length).toBeGreaterThan(0);
    const cues = [{ key: 'history', kind: 'HISTORY', side: 'BEFORE', window: 8, words: ['以前', '前身'] }];
    const set = await server.gql(SET_CUES, { id: draft.id, rev: draft.revision, cues }, server.keys.editor);
    expect(set.errors).toBeUndefined();
    expect(set.data.setContextCues).toMatchObject({ revision: draft.revision + 1, cues: [{ ...cues[0], otherSide: [] }] });
    expect(set.data.setContextCues.contentHash).not.toBe(draft.contentHash);
    const events = (
      await server.gql(`query($id: ID!) { auditEvents(draftId: $id, type: "CONTEXT_CUES_SET") { actor after } }`, { id: draft.id }, server.keys.auditor)
    ).data.auditEvents;
    expect(events).toEqual([{ actor: 'test-editor', after: cues }]);
  });

  it('sets variants and distinct words', async () => {
    const draft = await createDraft();
    const variants = [{ variant: 'dk', canonical: '贷款', kind: 'PINYIN' }];
    const set = await server.gql(SET_VARIANTS, { id: draft.id, rev: draft.revision, variants }, server.keys.editor);
    expect(set.data.setVariants).toEqual({ revision: draft.revision + 1, variants });
    const words = await server.gql(SET_WORDS, { id: draft.id, rev: draft.revision + 1, words: ['超宽带'] }, server.keys.editor);
    expect(words.data.setDistinctWords).toEqual({ revision: draft.revision + 2, distinctWords: ['超宽带'] });
  });

  it('refuses a cue list publishing would refuse, all its problems at once, and writes nothing', async () => {
    const draft = await createDraft();
    const before = await rowCounts(server.dataSource);
    const cues = [
      { key: 'twice', kind: 'NEGATION', side: 'AROUND', window: 3, words: ['不'], otherSide: ['做'] },
      { key: 'twice', kind: 'NEGATION', side: 'BEFORE', window: 3, words: [] },
    ];
    const refused = await server.gql(SET_CUES, { id: draft.id, rev: draft.revision, cues }, server.keys.editor);
    expect(refused.errors?.[0].extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [
        { path: 'cues[twice].otherSide', message: expect.any(String) },
        { path: 'cues[twice].key', message: 'duplicate cue key "twice"' },
        { path: 'cues[twice].words', message: 'a cue needs at least one word' },
      ],
    });
    expect(await rowCounts(server.dataSource)).toEqual(before);
  });

  it('refuses a variant that loops, and an editor-only edit from an evaluator, writing nothing', async () => {
    const draft = await createDraft();
    const before = await rowCounts(server.dataSource);
    const loop = [
      { variant: 'dk', canonical: 'wd', kind: 'PINYIN' },
      { variant: 'wd', canonical: '网贷', kind: 'PINYIN' },
    ];
    const refused = await server.gql(SET_VARIANTS, { id: draft.id, rev: draft.revision, variants: loop }, server.keys.editor);
    expect(refused.errors?.[0].extensions?.code).toBe('VALIDATION_FAILED');
    const forbidden = await server.gql(SET_WORDS, { id: draft.id, rev: draft.revision, words: ['超宽带'] }, server.keys.evaluator);
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await rowCounts(server.dataSource)).toEqual(before);
  });

  it('shows the change in a diff against the version in effect', async () => {
    const draft = await createDraft();
    await server.gql(SET_WORDS, { id: draft.id, rev: draft.revision, words: ['超宽带', '保险柜'] }, server.keys.editor);
    const diff = await server.gql(
      `query($id: ID!) { diffVersions(rulesetKey: "ccc-access", from: 1, draftId: $id) { changes { kind key change } } }`,
      { id: draft.id },
      server.keys.editor,
    );
    expect(diff.errors).toBeUndefined();
    expect(diff.data.diffVersions.changes.filter((change: { kind: string }) => change.kind === 'DISTINCT_WORDS')).toEqual([
      { kind: 'DISTINCT_WORDS', key: 'distinctWords', change: expect.stringMatching(/^distinct words .*-保险丝/) },
    ]);
  });

  it('answers an application whose keyword a cue governs with REVIEW and a signal naming the cue, logged and replayed identical', async () => {
    const answer = await server.gql(
      `query($input: NumberApplicationInput!) { evaluateNumberApplication(input: $input) { decisionId decision matches { ruleKey } signals { ruleKey cue evidence weight } riskScore } }`,
      { input: { description: '公司以前做房产中介，现在做水果批发，电话通知客户提货' } },
      server.keys.evaluator,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data.evaluateNumberApplication).toMatchObject({
      decision: 'REVIEW',
      matches: [],
      signals: [
        {
          ruleKey: 'real-estate.blind-calling',
          cue: 'history.before-keyword',
          evidence: ['keyword: 房产中介 (cue history.before-keyword, HISTORY: 以前)'],
          weight: 1,
        },
      ],
      riskScore: 1,
    });
    const replay = await server.gql(
      `query($id: ID!) { replayDecision(id: $id) { identical differences } }`,
      { id: answer.data.evaluateNumberApplication.decisionId },
      server.keys.auditor,
    );
    expect(replay.data.replayDecision).toEqual({ identical: true, differences: [] });
  });
});
