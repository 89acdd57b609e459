import { randomBytes } from 'node:crypto';
import { startTestServer, TestServer } from '../helpers/test-server';

const VIOLATION_FIELDS = `decisionId severity label actions { code label } message priorViolations escalated rulesetKey versionNumber contentHash
  matches { ruleKey severity behavior message evidence }`;
const EVALUATE_VIOLATION = `query($input: ViolationInput!) { evaluateViolation(input: $input) { ${VIOLATION_FIELDS} } }`;
const RECORD_VIOLATION = `mutation($input: ViolationInput!) { recordViolation(input: $input) { ${VIOLATION_FIELDS} } }`;
const ENTERPRISE = `query($id: ID!) { enterprise(id: $id) { id status seriousViolationCount violations { id kind output } } }`;
const APPLY = `query($input: NumberApplicationInput!) { evaluateNumberApplication(input: $input) { decisionId decision message matches { ruleKey evidence } } }`;
const APPLY_MANY = `query($inputs: [NumberApplicationInput!]!) { evaluateNumberApplications(inputs: $inputs) { decisionId decision versionNumber } }`;

const enterpriseId = () => `ent-${randomBytes(5).toString('hex')}`;

describe('violations, penalties and enterprise standing', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const judge = (input: Record<string, unknown>) =>
    server.gql(EVALUATE_VIOLATION, { input: { enterpriseId: enterpriseId(), verified: true, ...input } }, server.keys.evaluator);
  const record = (input: Record<string, unknown>) => server.gql(RECORD_VIOLATION, { input: { verified: true, ...input } }, server.keys.evaluator);

  it.each([
    ['FRAUD_COMPLAINT', {}, 'CRITICAL', '特大违规', 'violation.fraud-complaint'],
    ['HARASSMENT_COMPLAINT', {}, 'SERIOUS', '严重违规', 'violation.harassment-complaint'],
    [
      'BUSINESS_MISMATCH',
      { declaredBusiness: '家政保洁', actualBusiness: '替客户做催收催缴，电话催还欠款' },
      'CRITICAL',
      '特大违规',
      'violation.business-mismatch-prohibited',
    ],
    [
      'BUSINESS_MISMATCH',
      { declaredBusiness: '家政保洁', actualBusiness: '宠物美容店的会员回访' },
      'SERIOUS',
      '严重违规',
      'violation.business-mismatch-permitted',
    ],
    ['ABUSIVE_CALL', {}, 'SERIOUS', '严重违规', 'violation.abusive-call'],
    ['BLIND_CALLING', {}, 'SERIOUS', '严重违规', 'violation.blind-calling'],
    ['NO_CONSENT_CALLING', {}, 'SERIOUS', '严重违规', 'violation.no-consent-calling'],
  ])('judges %s %j as %s', async (behavior, extra, severity, label, ruleKey) => {
    const { data, errors } = await judge({ behavior, ...extra });
    expect(errors).toBeUndefined();
    const result = data.evaluateViolation;
    expect(result).toMatchObject({ severity, label, escalated: false, priorViolations: 0, rulesetKey: 'ccc-access', versionNumber: 1 });
    expect(result.matches.map((match: { ruleKey: string }) => match.ruleKey)).toEqual([ruleKey]);
    if (severity === 'CRITICAL') expect(result.actions).toEqual([{ code: 'OFFLINE_ALL_BUSINESS', label: '将您的全部业务下线整改' }]);
    else expect(result.message).toBe('对您进行警告，并记录一次严重违规');
  });

  it('gives an unverified report no severity and no actions, and says verification is required', async () => {
    const { data } = await judge({ behavior: 'FRAUD_COMPLAINT', verified: false });
    expect(data.evaluateViolation).toMatchObject({ severity: null, label: null, actions: [] });
    expect(data.evaluateViolation.message).toMatch(/核实|verification/);
  });

  it('refuses a verified business mismatch that does not name the actual business, recording nothing', async () => {
    const id = enterpriseId();
    for (const actualBusiness of [undefined, '', ' 。 ']) {
      const { errors } = await record({
        enterpriseId: id,
        behavior: 'BUSINESS_MISMATCH',
        declaredBusiness: '家政保洁',
        ...(actualBusiness === undefined ? {} : { actualBusiness }),
      });
      expect(errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(errors?.[0].extensions?.issues).toEqual([{ path: 'input.actualBusiness', message: expect.stringMatching(/required/) }]);
    }
    const { data } = await server.gql(ENTERPRISE, { id }, server.keys.auditor);
    expect(data.enterprise).toBeNull();
    // An unverified report needs no actual business: it carries no penalty anyway.
    const unverified = await judge({ behavior: 'BUSINESS_MISMATCH', verified: false, declaredBusiness: '家政保洁' });
    expect(unverified.errors).toBeUndefined();
    expect(unverified.data.evaluateViolation.severity).toBeNull();
  });

  it('refuses an unknown behaviour as BAD_USER_INPUT listing the known ones', async () => {
    const { errors } = await judge({ behavior: 'SPAM' });
    expect(errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0].message).toContain('FRAUD_COMPLAINT');
    expect(errors?.[0].extensions?.knownBehaviors).toContain('BLIND_CALLING');
  });

  it('counts recorded SERIOUS violations and reports the prior ones', async () => {
    const id = enterpriseId();
    const first = await record({ enterpriseId: id, behavior: 'BLIND_CALLING' });
    expect(first.errors).toBeUndefined();
    expect(first.data.recordViolation).toMatchObject({ severity: 'SERIOUS', priorViolations: 0 });
    const second = await record({ enterpriseId: id, behavior: 'ABUSIVE_CALL' });
    expect(second.data.recordViolation).toMatchObject({ severity: 'SERIOUS', priorViolations: 1 });
    const { data } = await server.gql(ENTERPRISE, { id }, server.keys.auditor);
    expect(data.enterprise).toMatchObject({ id, status: 'ACTIVE', seriousViolationCount: 2 });
    expect(data.enterprise.violations.map((v: { id: string }) => v.id)).toEqual([
      first.data.recordViolation.decisionId,
      second.data.recordViolation.decisionId,
    ]);
    expect(data.enterprise.violations[0].kind).toBe('RECORDED_VIOLATION');
  });

  it('takes an enterprise OFFLINE on a CRITICAL violation, after which the OFFLINE rule rejects its applications', async () => {
    const id = enterpriseId();
    const before = await server.gql(APPLY, { input: { enterpriseId: id, description: '家政保洁服务预约回访' } }, server.keys.evaluator);
    expect(before.data.evaluateNumberApplication.decision).toBe('REVIEW');

    const critical = await record({ enterpriseId: id, behavior: 'FRAUD_COMPLAINT' });
    expect(critical.data.recordViolation).toMatchObject({ severity: 'CRITICAL' });
    const { data } = await server.gql(ENTERPRISE, { id }, server.keys.evaluator);
    expect(data.enterprise).toMatchObject({ status: 'OFFLINE', seriousViolationCount: 0 });

    const after = await server.gql(APPLY, { input: { enterpriseId: id, description: '家政保洁服务预约回访' } }, server.keys.evaluator);
    expect(after.data.evaluateNumberApplication.decision).toBe('REJECT');
    expect(after.data.evaluateNumberApplication.matches.map((m: { ruleKey: string }) => m.ruleKey)).toContain('other.offline-rectification');
    const other = await server.gql(APPLY, { input: { enterpriseId: enterpriseId(), description: '家政保洁服务预约回访' } }, server.keys.evaluator);
    expect(other.data.evaluateNumberApplication.decision).toBe('REVIEW');
  });

  it('changes nothing for an unverified recorded report', async () => {
    const id = enterpriseId();
    await record({ enterpriseId: id, behavior: 'HARASSMENT_COMPLAINT' });
    const unverified = await record({ enterpriseId: id, behavior: 'FRAUD_COMPLAINT', verified: false });
    expect(unverified.errors).toBeUndefined();
    expect(unverified.data.recordViolation).toMatchObject({ severity: null, actions: [], priorViolations: 1 });
    const { data } = await server.gql(ENTERPRISE, { id }, server.keys.auditor);
    expect(data.enterprise).toMatchObject({ status: 'ACTIVE', seriousViolationCount: 1 });
    expect(data.enterprise.violations).toHaveLength(1);
  });

  it("shows an enterprise's violations to an auditor, and none of them to an evaluator asking afterwards", async () => {
    const id = enterpriseId();
    const recorded = await record({ enterpriseId: id, behavior: 'HARASSMENT_COMPLAINT' });
    const auditor = await server.gql(ENTERPRISE, { id }, server.keys.auditor);
    expect(auditor.data.enterprise.violations.map((v: { id: string }) => v.id)).toEqual([recorded.data.recordViolation.decisionId]);
    // The evaluator that recorded it did not receive it in this request: the decision log is the auditors'.
    const evaluator = await server.gql(ENTERPRISE, { id }, server.keys.evaluator);
    expect(evaluator.errors).toBeUndefined();
    expect(evaluator.data.enterprise).toMatchObject({ id, seriousViolationCount: 1, violations: [] });
  });

  it('stores the history a recorded violation read with its decision', async () => {
    const id = enterpriseId();
    await record({ enterpriseId: id, behavior: 'BLIND_CALLING' });
    const second = await record({ enterpriseId: id, behavior: 'BLIND_CALLING' });
    const decision = await server.gql(
      `query($id: ID!) { decision(id: $id) { kind state input output caller } }`,
      { id: second.data.recordViolation.decisionId },
      server.keys.auditor,
    );
    expect(decision.data.decision.kind).toBe('RECORDED_VIOLATION');
    expect(decision.data.decision.state.priorViolations).toEqual([{ severity: 'SERIOUS', at: expect.any(String) }]);
    expect(decision.data.decision.state.enterprise).toMatchObject({ id, status: 'ACTIVE', seriousViolationCount: 1 });
    expect(decision.data.decision.caller).toBe('test-evaluator');
  });

  it('evaluates a batch against one version and logs every decision', async () => {
    const inputs = ['催收催缴外包', '家政保洁预约', '医院预约挂号提醒', '股票荐股推广'].map((description) => ({ description }));
    const { data, errors } = await server.gql(APPLY_MANY, { inputs }, server.keys.evaluator);
    expect(errors).toBeUndefined();
    const results = data.evaluateNumberApplications;
    expect(results).toHaveLength(4);
    expect(results[0].decision).toBe('REJECT');
    expect(new Set(results.map((r: { decisionId: string }) => r.decisionId)).size).toBe(4);
    const [{ count }] = await server.dataSource.query('SELECT count(*)::int AS count FROM decision_log WHERE id = ANY($1::uuid[])', [
      results.map((r: { decisionId: string }) => r.decisionId),
    ]);
    expect(count).toBe(4);
  });

  it('accepts 1,000 inputs in a batch and refuses 1,001 as BAD_USER_INPUT', async () => {
    const thousand = Array.from({ length: 1000 }, (_, i) => ({ description: `第${i}号门店的会员回访` }));
    const ok = await server.gql(APPLY_MANY, { inputs: thousand }, server.keys.evaluator);
    expect(ok.errors).toBeUndefined();
    expect(ok.data.evaluateNumberApplications).toHaveLength(1000);
    const tooMany = await server.gql(APPLY_MANY, { inputs: [...thousand, { description: 'one more' }] }, server.keys.evaluator);
    expect(tooMany.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooMany.errors?.[0].message).toMatch(/1000/);
  });

  it.each([
    ['an empty description', { description: '   ' }, 'description'],
    ['a description over 2,000 characters', { description: '家'.repeat(2001) }, 'description'],
    ['a NUL character', { description: 'abc\u0000def' }, 'NUL'],
    ['facts that are not an object', { description: 'x', facts: [1, 2] }, 'facts'],
    ['facts nested too deep', { description: 'x', facts: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } } }, 'facts'],
    ['an overlong enterprise id', { description: 'x', enterpriseId: 'e'.repeat(200) }, 'enterpriseId'],
  ])('refuses %s as BAD_USER_INPUT', async (_name, input, mention) => {
    const { errors } = await server.gql(APPLY, { input }, server.keys.evaluator);
    expect(errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0].message).toContain(mention);
  });

  it('lets an evaluator read only the decisions it received in the same request', async () => {
    const { data } = await server.gql(APPLY, { input: { description: '家政保洁' } }, server.keys.evaluator);
    const id = data.evaluateNumberApplication.decisionId;
    const evaluator = await server.gql(`query($id: ID!) { decision(id: $id) { id } }`, { id }, server.keys.evaluator);
    expect(evaluator.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const auditor = await server.gql(`query($id: ID!) { decision(id: $id) { id kind } }`, { id }, server.keys.auditor);
    expect(auditor.data.decision).toEqual({ id, kind: 'NUMBER_APPLICATION' });
    const listing = await server.gql(`{ decisions(first: 1) { totalCount } }`, {}, server.keys.evaluator);
    expect(listing.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
