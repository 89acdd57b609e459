import {
  compileRuleset,
  evaluateViolation,
  UnknownBehaviorError,
  UNVERIFIED_MESSAGE,
  type PenaltyMappingContent,
  type ViolationState,
} from '../../../src/engine';
import { businessRule, ruleset, violationRule } from './helpers';

const AT = '2024-06-30T12:00:00.000Z';
const state = (overrides: Partial<ViolationState> = {}): ViolationState => ({
  at: AT,
  enterprise: { id: 'e1', status: 'ACTIVE', seriousViolationCount: 0, violationCount: 0 },
  priorViolations: [],
  ...overrides,
});

const mismatchRuleset = compileRuleset(
  ruleset({
    businessRules: [businessRule({ key: 'finance.loan', keywords: ['贷款'] })],
    violationRules: [
      violationRule({ key: 'mismatch.prohibited', behavior: 'BUSINESS_MISMATCH', severity: 'CRITICAL', condition: 'actual.prohibited' }),
      violationRule({ key: 'mismatch.permitted', behavior: 'BUSINESS_MISMATCH', severity: 'SERIOUS', condition: '!actual.prohibited' }),
      violationRule({ key: 'fraud', behavior: 'FRAUD_COMPLAINT', severity: 'CRITICAL' }),
      violationRule({ key: 'harassment', behavior: 'HARASSMENT_COMPLAINT', severity: 'SERIOUS' }),
    ],
  }),
);

describe('evaluateViolation', () => {
  it('classifies a mismatch whose actual business is prohibited as CRITICAL, with the actual verdict as evidence', () => {
    const outcome = evaluateViolation(
      mismatchRuleset,
      { enterpriseId: 'e1', behavior: 'BUSINESS_MISMATCH', verified: true, declaredBusiness: '物流通知', actualBusiness: '贷款推广' },
      state(),
    );
    expect(outcome).toMatchObject({ severity: 'CRITICAL', label: '特大违规', message: '将您的全部业务下线整改', escalated: false });
    expect(outcome.actions).toEqual([{ code: 'OFFLINE_ALL_BUSINESS', label: '将您的全部业务下线整改' }]);
    expect(outcome.matches).toEqual([
      {
        ruleKey: 'mismatch.prohibited',
        effect: null,
        severity: 'CRITICAL',
        industry: null,
        scenario: null,
        behavior: 'BUSINESS_MISMATCH',
        message: 'title of mismatch.prohibited',
        evidence: ['behavior: BUSINESS_MISMATCH', 'condition: actual.prohibited', 'actual business decision: REJECT (finance.loan)'],
      },
    ]);
  });

  it('classifies a mismatch whose actual business is not prohibited as SERIOUS', () => {
    const outcome = evaluateViolation(
      mismatchRuleset,
      { enterpriseId: 'e1', behavior: 'BUSINESS_MISMATCH', verified: true, actualBusiness: '餐厅订座' },
      state(),
    );
    expect(outcome).toMatchObject({ severity: 'SERIOUS', label: '严重违规' });
    expect(outcome.matches.map((match) => match.ruleKey)).toEqual(['mismatch.permitted']);
  });

  it('treats a mismatch without an actual business as not prohibited (actual.decision NONE)', () => {
    const outcome = evaluateViolation(mismatchRuleset, { enterpriseId: 'e1', behavior: 'BUSINESS_MISMATCH', verified: true }, state());
    expect(outcome.severity).toBe('SERIOUS');
  });

  it('imposes no penalty on an unverified report but still lists the rules that would apply', () => {
    const outcome = evaluateViolation(mismatchRuleset, { enterpriseId: 'e1', behavior: 'FRAUD_COMPLAINT', verified: false }, state());
    expect(outcome).toEqual({
      severity: null,
      label: null,
      actions: [],
      message: UNVERIFIED_MESSAGE,
      matches: [expect.objectContaining({ ruleKey: 'fraud', severity: 'CRITICAL' })],
      priorViolations: 0,
      escalated: false,
    });
  });

  it('rejects an unknown behaviour, listing the known ones sorted', () => {
    const report = () => evaluateViolation(mismatchRuleset, { enterpriseId: 'e1', behavior: 'SPAM', verified: true }, state());
    expect(report).toThrow(UnknownBehaviorError);
    expect(report).toThrow(/BUSINESS_MISMATCH, FRAUD_COMPLAINT, HARASSMENT_COMPLAINT/);
    try {
      report();
    } catch (error) {
      expect((error as UnknownBehaviorError).knownBehaviors).toEqual(['BUSINESS_MISMATCH', 'FRAUD_COMPLAINT', 'HARASSMENT_COMPLAINT']);
    }
  });

  it('applies the highest-ranked severity when several rules of the behaviour match', () => {
    const compiled = compileRuleset(
      ruleset({
        violationRules: [violationRule({ key: 'a', behavior: 'X', severity: 'SERIOUS' }), violationRule({ key: 'b', behavior: 'X', severity: 'CRITICAL' })],
      }),
    );
    const outcome = evaluateViolation(compiled, { enterpriseId: 'e1', behavior: 'X', verified: true }, state());
    expect(outcome.severity).toBe('CRITICAL');
    expect(outcome.matches.map((match) => match.ruleKey)).toEqual(['a', 'b']);
  });

  it('counts every prior violation given, whatever its severity', () => {
    const outcome = evaluateViolation(
      mismatchRuleset,
      { enterpriseId: 'e1', behavior: 'HARASSMENT_COMPLAINT', verified: true },
      state({
        priorViolations: [
          { severity: 'SERIOUS', at: AT },
          { severity: 'CRITICAL', at: AT },
        ],
      }),
    );
    expect(outcome.priorViolations).toBe(2);
  });
});

