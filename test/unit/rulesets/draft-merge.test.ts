import type { BusinessRuleContent, RulesetContent } from '../../../src/engine';
import { mergeDraft } from '../../../src/rulesets/draft-merge';

const rule = (key: string, patch: Partial<BusinessRuleContent> = {}): BusinessRuleContent => ({
  key,
  industry: '金融',
  scenario: '贷款',
  effect: 'REJECT',
  keywords: ['网贷', '贷款'],
  excludeKeywords: [],
  condition: null,
  message: '目前不支持为该业务申请号码，请谅解',
  source: null,
  ...patch,
});

const content = (rules: BusinessRuleContent[], patch: Partial<RulesetContent> = {}): RulesetContent => ({
  defaultDecision: 'REVIEW',
  defaultMessage: '转人工审核',
  businessRules: rules,
  violationRules: [],
  penalties: [],
  ...patch,
});

describe('three-way merge of a stale draft onto the latest version', () => {
  const base = content([rule('loan'), rule('gambling', { keywords: ['赌博'] })]);

  it('keeps both sides: a rule added on each side, and keyword additions and removals of both', () => {
    const ours = content([rule('loan', { keywords: ['贷款', '小额贷'] }), rule('gambling', { keywords: ['赌博'] }), rule('ours-new')]);
    const theirs = content([rule('loan', { keywords: ['网贷', '贷款', '借钱'] }), rule('gambling', { keywords: ['赌博'] }), rule('theirs-new')]);
    const { content: merged, conflicts } = mergeDraft(base, ours, theirs);
    expect(conflicts).toEqual([]);
    expect(merged.businessRules.map((r) => r.key)).toEqual(['gambling', 'loan', 'ours-new', 'theirs-new']);
    expect(merged.businessRules.find((r) => r.key === 'loan')!.keywords).toEqual(['借钱', '小额贷', '贷款']);
  });

  it('takes the changed side of a field only one side changed, and a removal the other side left alone', () => {
    const ours = content([rule('loan', { message: '新的提示' }), rule('gambling', { keywords: ['赌博'] })]);
    const theirs = content([rule('loan', { effect: 'REVIEW' })]);
    const { content: merged, conflicts } = mergeDraft(base, ours, theirs);
    expect(conflicts).toEqual([]);
    expect(merged.businessRules).toEqual([rule('loan', { message: '新的提示', effect: 'REVIEW' })]);
  });

  it('reports a field both sides changed differently with both values, and a removal of what the other side edited', () => {
    const ours = content([rule('loan', { message: '我们的' }), rule('gambling', { keywords: ['赌博', '博彩'] })]);
    const theirs = content([rule('loan', { message: '他们的' })]);
    const { conflicts } = mergeDraft(base, ours, theirs);
    expect(conflicts).toEqual([
      {
        collection: 'businessRules',
        key: 'gambling',
        field: null,
        base: rule('gambling', { keywords: ['赌博'] }),
        ours: rule('gambling', { keywords: ['赌博', '博彩'] }),
        theirs: null,
      },
      { collection: 'businessRules', key: 'loan', field: 'message', base: rule('loan').message, ours: '我们的', theirs: '他们的' },
    ]);
  });

  it('applies a resolution that says which side to take', () => {
    const ours = content([rule('loan', { message: '我们的' }), rule('gambling', { keywords: ['赌博'] })]);
    const theirs = content([rule('loan', { message: '他们的' }), rule('gambling', { keywords: ['赌博'] })]);
    const { content: merged, conflicts } = mergeDraft(base, ours, theirs, [{ collection: 'businessRules', key: 'loan', field: 'message', take: 'OURS' }]);
    expect(conflicts).toEqual([]);
    expect(merged.businessRules.find((r) => r.key === 'loan')!.message).toBe('我们的');
  });

  it('merges the defaults like any field', () => {
    const { content: merged, conflicts } = mergeDraft(
      base,
      content(base.businessRules, { defaultMessage: '新' }),
      content(base.businessRules, { defaultDecision: 'REJECT' }),
    );
    expect(conflicts).toEqual([]);
    expect(merged).toMatchObject({ defaultDecision: 'REJECT', defaultMessage: '新' });
  });
});
