import { businessRule, openDraft, upsertRule } from '../helpers/authoring';
import { startTestServer, TestServer } from '../helpers/test-server';
import { APPLY } from '../helpers/workload';

const BLOCK = 10;
const IMPACT = `query($draft: ID!, $from: DateTime, $to: DateTime) {
  impactAnalysis(rulesetKey: "ccc-access", candidateDraftId: $draft, from: $from, to: $to, sampleSize: 50) {
    evaluated changed transitions { from to count } rules { ruleKey matchedBefore matchedAfter } samples { decisionId }
  }
}`;

/**
 * Issue 13, item 2: an editor turned impact analysis into a yes/no oracle on one applicant's
 * text (a tiny window, a keyword-less REJECT rule testing input.rawDescription, samples
 * naming the decision). Roles that may not read the log get counts over whole blocks only.
 */
describe('impact analysis is no oracle for roles that may not read the log', () => {
  let server: TestServer;
  let draftId: string;
  let logged: { id: string; createdAt: Date }[];
  beforeAll(async () => {
    server = await startTestServer({ env: { IMPACT_MIN_DECISIONS: String(BLOCK) } });
    for (let i = 0; i < 25; i++) {
      const description = i % 5 === 0 ? `ＳＥＣＲＥＴ 申请 ${i}` : `secret 申请 ${i}`;
      expect((await server.gql(APPLY, { input: { description } }, server.keys.evaluator)).errors).toBeUndefined();
    }
    logged = (await server.dataSource.query('SELECT id, created_at FROM decision_log ORDER BY seq')).map((row: { id: string; created_at: Date }) => ({
      id: row.id,
      createdAt: row.created_at,
    }));
    const draft = await openDraft(server);
    // The oracle of the issue: keyword-less REJECT rules that test what the applicant typed.
    const revision = await upsertRule(
      server,
      draft.id,
      draft.revision,
      businessRule('probe.raw', [], { condition: 'input.rawDescription != input.description' }),
    );
    await upsertRule(server, draft.id, revision, businessRule('probe.bit', [], { condition: 'input.rawDescription.substring(0, 1) >= "s"' }));
    draftId = draft.id;
  });
  afterAll(() => server.close());

  const impact = (key: string, from: Date | null, to: Date | null) =>
    server.gql(IMPACT, { draft: draftId, from: from?.toISOString() ?? null, to: to?.toISOString() ?? null }, key);
  const justAfter = (at: Date) => new Date(at.getTime() + 1);

  it('refuses an editor a window holding less than one whole block, and answers the auditor in full', async () => {
    const target = logged[12];
    for (const key of [server.keys.editor, server.keys.publisher]) {
      const response = await impact(key, target.createdAt, justAfter(target.createdAt));
      expect(response.data).toBeNull();
      expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', minimumDecisions: BLOCK });
      expect(JSON.stringify(response)).not.toContain(target.id);
    }
    const audited = await impact(server.keys.auditor, target.createdAt, justAfter(target.createdAt));
    expect(audited.errors).toBeUndefined();
    expect(audited.data.impactAnalysis.samples.map((sample: { decisionId: string }) => sample.decisionId)).toContain(target.id);
  });

  it('gives an editor the same answer for every window end inside a block: one decision more or less changes nothing', async () => {
    const byBlocks = new Map<number, string>();
    for (const record of logged) {
      const response = await impact(server.keys.editor, null, justAfter(record.createdAt));
      const through = logged.filter((other) => other.createdAt.getTime() <= record.createdAt.getTime()).length;
      const blocks = Math.floor(through / BLOCK);
      if (blocks === 0) {
        expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
        continue;
      }
      expect(response.errors).toBeUndefined();
      const report = response.data.impactAnalysis;
      expect(report.evaluated).toBe(blocks * BLOCK);
      expect(report.samples).toEqual([]);
      const text = JSON.stringify(report);
      for (const other of logged) expect(text).not.toContain(other.id);
      if (byBlocks.has(blocks)) expect(text).toBe(byBlocks.get(blocks));
      else byBlocks.set(blocks, text);
    }
    expect([...byBlocks.keys()]).toEqual([1, 2]);
  });

  it("withholds the raw text from an editor's candidate: rawDescription is the normalised description", async () => {
    const editor = (await impact(server.keys.editor, null, null)).data.impactAnalysis;
    const auditor = (await impact(server.keys.auditor, null, null)).data.impactAnalysis;
    const probe = (report: { rules: { ruleKey: string; matchedAfter: number }[] }) =>
      report.rules.find((rule) => rule.ruleKey === 'probe.raw')?.matchedAfter ?? 0;
    // Every description as typed differs from its normalised form ("secret 申请 1" -> "secret申请1"):
    // the auditor's candidate sees it in all 25, the editor's in none of its two whole blocks.
    expect(auditor.evaluated).toBe(25);
    expect(probe(auditor)).toBe(25);
    expect(editor.evaluated).toBe(2 * BLOCK);
    expect(probe(editor)).toBe(0);
    expect(editor.rules.map((rule: { ruleKey: string }) => rule.ruleKey)).toContain('probe.bit');
  });
});
