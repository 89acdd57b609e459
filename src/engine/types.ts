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
 * Something for the reviewer that does not decide by itself: a keyword a context cue
 * neutralised (`cue` names the cue), or a declared industry the description contradicts.
 */
export interface SignalOutcome {
  ruleKey: string;
  message: string;
  evidence: string[];
  weight: number;
  cue?: string;
}

export interface NumberApplicationOutcome {
  decision: Decision;
  message: string;
  matches: RuleMatchOutcome[];
  /** Present only when non-empty, so outcomes without signals are as before. */
  signals?: SignalOutcome[];
  /** The sum of the signals' weights; present only with signals. */
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
