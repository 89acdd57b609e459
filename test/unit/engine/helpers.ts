import type { BusinessRuleContent, RulesetContent, ViolationRuleContent } from '../../../src/engine';

/** Small hand-built rulesets for behaviour tests; the seed is exercised separately. */
export function businessRule(overrides: Partial<BusinessRuleContent> & { key: string }): BusinessRuleContent {
  return {
    industry: '测试',
    scenario: '测试场景',
    effect: 'REJECT',
    keywords: [],
    excludeKeywords: [],
    condition: null,
    message: `message of ${overrides.key}`,
    source: null,
    ...overrides,
  };
}

export function violationRule(overrides: Partial<ViolationRuleContent> & { key: string }): ViolationRuleContent {
  return { behavior: 'HARASSMENT_COMPLAINT', title: `title of ${overrides.key}`, severity: 'SERIOUS', condition: null, source: null, ...overrides };
}

export function ruleset(overrides: Partial<RulesetContent> = {}): RulesetContent {
  return {
    defaultDecision: 'REVIEW',
    defaultMessage: '其他未明确业务以最终申请号码审核为准',
    businessRules: [],
    violationRules: [],
    penalties: [
      {
        severity: 'CRITICAL',
        label: '特大违规',
        rank: 2,
        actions: [{ code: 'OFFLINE_ALL_BUSINESS', label: '将您的全部业务下线整改' }],
        message: '将您的全部业务下线整改',
        escalation: null,
      },
      {
        severity: 'SERIOUS',
        label: '严重违规',
        rank: 1,
        actions: [{ code: 'WARNING', label: '警告' }],
        message: '对您进行警告，并记录一次严重违规',
        escalation: null,
      },
    ],
    ...overrides,
  };
}
