/**
 * The content of a ruleset version: exactly what is hashed (RFC 8785 canonical JSON)
 * and what the evaluator compiles. No database ids, no authoring metadata.
 */
export type Decision = 'ALLOW' | 'REVIEW' | 'REJECT';
export const DECISIONS: readonly Decision[] = ['ALLOW', 'REVIEW', 'REJECT'];

export interface BusinessRuleContent {
  key: string;
  industry: string;
  scenario: string;
  effect: Decision;
  keywords: string[];
  excludeKeywords: string[];
  condition: string | null;
  message: string;
  source: string | null;
}

export interface ViolationRuleContent {
  key: string;
  behavior: string;
  title: string;
  severity: string;
  condition: string | null;
  source: string | null;
}

export interface PenaltyActionContent {
  code: string;
  label: string;
}

export interface EscalationContent {
  count: number;
  withinDays: number;
  toSeverity: string;
}

export interface PenaltyMappingContent {
  severity: string;
  label: string;
  rank: number;
  actions: PenaltyActionContent[];
  message: string;
  escalation: EscalationContent | null;
}

export interface RulesetContent {
  defaultDecision: Decision;
  defaultMessage: string;
  businessRules: BusinessRuleContent[];
  violationRules: ViolationRuleContent[];
  penalties: PenaltyMappingContent[];
  /**
   * Whether violations recorded before an enterprise's last reinstatement still count toward
   * escalation. Absent means true (they count); only `false` is stored, so that content
   * written before this setting existed keeps its hash.
   */
  violationsCountAfterReinstatement?: boolean;
}
