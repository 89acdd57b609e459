/**
 * The content of a ruleset version: exactly what is hashed (RFC 8785 canonical JSON)
 * and what the evaluator compiles. No database ids, no authoring metadata.
 */
export type Decision = 'ALLOW' | 'REVIEW' | 'REJECT';
export const DECISIONS: readonly Decision[] = ['ALLOW', 'REVIEW', 'REJECT'];

/**
 * What a business rule does when it matches: decide (one of the decisions), or FLAG. A FLAG
 * rule decides nothing; it attaches a signal for the reviewer to a REVIEW decision.
 */
export type RuleEffect = Decision | 'FLAG';
export const RULE_EFFECTS: readonly RuleEffect[] = [...DECISIONS, 'FLAG'];

/** A FLAG rule's weight when it states none. */
export const DEFAULT_FLAG_WEIGHT = 1;
/** Weights are whole numbers from 1 to this, so that a risk score is an exact sum that sorts the same everywhere. */
export const MAX_FLAG_WEIGHT = 100;

export interface BusinessRuleContent {
  key: string;
  industry: string;
  scenario: string;
  effect: RuleEffect;
  keywords: string[];
  excludeKeywords: string[];
  condition: string | null;
  message: string;
  source: string | null;
  /** Why the rule is as it is; absent rather than null, so content without notes keeps its hash. */
  note?: string;
  /** FLAG rules only: what the signal adds to a decision's risk score (absent: DEFAULT_FLAG_WEIGHT). Absent rather than null, so content without flags keeps its hash. */
  weight?: number;
}

export interface ViolationRuleContent {
  key: string;
  behavior: string;
  title: string;
  severity: string;
  condition: string | null;
  source: string | null;
  /** Why the rule is as it is; absent rather than null, so content without notes keeps its hash. */
  note?: string;
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

/** The recorded standing a test case's evaluation reads (as `enterprise` in conditions). */
export interface TestStandingContent {
  status: 'ACTIVE' | 'OFFLINE';
  violationCount: number;
  seriousViolationCount: number;
}

/** A number application a test case decides, as a service would send it. */
export interface TestApplicationContent {
  description: string;
  industry: string | null;
  scenario: string | null;
  callDirection: 'INBOUND' | 'OUTBOUND' | null;
  facts: Record<string, unknown> | null;
}

/** A violation report a test case judges, with the history it is judged against. */
export interface TestViolationContent {
  behavior: string;
  verified: boolean;
  declaredBusiness: string | null;
  actualBusiness: string | null;
  facts: Record<string, unknown> | null;
  /** ISO time the report is judged at (fixed, so the case means the same forever). */
  at: string;
  priorViolations: { severity: string; at: string }[];
}

/**
 * A test case that belongs to the version: an application and the decision it must get, or a
 * violation report and the severity it must get (null: no penalty); optionally the rule keys
 * that must match. Publishing refuses a version whose cases fail.
 */
export interface TestCaseContent {
  key: string;
  application: TestApplicationContent | null;
  violation: TestViolationContent | null;
  enterprise: TestStandingContent | null;
  expectedDecision: Decision | null;
  expectedSeverity: string | null;
  expectedRuleKeys: string[] | null;
}

export interface RulesetContent {
  defaultDecision: Decision;
  defaultMessage: string;
  businessRules: BusinessRuleContent[];
  violationRules: ViolationRuleContent[];
  penalties: PenaltyMappingContent[];
  /** Absent when the version has none, so content written before test cases keeps its hash. */
  testCases?: TestCaseContent[];
  /**
   * Whether violations recorded before an enterprise's last reinstatement still count toward
   * escalation. Absent means true (they count); only `false` is stored, so that content
   * written before this setting existed keeps its hash.
   */
  violationsCountAfterReinstatement?: boolean;
}
