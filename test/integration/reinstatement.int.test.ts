import { randomBytes } from 'node:crypto';
import { systemContext } from '../../src/common/request-context';
import { RulesetContent } from '../../src/engine';
import { seedContent } from '../helpers/policy-versions';
import { rowCounts } from '../helpers/row-counts';
import { startTestServer, TestServer } from '../helpers/test-server';

const REINSTATE = `mutation($id: ID!, $reason: String!) {
  reinstateEnterprise(enterpriseId: $id, reason: $reason) { id status violationCount seriousViolationCount reinstatedAt }
}`;
const RECORD = `mutation($key: ID!, $input: ViolationInput!) { recordViolation(rulesetKey: $key, input: $input) { decisionId severity escalated } }`;
const JUDGE = `query($key: ID!, $input: ViolationInput!) { evaluateViolation(rulesetKey: $key, input: $input) { decisionId severity escalated priorViolations } }`;
const APPLY = `query($input: NumberApplicationInput!) { evaluateNumberApplication(input: $input) { decision matches { ruleKey } } }`;
const ENTERPRISE = `query($id: ID!) { enterprise(id: $id) { status violationCount reinstatedAt violations { id } } }`;
const TRAIL = `query($id: ID!) { auditEvents(enterpriseId: $id) { type actor rulesetKey enterpriseId versionId before after } }`;
const REPLAY = `query($id: ID!) { replayDecision(id: $id) { identical differences } }`;

const enterpriseId = () => `ent-${randomBytes(5).toString('hex')}`;
const HOUR = 3_600_000;