describe('escalation', () => {
  const escalating = (escalation: PenaltyMappingContent['escalation']) =>
    compileRuleset(
      ruleset({
        violationRules: [violationRule({ key: 'h', behavior: 'HARASSMENT_COMPLAINT', severity: 'SERIOUS' })],
        penalties: [...ruleset().penalties.filter((penalty) => penalty.severity !== 'SERIOUS'), { ...ruleset().penalties[1], escalation }],
      }),
    );
  const compiled = escalating({ count: 3, withinDays: 30, toSeverity: 'CRITICAL' });
  const judge = (priorTimes: string[], severity = 'SERIOUS') =>
    evaluateViolation(
      compiled,
      { enterpriseId: 'e1', behavior: 'HARASSMENT_COMPLAINT', verified: true },
      state({ priorViolations: priorTimes.map((at) => ({ severity, at })) }),
    );

  it('escalates when prior violations of the same severity in the window plus this one reach the count', () => {
    const outcome = judge(['2024-06-01T12:00:00.001Z', '2024-06-30T12:00:00.000Z']);
    expect(outcome).toMatchObject({ severity: 'CRITICAL', label: '特大违规', escalated: true });
  });

  it('does not escalate below the count', () => {
    expect(judge(['2024-06-20T00:00:00Z'])).toMatchObject({ severity: 'SERIOUS', escalated: false });
  });

  it('excludes a prior violation exactly D days before (the window is open at its start)', () => {
    expect(judge(['2024-05-31T12:00:00.000Z', '2024-06-29T00:00:00Z']).escalated).toBe(false);
  });

  it('excludes prior violations after the judging time and of other severities', () => {
    expect(judge(['2024-06-30T12:00:00.001Z', '2024-06-29T00:00:00Z']).escalated).toBe(false);
    expect(judge(['2024-06-20T00:00:00Z', '2024-06-29T00:00:00Z'], 'CRITICAL').escalated).toBe(false);
  });

  it('escalates on the first violation when the count is 1', () => {
    const immediate = escalating({ count: 1, withinDays: 1, toSeverity: 'CRITICAL' });
    const outcome = evaluateViolation(immediate, { enterpriseId: 'e1', behavior: 'HARASSMENT_COMPLAINT', verified: true }, state());
    expect(outcome.severity).toBe('CRITICAL');
  });

  it('stops at a loop instead of cycling between severities', () => {
    const looping = compileRuleset(
      ruleset({
        violationRules: [violationRule({ key: 'h', behavior: 'HARASSMENT_COMPLAINT', severity: 'SERIOUS' })],
        penalties: [
          { ...ruleset().penalties[0], escalation: { count: 1, withinDays: 1, toSeverity: 'SERIOUS' } },
          { ...ruleset().penalties[1], escalation: { count: 1, withinDays: 1, toSeverity: 'CRITICAL' } },
        ],
      }),
    );
    const outcome = evaluateViolation(looping, { enterpriseId: 'e1', behavior: 'HARASSMENT_COMPLAINT', verified: true }, state());
    expect(outcome).toMatchObject({ severity: 'CRITICAL', escalated: true });
  });
});

describe('behaviours judged on the actual business', () => {
  it('are the behaviours with a rule whose condition reads actual.*, and no others', () => {
    expect([...mismatchRuleset.behaviorsJudgedOnActualBusiness]).toEqual(['BUSINESS_MISMATCH']);
    const quoted = compileRuleset(
      ruleset({ violationRules: [violationRule({ key: 'quoted', behavior: 'ABUSIVE_CALL', condition: 'input.declaredBusiness != "actual.prohibited"' })] }),
    );
    expect(quoted.behaviorsJudgedOnActualBusiness.size).toBe(0);
  });
});
