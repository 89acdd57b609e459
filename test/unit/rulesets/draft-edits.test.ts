import type { BusinessRuleContent, RulesetContent } from '../../../src/engine';
import {
  checkRuleCondition,
  patchBusinessRule,
  removeRule,
  setDefaultDecision,
  upsertBusinessRule,
  upsertPenaltyMapping,
} from '../../../src/rulesets/draft-edits';

const rule = (key: string, keywords: string[] = ['贷款']): BusinessRuleContent => ({
  key,
  industry: '金融',
  scenario: '贷款',
  effect: 'REJECT',
  keywords,
  excludeKeywords: [],
  condition: null,
  message: '目前不支持为该业务申请号码，请谅解',
  source: null,
});

const content = (): RulesetContent => ({
  defaultDecision: 'REVIEW',
  defaultMessage: '转人工审核',
  businessRules: [rule('finance.loan')],
  violationRules: [{ key: 'fraud', behavior: 'FRAUD_COMPLAINT', title: '诈骗', severity: 'CRITICAL', condition: null, source: null }],
  penalties: [{ severity: 'CRITICAL', label: '特大违规', rank: 2, actions: [], message: '下线', escalation: null }],
});

describe('draft edits (pure: content in, content and audit change out)', () => {
  it('patches a rule into a weighted FLAG rule, and drops the weight when it stops flagging', () => {
    const flagged = patchBusinessRule(content(), 'finance.loan', { effect: 'FLAG', weight: 3 }).content;
    expect(flagged.businessRules[0]).toMatchObject({ effect: 'FLAG', weight: 3, keywords: ['贷款'] });
    const reweighed = patchBusinessRule(flagged, 'finance.loan', { weight: 5 }).content;
    expect(reweighed.businessRules[0]).toMatchObject({ effect: 'FLAG', weight: 5 });
    const deciding = patchBusinessRule(reweighed, 'finance.loan', { effect: 'REJECT' }).content;
    expect(deciding.businessRules[0].effect).toBe('REJECT');
    expect(deciding.businessRules[0]).not.toHaveProperty('weight');
  });

  it('replaces a business rule with the same key and reports the rule before and after', () => {
    const before = content();
    const edit = upsertBusinessRule(before, rule('finance.loan', ['网贷']));
    expect(edit.type).toBe('BUSINESS_RULE_UPSERTED');
    expect(edit.content.businessRules.map((r) => r.keywords)).toEqual([['网贷']]);
    expect(edit.before).toEqual(rule('finance.loan'));
    expect(edit.after).toEqual(rule('finance.loan', ['网贷']));
    expect(before.businessRules[0].keywords).toEqual(['贷款']);
  });

  it('refuses a business rule whose key already names a violation rule', () => {
    expect(() => upsertBusinessRule(content(), rule('fraud'))).toThrow(/already names a violation rule/);
  });

  it('refuses to change the default decision without a message written for it', () => {
    expect(() => setDefaultDecision(content(), 'REJECT', null)).toThrow(/needs a message/);
    expect(setDefaultDecision(content(), 'REJECT', '不予接入').content).toMatchObject({ defaultDecision: 'REJECT', defaultMessage: '不予接入' });
  });

  it('removes by key, asks which kind when a key names two things, and says when nothing has the key', () => {
    const twoKinds = upsertPenaltyMapping(content(), { severity: 'finance.loan', label: 'x', rank: 1, actions: [], message: 'x', escalation: null }).content;
    expect(() => removeRule(twoKinds, 'finance.loan', null)).toThrow(/pass kind/);
    const removed = removeRule(twoKinds, 'finance.loan', 'BUSINESS_RULE');
    expect(removed.content.businessRules).toEqual([]);
    expect(removed.content.penalties.map((p) => p.severity)).toContain('finance.loan');
    expect(removed.before).toEqual({ kind: 'businessRule', value: rule('finance.loan') });
    expect(() => removeRule(content(), 'nope', null)).toThrow(/has no business rule, violation rule or penalty mapping "nope"/);
  });

  it('checks a condition when it is saved, blanks meaning none', () => {
    expect(checkRuleCondition({ ...rule('a'), condition: '  ' }, 'business').condition).toBeNull();
    expect(() => checkRuleCondition({ ...rule('a'), condition: 'input.description.contains(' }, 'business')).toThrow(/invalid condition/);
  });
});