describe('reinstating an enterprise that was put OFFLINE', () => {
  let server: TestServer;
  let seed: RulesetContent;
  beforeAll(async () => {
    server = await startTestServer();
    seed = await seedContent(server.dataSource);
  });
  afterAll(() => server.close());

  const record = (id: string, behavior: string, key = 'ccc-access', occurredAt?: Date) =>
    server.gql(RECORD, { key, input: { enterpriseId: id, behavior, verified: true, occurredAt: occurredAt?.toISOString() } }, server.keys.evaluator);
  const apply = (id: string | null) => server.gql(APPLY, { input: { enterpriseId: id, description: '我们是一家做家政保洁预约的公司' } }, server.keys.evaluator);
  const reinstate = (id: string, reason: string, role: keyof TestServer['keys'] = 'publisher') => server.gql(REINSTATE, { id, reason }, server.keys[role]);

  /** An enterprise taken OFFLINE by a CRITICAL violation recorded an hour ago. */
  async function offlineEnterprise(key = 'ccc-access'): Promise<string> {
    const id = enterpriseId();
    const recorded = await record(id, 'FRAUD_COMPLAINT', key, new Date(Date.now() - HOUR));
    expect(recorded.data.recordViolation.severity).toBe('CRITICAL');
    return id;
  }

  it('returns it to ACTIVE, keeps its history, decides its next applications normally, and records who and why', async () => {
    const id = await offlineEnterprise();
    const offline = await apply(id);
    expect(offline.data.evaluateNumberApplication.matches.map((m: { ruleKey: string }) => m.ruleKey)).toContain('other.offline-rectification');

    const reinstated = await reinstate(id, '  整改完成，已复核通过  ');
    expect(reinstated.errors).toBeUndefined();
    expect(reinstated.data.reinstateEnterprise).toMatchObject({ id, status: 'ACTIVE', violationCount: 1, reinstatedAt: expect.any(String) });

    const after = await apply(id);
    const never = await apply(null);
    expect(after.data.evaluateNumberApplication).toEqual(never.data.evaluateNumberApplication);

    const standing = await server.gql(ENTERPRISE, { id }, server.keys.auditor);
    expect(standing.data.enterprise).toMatchObject({ status: 'ACTIVE', violationCount: 1, reinstatedAt: reinstated.data.reinstateEnterprise.reinstatedAt });
    expect(standing.data.enterprise.violations).toHaveLength(1);

    const trail = await server.gql(TRAIL, { id }, server.keys.auditor);
    expect(trail.data.auditEvents).toEqual([
      {
        type: 'ENTERPRISE_REINSTATED',
        actor: 'test-publisher',
        rulesetKey: null,
        enterpriseId: id,
        versionId: null,
        before: { status: 'OFFLINE', reinstatedAt: null },
        after: { status: 'ACTIVE', reinstatedAt: reinstated.data.reinstateEnterprise.reinstatedAt, reason: '整改完成，已复核通过' },
      },
    ]);
  });

  it('lets an enterprise that goes OFFLINE again be reinstated again', async () => {
    const id = await offlineEnterprise();
    const first = (await reinstate(id, '第一次整改完成')).data.reinstateEnterprise.reinstatedAt;
    await record(id, 'FRAUD_COMPLAINT');
    const again = await reinstate(id, '第二次整改完成');
    expect(again.errors).toBeUndefined();
    const trail = (await server.gql(TRAIL, { id }, server.keys.auditor)).data.auditEvents;
    expect(trail[0].before).toEqual({ status: 'OFFLINE', reinstatedAt: first });
  });

  it('reinstates once when two reinstatements arrive at the same moment; the other gets CONFLICT', async () => {
    const id = await offlineEnterprise();
    const results = await Promise.all([reinstate(id, '整改完成（甲）'), reinstate(id, '整改完成（乙）')]);
    const codes = results.map((response) => response.errors?.[0].extensions?.code ?? 'OK').sort();
    expect(codes).toEqual(['CONFLICT', 'OK']);
    expect((await server.gql(TRAIL, { id }, server.keys.auditor)).data.auditEvents).toHaveLength(1);
  });

  it('refuses an unknown enterprise and an empty or overlong reason as BAD_USER_INPUT, an ACTIVE one as CONFLICT, writing nothing', async () => {
    const offline = await offlineEnterprise();
    const active = enterpriseId();
    await record(active, 'HARASSMENT_COMPLAINT');
    const before = await rowCounts(server.dataSource);
    const cases: [string, string, string][] = [
      [enterpriseId(), '整改完成', 'BAD_USER_INPUT'],
      [offline, '   ', 'BAD_USER_INPUT'],
      [offline, '理'.repeat(2001), 'BAD_USER_INPUT'],
      [active, '整改完成', 'CONFLICT'],
    ];
    for (const [id, reason, code] of cases) {
      const response = await reinstate(id, reason);
      expect(response.errors?.[0].extensions?.code).toBe(code);
    }
    expect((await reinstate(offline, '整改完成', 'evaluator')).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await rowCounts(server.dataSource)).toEqual(before);
    expect((await server.gql(ENTERPRISE, { id: offline }, server.keys.auditor)).data.enterprise.status).toBe('OFFLINE');
  });

  describe('whether violations before the reinstatement still count toward escalation', () => {
    /** A copy of the seed where two SERIOUS violations within 30 days escalate to CRITICAL; `forgiving` sets the ruleset setting to false. */
    async function escalatingRuleset(forgiving: boolean): Promise<string> {
      const key = `reinstate-${randomBytes(4).toString('hex')}`;
      const content: RulesetContent = {
        ...seed,
        penalties: seed.penalties.map((penalty) =>
          penalty.severity === 'SERIOUS' ? { ...penalty, escalation: { count: 2, withinDays: 30, toSeverity: 'CRITICAL' } } : penalty,
        ),
        ...(forgiving ? { violationsCountAfterReinstatement: false } : {}),
      };
      await server.app.services.publishing.importRuleset(
        systemContext('test'),
        { key, name: key, description: null, makerChecker: false },
        content,
        'escalating',
      );
      return key;
    }

    /** An enterprise with a SERIOUS and a CRITICAL violation (OFFLINE), both two hours ago, then reinstated. */
    async function reinstatedWithHistory(key: string): Promise<string> {
      const id = enterpriseId();
      await record(id, 'HARASSMENT_COMPLAINT', key, new Date(Date.now() - 2 * HOUR));
      await record(id, 'FRAUD_COMPLAINT', key, new Date(Date.now() - 2 * HOUR));
      expect((await reinstate(id, '整改完成')).errors).toBeUndefined();
      return id;
    }

    it('still count by default (the seed has no such setting)', async () => {
      expect(seed).not.toHaveProperty('violationsCountAfterReinstatement');
      const key = await escalatingRuleset(false);
      const id = await reinstatedWithHistory(key);
      const judged = await server.gql(JUDGE, { key, input: { enterpriseId: id, behavior: 'HARASSMENT_COMPLAINT', verified: true } }, server.keys.evaluator);
      expect(judged.data.evaluateViolation).toMatchObject({ severity: 'CRITICAL', escalated: true, priorViolations: 2 });
    });

    it('do not count when the ruleset says so, and the logged decision replays identically', async () => {
      const key = await escalatingRuleset(true);
      const id = await reinstatedWithHistory(key);
      const recorded = await record(id, 'HARASSMENT_COMPLAINT', key);
      expect(recorded.data.recordViolation).toMatchObject({ severity: 'SERIOUS', escalated: false });
      // After the reinstatement, violations count again: this one and the next escalate.
      const next = await server.gql(JUDGE, { key, input: { enterpriseId: id, behavior: 'HARASSMENT_COMPLAINT', verified: true } }, server.keys.evaluator);
      expect(next.data.evaluateViolation).toMatchObject({ severity: 'CRITICAL', escalated: true });

      for (const decisionId of [recorded.data.recordViolation.decisionId, next.data.evaluateViolation.decisionId]) {
        const replay = await server.gql(REPLAY, { id: decisionId }, server.keys.auditor);
        expect(replay.data.replayDecision).toEqual({ identical: true, differences: [] });
      }
    });

    it('is a draft setting an editor changes, seen on the version and in the trail', async () => {
      const draft = (
        await server.gql(
          `mutation { createDraft(rulesetKey: "ccc-access") { id revision violationsCountAfterReinstatement contentHash } }`,
          {},
          server.keys.editor,
        )
      ).data.createDraft;
      expect(draft.violationsCountAfterReinstatement).toBe(true);
      const set = await server.gql(
        `mutation($id: ID!, $rev: Int!) { setReinstatementPolicy(draftId: $id, expectedRevision: $rev, violationsCountAfterReinstatement: false) { revision violationsCountAfterReinstatement contentHash content } }`,
        { id: draft.id, rev: draft.revision },
        server.keys.editor,
      );
      expect(set.errors).toBeUndefined();
      expect(set.data.setReinstatementPolicy).toMatchObject({
        revision: draft.revision + 1,
        violationsCountAfterReinstatement: false,
        content: expect.objectContaining({ violationsCountAfterReinstatement: false }),
      });
      expect(set.data.setReinstatementPolicy.contentHash).not.toBe(draft.contentHash);
      const events = (
        await server.gql(
          `query($id: ID!) { auditEvents(draftId: $id, type: "REINSTATEMENT_POLICY_SET") { actor before after } }`,
          { id: draft.id },
          server.keys.auditor,
        )
      ).data.auditEvents;
      expect(events).toEqual([
        { actor: 'test-editor', before: { violationsCountAfterReinstatement: true }, after: { violationsCountAfterReinstatement: false } },
      ]);
    });
  });
});
