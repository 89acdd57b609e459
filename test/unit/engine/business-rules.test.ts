import { compileRuleset, evaluateNumberApplication, ConditionError, type ApplicationState } from '../../../src/engine';
import { businessRule, ruleset } from './helpers';

const noEnterprise: ApplicationState = { enterprise: null };
const offline: ApplicationState = {
  enterprise: { id: 'e1', status: 'OFFLINE', seriousViolationCount: 1, violationCount: 2 },
};

describe('evaluateNumberApplication', () => {
  it('returns the default decision and message when no rule matches', () => {
    const compiled = compileRuleset(ruleset({ businessRules: [businessRule({ key: 'a', keywords: ['贷款'] })] }));
    expect(evaluateNumberApplication(compiled, { description: '餐厅订座' }, noEnterprise)).toEqual({
      decision: 'REVIEW',
      message: '其他未明确业务以最终申请号码审核为准',
      matches: [],
    });
  });

  it('matches a keyword after normalising the description and quotes the keyword as written', () => {
    const compiled = compileRuleset(ruleset({ businessRules: [businessRule({ key: 'pos', keywords: ['POS 机'] })] }));
    const outcome = evaluateNumberApplication(compiled, { description: 'ｐｏｓ機 辦理' }, noEnterprise);
    expect(outcome.decision).toBe('REJECT');
    expect(outcome.matches[0].evidence).toEqual(['keyword: POS 机']);
  });

  it('does not match a rule when one of its exclusions occurs', () => {
    const compiled = compileRuleset(ruleset({ businessRules: [businessRule({ key: 'ins', keywords: ['保险'], excludeKeywords: ['保险柜'] })] }));
    expect(evaluateNumberApplication(compiled, { description: '保險櫃生产厂家' }, noEnterprise).decision).toBe('REVIEW');
    expect(evaluateNumberApplication(compiled, { description: '车辆保险' }, noEnterprise).decision).toBe('REJECT');
  });

  it('lets the strongest effect win (deny-overrides) and reports every match in rule-key order', () => {
    const compiled = compileRuleset(
      ruleset({
        businessRules: [
          businessRule({ key: 'c.allow', effect: 'ALLOW', keywords: ['物流'] }),
          businessRule({ key: 'b.reject', effect: 'REJECT', keywords: ['催收'] }),
          businessRule({ key: 'a.review', effect: 'REVIEW', keywords: ['通知'] }),
        ],
      }),
    );
    const outcome = evaluateNumberApplication(compiled, { description: '物流通知和催收' }, noEnterprise);
    expect(outcome.decision).toBe('REJECT');
    expect(outcome.message).toBe('message of b.reject');
    expect(outcome.matches.map((match) => match.ruleKey)).toEqual(['a.review', 'b.reject', 'c.allow']);
  });

  it('takes the message of the first rule by key among those with the winning effect', () => {
    const compiled = compileRuleset(
      ruleset({
        businessRules: [businessRule({ key: 'z', keywords: ['贷款'] }), businessRule({ key: 'm', keywords: ['股票'] })],
      }),
    );
    expect(evaluateNumberApplication(compiled, { description: '贷款股票' }, noEnterprise).message).toBe('message of m');
  });

  it('allows when only ALLOW rules match', () => {
    const compiled = compileRuleset(ruleset({ businessRules: [businessRule({ key: 'ok', effect: 'ALLOW', keywords: ['物流'] })] }));
    expect(evaluateNumberApplication(compiled, { description: '物流配送' }, noEnterprise).decision).toBe('ALLOW');
  });

  it('matches a rule whose industry and scenario (or one part of it) are declared, with evidence', () => {
    const compiled = compileRuleset(
      ruleset({ businessRules: [businessRule({ key: 'drugs', industry: '医疗', scenario: '医药售卖、保健品', keywords: ['卖药'] })] }),
    );
    const outcome = evaluateNumberApplication(compiled, { description: '客户回访', industry: ' 醫療 ', scenario: '医药售卖' }, noEnterprise);
    expect(outcome.decision).toBe('REJECT');
    expect(outcome.matches[0].evidence).toEqual(['declared industry/scenario: 医疗/医药售卖']);
    expect(evaluateNumberApplication(compiled, { description: '客户回访', industry: '医疗', scenario: '医药售卖、保健品' }, noEnterprise).decision).toBe(
      'REJECT',
    );
  });

  it('does not match on a declared industry with a different scenario', () => {
    const compiled = compileRuleset(
      ruleset({ businessRules: [businessRule({ key: 'drugs', industry: '医疗', scenario: '医药售卖、保健品', keywords: ['卖药'] })] }),
    );
    const outcome = evaluateNumberApplication(compiled, { description: '预约提醒', industry: '医疗', scenario: '预约挂号' }, noEnterprise);
    expect(outcome.decision).toBe('REVIEW');
  });

  it('requires a keyword rule condition to hold as well, and reports the condition as evidence', () => {
    const compiled = compileRuleset(
      ruleset({
        businessRules: [businessRule({ key: 'out', keywords: ['推广'], condition: 'input.callDirection == "OUTBOUND"' })],
      }),
    );
    expect(evaluateNumberApplication(compiled, { description: '推广', callDirection: 'INBOUND' }, noEnterprise).decision).toBe('REVIEW');
    const outcome = evaluateNumberApplication(compiled, { description: '推广', callDirection: 'OUTBOUND' }, noEnterprise);
    expect(outcome.matches[0].evidence).toEqual(['keyword: 推广', 'condition: input.callDirection == "OUTBOUND"']);
  });

  it('matches a keyword-less rule whenever its condition holds, e.g. an enterprise under rectification', () => {
    const compiled = compileRuleset(ruleset({ businessRules: [businessRule({ key: 'offline', condition: 'enterprise.status == "OFFLINE"' })] }));
    expect(evaluateNumberApplication(compiled, { description: '物流' }, offline).decision).toBe('REJECT');
    expect(evaluateNumberApplication(compiled, { description: '物流' }, noEnterprise).decision).toBe('REVIEW');
  });

  it('passes facts to conditions with integral numbers as CEL ints', () => {
    const compiled = compileRuleset(
      ruleset({ businessRules: [businessRule({ key: 'big', condition: 'input.facts.seats >= 100 && input.facts.ratio < 0.5' })] }),
    );
    const outcome = evaluateNumberApplication(compiled, { description: 'x', facts: { seats: 120, ratio: 0.25 } }, noEnterprise);
    expect(outcome.decision).toBe('REJECT');
  });

  it('treats a condition that fails at runtime as not matched instead of throwing', () => {
    const compiled = compileRuleset(ruleset({ businessRules: [businessRule({ key: 'facts', keywords: ['推广'], condition: 'input.facts.amount > 5' })] }));
    expect(evaluateNumberApplication(compiled, { description: '推广', facts: {} }, noEnterprise).decision).toBe('REVIEW');
    expect(evaluateNumberApplication(compiled, { description: '推广', facts: { amount: 9 } }, noEnterprise).decision).toBe('REJECT');
  });

  it('sees an unknown enterprise as status NONE with zero counts', () => {
    const compiled = compileRuleset(
      ruleset({
        businessRules: [businessRule({ key: 'none', condition: 'enterprise.status == "NONE" && enterprise.violationCount == 0' })],
      }),
    );
    expect(evaluateNumberApplication(compiled, { description: '' }, noEnterprise).decision).toBe('REJECT');
  });

  it('refuses to compile a rule with a bad condition, naming the rule and the position', () => {
    const content = ruleset({ businessRules: [businessRule({ key: 'bad', keywords: ['x'], condition: 'enterprise.stauts == "OFFLINE"' })] });
    expect(() => compileRuleset(content)).toThrow(ConditionError);
    try {
      compileRuleset(content);
    } catch (error) {
      expect(error).toMatchObject({ ruleKey: 'bad', position: 11 });
    }
  });
});
