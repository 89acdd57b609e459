import { createTestDatabase, postGraphQL } from '../helpers/test-server';
import { eventually } from '../helpers/eventually';
import { createKey, ServerProcess, startServerProcess } from './server-process';

const RULE = `mutation($id: ID!, $rev: Int!, $kw: String!) {
  upsertBusinessRule(draftId: $id, expectedRevision: $rev, rule: {
    key: "race.rule", industry: "测试", scenario: "竞争", effect: REVIEW, keywords: [$kw], message: "race"
  }) { revision }
}`;

describe('two server processes on one database', () => {
  let databaseUrl: string;
  let a: ServerProcess;
  let b: ServerProcess;
  let keys: Record<'editor' | 'publisher' | 'evaluator' | 'auditor', string>;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    [a, b] = await Promise.all([startServerProcess(databaseUrl), startServerProcess(databaseUrl)]);
    keys = {
      editor: (await createKey(a, 'race-editor', ['editor'])).key,
      publisher: (await createKey(a, 'race-publisher', ['publisher'])).key,
      evaluator: (await createKey(a, 'race-evaluator', ['evaluator'])).key,
      auditor: (await createKey(a, 'race-auditor', ['auditor'])).key,
    };
  }, 90_000);
  afterAll(() => {
    a?.kill();
    b?.kill();
  });

  it('racing on publish: exactly one wins, the others get CONFLICT, version numbers stay gapless', async () => {
    let lastWinner: ServerProcess | null = null;
    for (let round = 0; round < 3; round++) {
      const draft = await a.gql('mutation { createDraft(rulesetKey: "ccc-access") { id revision } }', {}, keys.editor);
      const { id } = draft.data.createDraft;
      const edited = await b.gql(RULE, { id, rev: draft.data.createDraft.revision, kw: `竞争关键词${round}` }, keys.editor);
      expect(edited.errors).toBeUndefined();
      const revision = edited.data.upsertBusinessRule.revision;
      const publish = 'mutation($id: ID!, $rev: Int!) { publishDraft(draftId: $id, expectedRevision: $rev, changelog: "race") { number } }';
      const sentTo = Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b));
      const attempts = await Promise.all(sentTo.map((server) => postGraphQL(server.url, publish, { id, rev: revision }, keys.publisher)));
      const winners = attempts.filter((r) => !r.errors);
      expect(winners).toHaveLength(1);
      for (const loser of attempts.filter((r) => r.errors)) expect(loser.errors![0].extensions?.code).toBe('CONFLICT');
      lastWinner = sentTo[attempts.findIndex((r) => !r.errors)];
    }
    const versions = await a.gql('{ ruleset(key: "ccc-access") { versions { number status } } }', {}, keys.auditor);
    const numbers = versions.data.ruleset.versions
      .map((v: { number: number | null }) => v.number)
      .filter((n: number | null) => n !== null)
      .sort((x: number, y: number) => x - y);
    expect(numbers).toEqual([1, 2, 3, 4]);
    const evaluate = (server: ServerProcess) =>
      server.gql('{ evaluateNumberApplication(input: { description: "竞争关键词2" }) { versionNumber decision } }', {}, keys.evaluator);
    // The process that published serves the new version at once (its cache is dropped in the publishing call) ...
    expect((await evaluate(lastWinner!)).data.evaluateNumberApplication).toEqual({ versionNumber: 4, decision: 'REVIEW' });
    // ... the other one once the NOTIFY has reached it.
    const other = lastWinner === a ? b : a;
    const seen = await eventually(
      () => evaluate(other),
      (response) => response.data?.evaluateNumberApplication?.versionNumber === 4,
    );
    expect(seen.data.evaluateNumberApplication).toEqual({ versionNumber: 4, decision: 'REVIEW' });
  });

  it('racing recordViolation for one enterprise: standing counts are exact and each report saw a distinct history', async () => {
    const record = 'mutation($v: ViolationInput!) { recordViolation(input: $v) { severity priorViolations } }';
    const n = 24;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        postGraphQL((i % 2 ? a : b).url, record, { v: { enterpriseId: 'ent-race', behavior: 'HARASSMENT_COMPLAINT', verified: true } }, keys.evaluator),
      ),
    );
    for (const result of results) expect(result.errors).toBeUndefined();
    const prior = results.map((r) => r.data.recordViolation.priorViolations).sort((x, y) => x - y);
    expect(prior).toEqual(Array.from({ length: n }, (_, i) => i));
    const serious = results.filter((r) => r.data.recordViolation.severity === 'SERIOUS').length;
    const standing = await b.gql('{ enterprise(id: "ent-race") { violationCount seriousViolationCount } }', {}, keys.auditor);
    expect(standing.data.enterprise).toEqual({ violationCount: n, seriousViolationCount: serious });
    const verified = await a.gql('{ verifyDecisionLog { valid } }', {}, keys.auditor);
    expect(verified.data.verifyDecisionLog.valid).toBe(true);
  });

  it('key revocation: racing revocations agree (one true), and both processes refuse the key (the revoking one at once)', async () => {
    const created = await createKey(a, 'race-revoked', ['evaluator']);
    for (const server of [a, b]) {
      expect((await postGraphQL(server.url, '{ rulesets { key } }', {}, created.key)).errors).toBeUndefined();
    }
    const revoke = 'mutation($id: ID!) { revokeApiKey(id: $id) }';
    const revokedBy = [a, b, a];
    const revocations = await Promise.all(revokedBy.map((server) => server.gql(revoke, { id: created.id })));
    expect(revocations.map((r) => r.data.revokeApiKey).sort()).toEqual([false, false, true]);
    const refuses = async (server: ServerProcess) => (await postGraphQL(server.url, '{ rulesets { key } }', {}, created.key)).errors?.[0]?.extensions?.code;
    // The process that revoked it refuses it at once; the other once the NOTIFY has reached it.
    const revoker = revokedBy[revocations.findIndex((r) => r.data.revokeApiKey === true)];
    expect(await refuses(revoker)).toBe('UNAUTHENTICATED');
    expect(
      await eventually(
        () => refuses(revoker === a ? b : a),
        (code) => code === 'UNAUTHENTICATED',
      ),
    ).toBe('UNAUTHENTICATED');
  });
});
