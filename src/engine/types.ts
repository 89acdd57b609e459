import type { Decision } from './content';

/** What an enterprise applying for a number tells us. */
export interface NumberApplicationInput {
  enterpriseId?: string | null;
  industry?: string | null;
  scenario?: string | null;
  description: string;
  callDirection?: 'INBOUND' | 'OUTBOUND' | null;
  facts?: Record<string, unknown> | null;
}

export interface EnterpriseStanding {
  id: string;
  status: 'ACTIVE' | 'OFFLINE';
  seriousViolationCount: number;
  violationCount: number;
  /** ISO time of the last reinstatement after being OFFLINE; absent when never reinstated (and in state logged before reinstatement existed). */
  reinstatedAt?: string;
}

/** State read by the caller before evaluating an application (logged with the decision). */
export interface ApplicationState {
  enterprise: EnterpriseStanding | null;
}

export interface RuleMatchOutcome {
  ruleKey: string;
  effect: Decision | null;
  severity: string | null;
  industry: string | null;
  scenario: string | null;
  behavior: string | null;
  message: string;
  evidence: string[];
}

/**
 * Something for the reviewer that does not decide by itself: a matching FLAG rule's signal, a
 * keyword a context cue neutralised (semantics 2; `cue` names the cue), or a declared industry
 * the description contradicts (semantics 2).
 */
export interface SignalOutcome {
  ruleKey: string;
  message: string;
  evidence: string[];
  weight: number;
  /** The context cue that turned a keyword hit into this signal, when one did. */
  cue?: string;
}

export interface NumberApplicationOutcome {
  decision: Decision;
  message: string;
  /** The deciding rules that matched (never FLAG rules), in rule-key order. */
  matches: RuleMatchOutcome[];
  /**
   * REVIEW decisions only, and present only when at least one signal exists (with riskScore,
   * the sum of their weights): an outcome without signals is byte-identical to one logged
   * before FLAG rules existed.
   */
  signals?: SignalOutcome[];
  riskScore?: number;
}

export interface ViolationInput {
  enterpriseId: string;
  behavior: string;
  verified: boolean;
  declaredBusiness?: string | null;
  actualBusiness?: string | null;
  /** ISO time; informational, escalation windows are anchored on ViolationState.at. */
  occurredAt?: string | null;
  facts?: Record<string, unknown> | null;
}

export interface PriorViolation {
  severity: string;
  /** ISO time */
  at: string;
}

export interface ViolationState {
  /** ISO time the violation is judged at, supplied by the caller (the engine has no clock). */
  at: string;
  enterprise: EnterpriseStanding | null;
  priorViolations: PriorViolation[];
}

export interface PenaltyActionOutcome {
  code: string;
  label: string;
}

export interface ViolationOutcome {
  severity: string | null;
  label: string | null;
  actions: PenaltyActionOutcome[];
  message: string;
  matches: RuleMatchOutcome[];
  priorViolations: number;
  escalated: boolean;
}

export interface ValidationIssue {
  path: string;
  message: string;
}
