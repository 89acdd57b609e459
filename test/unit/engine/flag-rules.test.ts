import { compileRuleset, evaluateNumberApplication, runTestCases, validateContent, type ApplicationState, type TestCaseContent } from '../../../src/engine';
import { businessRule, ruleset } from './helpers';

const noEnterprise: ApplicationState = { enterprise: null };

const flagged = ruleset({
  businessRules: [
    businessRule({ key: 'finance.loan', effect: 'REJECT', keywords: ['贷款'], excludeKeywords: ['贷款计算器'] }),
    businessRule({ key: 'flag.loan-excluded', effect: 'FLAG', keywords: ['贷款计算器'], weight: 3, message: '贷款词被排除词抵消，请核实' }),
    businessRule({ key: 'flag.arrears-context', effect: 'FLAG', keywords: ['还款', '逾期'], message: '含还款语境词' }),
    businessRule({ key: 'logistics.ok', effect: 'ALLOW', keywords: ['物流配送'] }),
  ],
});
const compiled = compileRuleset(flagged);

function application(description: string): TestCaseContent['application'] {
  return { description, industry: null, scenario: null, callDirection: null, facts: null };
}

describe('FLAG rules', () => {
  it('decide nothing: a description only FLAG rules match gets the default decision, with their signals and no matches', () => {
    const outcome = evaluateNumberApplication(compiled, { description: '贷款计算器软件，提醒用户还款日' }, noEnterprise);
    expect(outcome).toEqual({
      decision: 'REVIEW',
      message: '其他未明确业务以最终申请号码审核为准',
      matches: [],
      signals: [
        { ruleKey: 'flag.arrears-context', message: '含还款语境词', evidence: ['keyword: 还款'], weight: 1 },
        { ruleKey: 'flag.loan-excluded', message: '贷款词被排除词抵消，请核实', evidence: ['keyword: 贷款计算器'], weight: 3 },
      ],
      riskScore: 4,
    });
  });

  it('give a risk score that is the sum of the signals’ weights, a missing weight counting 1', () => {
    expect(evaluateNumberApplication(compiled, { description: '逾期还款提醒' }, noEnterprise).riskScore).toBe(1);
    expect(evaluateNumberApplication(compiled, { description: '贷款计算器' }, noEnterprise).riskScore).toBe(3);
  });

  it('are kept only on REVIEW decisions: a REJECT or an ALLOW carries no signals', () => {
    const rejected = evaluateNumberApplication(compiled, { description: '个人贷款，逾期还款' }, noEnterprise);
    expect(rejected.decision).toBe('REJECT');
    expect(rejected.matches.map((match) => match.ruleKey)).toEqual(['finance.loan']);
    expect(rejected).not.toHaveProperty('signals');
    expect(rejected).not.toHaveProperty('riskScore');

    const allowed = evaluateNumberApplication(compiled, { description: '物流配送，货到还款' }, noEnterprise);
    expect(allowed.decision).toBe('ALLOW');
    expect(allowed).not.toHaveProperty('signals');
    expect(allowed).not.toHaveProperty('riskScore');
  });

  it('leave an outcome without signals exactly as it was before FLAG rules existed (no signals or riskScore keys)', () => {
    const outcome = evaluateNumberApplication(compiled, { description: '餐厅订座' }, noEnterprise);
    expect(Object.keys(outcome)).toEqual(['decision', 'message', 'matches']);
  });

  it('are stopped by their exclusions and conditions like any rule', () => {
    const content = ruleset({
      businessRules: [
        businessRule({ key: 'flag.c', effect: 'FLAG', keywords: ['催'], excludeKeywords: ['催化剂'], condition: 'input.callDirection == "OUTBOUND"' }),
      ],
    });
    const flags = compileRuleset(content);
    expect(evaluateNumberApplication(flags, { description: '催缴通知', callDirection: 'OUTBOUND' }, noEnterprise).signals?.map((s) => s.ruleKey)).toEqual([
      'flag.c',
    ]);
    expect(evaluateNumberApplication(flags, { description: '催缴通知', callDirection: 'INBOUND' }, noEnterprise)).not.toHaveProperty('signals');
    expect(evaluateNumberApplication(flags, { description: '催化剂销售', callDirection: 'OUTBOUND' }, noEnterprise)).not.toHaveProperty('signals');
  });

  it('are validated: FLAG is an effect, a weight belongs to FLAG rules only and is a whole number from 1 to 100', () => {
    expect(validateContent(flagged)).toEqual([]);
    const issues = validateContent(
      ruleset({
        businessRules: [
          businessRule({ key: 'r', effect: 'REJECT', keywords: ['a'], weight: 2 }),
          businessRule({ key: 'f0', effect: 'FLAG', keywords: ['b'], weight: 0 }),
          businessRule({ key: 'f1', effect: 'FLAG', keywords: ['c'], weight: 101 }),
          businessRule({ key: 'f2', effect: 'FLAG', keywords: ['d'], weight: 1.5 }),
          businessRule({ key: 'f3', effect: 'FLAG', keywords: ['e'], weight: 100 }),
          businessRule({ key: 'x', effect: 'NOPE' as never, keywords: ['f'] }),
        ],
      }),
    );
    expect(issues).toEqual([
      { path: 'businessRules[r].weight', message: 'only a FLAG rule has a weight; a deciding rule adds nothing to a risk score' },
      { path: 'businessRules[f0].weight', message: 'weight must be a whole number from 1 to 100' },
      { path: 'businessRules[f1].weight', message: 'weight must be a whole number from 1 to 100' },
      { path: 'businessRules[f2].weight', message: 'weight must be a whole number from 1 to 100' },
      { path: 'businessRules[x].effect', message: 'unknown effect "NOPE"; expected one of ALLOW, REVIEW, REJECT, FLAG' },
    ]);
  });

  it('are tested like any rule: a test case may expect a FLAG rule, and an unflagged one is reported uncovered', () => {
    const testCases: TestCaseContent[] = [
      {
        key: 'calculator',
        application: application('贷款计算器'),
        violation: null,
        enterprise: null,
        expectedDecision: 'REVIEW',
        expectedSeverity: null,
        expectedRuleKeys: ['flag.loan-excluded'],
      },
      {
        key: 'rejected-hides-flag',
        application: application('贷款逾期'),
        violation: null,
        enterprise: null,
        expectedDecision: 'REJECT',
        expectedSeverity: null,
        expectedRuleKeys: ['flag.arrears-context'],
      },
    ];
    const report = runTestCases(compiled, { ...flagged, testCases });
    expect(report.results.map((result) => [result.key, result.passed])).toEqual([
      ['calculator', true],
      ['rejected-hides-flag', false],
    ]);
    expect(report.uncoveredRuleKeys).toEqual(['flag.arrears-context', 'logistics.ok']);
  });
});
