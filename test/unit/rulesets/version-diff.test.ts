import type { BusinessRuleContent, PenaltyMappingContent, RulesetContent } from '../../../src/engine/content';
import { diffContent, emptyContent, formatChanges } from '../../../src/rulesets/version-diff';

const rule = (overrides: Partial<BusinessRuleContent> = {}): BusinessRuleContent => ({
  key: 'finance.credit-card',
  industry: '金融',
  scenario: '信用卡',
  effect: 'REJECT',
  keywords: ['信用卡', '刷卡'],
  excludeKeywords: [],
  condition: null,
  message: '目前不支持为该业务申请号码，请谅解',
  source: null,
  ...overrides,
});

const penalty = (overrides: Partial<PenaltyMappingContent> = {}): PenaltyMappingContent => ({
  severity: 'SERIOUS',
  label: '严重违规',
  rank: 1,
  actions: [{ code: 'WARN', label: '警告' }],
  message: '对您进行警告，并记录一次严重违规',
  escalation: null,
  ...overrides,
});

const content = (overrides: Partial<RulesetContent> = {}): RulesetContent => ({
  defaultDecision: 'REVIEW',
  defaultMessage: '其他未明确业务以最终申请号码审核为准',
  businessRules: [rule()],
  violationRules: [{ key: 'fraud', behavior: 'FRAUD_COMPLAINT', title: '核实的诈骗类投诉', severity: 'SERIOUS', condition: null, source: null }],
  penalties: [penalty()],
  ...overrides,
});

describe('diffContent', () => {
  it('shows a rule turned into a FLAG rule and its weight changing', () => {
    const flagged = content({ businessRules: [rule({ effect: 'FLAG', weight: 2 })] });
    const changes = formatChanges(diffContent(content(), flagged));
    expect(changes).toContain('effect REJECT -> FLAG');
    expect(changes).toContain('weight added 2');
    expect(formatChanges(diffContent(flagged, content({ businessRules: [rule({ effect: 'FLAG', weight: 5 })] })))).toContain('weight 2 -> 5');
  });

  it('shows a note added to a rule, and treats no note as absent', () => {
    const noted = content({ businessRules: [rule({ note: 'fences off bank branches' })] });
    expect(formatChanges(diffContent(content(), noted))).toContain('note added "fences off bank branches"');
    expect(diffContent(noted, noted)).toEqual([]);
  });

  it('finds no differences between equal contents, whatever the order of rules and keywords', () => {
    const reordered = content({ businessRules: [rule({ keywords: ['刷卡', '信用卡'] })] });
    expect(diffContent(content(), reordered)).toEqual([]);
    expect(formatChanges([])).toBe('no differences');
  });

  it('describes keyword changes as set differences in domain terms', () => {
    const after = content({ businessRules: [rule({ keywords: ['信用卡', '办卡'] })] });
    const changes = diffContent(content(), after);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ key: 'finance.credit-card', kind: 'BUSINESS_RULE', action: 'CHANGED', change: '金融/信用卡: keywords +办卡 -刷卡' });
    expect(changes[0].before).toEqual(rule());
    expect(changes[0].after).toEqual(rule({ keywords: ['信用卡', '办卡'] }));
  });

  it('lists several field changes of one rule in one line', () => {
    const after = content({
      businessRules: [rule({ effect: 'REVIEW', excludeKeywords: ['银行客服'], condition: 'input.industry == "金融"', message: '转人工审核' })],
    });
    expect(diffContent(content(), after)[0].change).toBe(
      '金融/信用卡: effect REJECT -> REVIEW; excludeKeywords +银行客服; condition added "input.industry == \\"金融\\""; message "目前不支持为该业务申请号码，请谅解" -> "转人工审核"',
    );
  });

  it('reports added and removed rules by key, with the whole rule before or after', () => {
    const added = rule({ key: 'finance.loans', scenario: '贷款', keywords: ['借钱', '贷款'] });
    const changes = diffContent(content(), content({ businessRules: [added] }));
    expect(changes.map((c) => [c.action, c.key, c.change])).toEqual(
      [
        ['ADDED', 'finance.loans', '金融/贷款: added (REJECT, keywords 借钱 贷款)'],
        ['REMOVED', 'finance.credit-card', '金融/信用卡: removed'],
      ].sort((a, b) => (a[1] < b[1] ? -1 : 1)),
    );
    expect(changes.find((c) => c.action === 'ADDED')).toMatchObject({ before: null, after: added });
    expect(changes.find((c) => c.action === 'REMOVED')).toMatchObject({ before: rule(), after: null });
  });

  it('describes violation rule, penalty and default changes', () => {
    const after = content({
      defaultDecision: 'REJECT',
      violationRules: [{ key: 'fraud', behavior: 'FRAUD_COMPLAINT', title: '核实的诈骗类投诉', severity: 'CRITICAL', condition: null, source: null }],
      penalties: [
        penalty({
          actions: [
            { code: 'WARN', label: '警告' },
            { code: 'RECORD', label: '记录一次严重违规' },
          ],
          escalation: { count: 3, withinDays: 30, toSeverity: 'CRITICAL' },
        }),
        penalty({
          severity: 'CRITICAL',
          label: '特大违规',
          rank: 2,
          actions: [{ code: 'OFFLINE_ALL', label: '全部业务下线整改' }],
          message: '将您的全部业务下线整改',
        }),
      ],
    });
    expect(formatChanges(diffContent(content(), after)).split('\n')).toEqual([
      '~ [DEFAULT defaultDecision] default decision: REVIEW -> REJECT',
      '~ [VIOLATION_RULE fraud] FRAUD_COMPLAINT 核实的诈骗类投诉: severity SERIOUS -> CRITICAL',
      '+ [PENALTY CRITICAL] CRITICAL 特大违规: added (rank 2, actions OFFLINE_ALL(全部业务下线整改), escalation none)',
      '~ [PENALTY SERIOUS] SERIOUS 严重违规: actions +RECORD(记录一次严重违规); escalation none -> 3 within 30 days -> CRITICAL',
    ]);
  });

  it('compares against the empty ruleset before version 1', () => {
    const before = emptyContent({ defaultDecision: 'REVIEW', defaultMessage: '其他未明确业务以最终申请号码审核为准' });
    const changes = diffContent(before, content());
    expect(changes.map((c) => `${c.action} ${c.kind} ${c.key}`)).toEqual([
      'ADDED BUSINESS_RULE finance.credit-card',
      'ADDED VIOLATION_RULE fraud',
      'ADDED PENALTY SERIOUS',
    ]);
  });
});
