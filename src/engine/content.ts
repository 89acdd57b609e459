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
  /**
   * Keywords of this rule that match inside any word (semantics 2 matches a keyword only as
   * whole words of the segmented description). Absent when none, so older content keeps its hash.
   */
  matchInsideWords?: string[];
  /** true: the rule's keywords are prohibited in any context, so no context cue neutralises them. Only `true` is stored. */
  anyContext?: boolean;
  /** FLAG rules only: what the signal adds to a decision's risk score (absent: DEFAULT_FLAG_WEIGHT). Absent rather than null, so content without flags keeps its hash. */
  weight?: number;
}

/** What a context cue says about a keyword near it: the word is there, but it is not the applicant's business. */
export type CueKind = 'NEGATION' | 'HISTORY' | 'PREMISES' | 'CLIENTELE' | 'PAYMENT' | 'INTERNAL';
export const CUE_KINDS: readonly CueKind[] = ['NEGATION', 'HISTORY', 'PREMISES', 'CLIENTELE', 'PAYMENT', 'INTERNAL'];

/** Where a cue word must stand relative to the keyword it governs. */
export type CueSide = 'BEFORE' | 'AFTER' | 'AROUND';
/** A cue reaches at most this many characters from the keyword (and never past its clause). */
export const MAX_CUE_WINDOW = 30;
export const CUE_SIDES: readonly CueSide[] = ['BEFORE', 'AFTER', 'AROUND'];

/**
 * A context cue (semantics 2): when one of its words stands within `window` characters of a
 * keyword hit, on its side and in the same clause, the hit is neutralised: it does not decide,
 * it becomes a signal for the reviewer naming the cue.
 */
export interface CueContent {
  key: string;
  kind: CueKind;
  words: string[];
  side: CueSide;
  /** Characters between the cue word and the keyword, at most. */
  window: number;
  /**
   * Side BEFORE or AFTER only: words of which one must also stand on the other side of the
   * keyword, within the same window (给 [X] 做保洁: a service for X, not X). Absent when none.
   */
  otherSide?: string[];
  note?: string;
}

/** How a variant spelling came about (for the reader and the diff; matching treats all alike). */
export type VariantKind = 'PINYIN' | 'HOMOPHONE' | 'EUPHEMISM' | 'TRADITIONAL';
export const VARIANT_KINDS: readonly VariantKind[] = ['PINYIN', 'HOMOPHONE', 'EUPHEMISM', 'TRADITIONAL'];

/** A spelling of a term that normalisation (semantics 2) rewrites to its canonical form before matching. */
export interface VariantContent {
  variant: string;
  canonical: string;
  kind: VariantKind;
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
  /** Context cues (semantics 2). Absent when none, so content written before cues keeps its hash. */
  cues?: CueContent[];
  /** Variant vocabulary (semantics 2). Absent when none, so content written before variants keeps its hash. */
  variants?: VariantContent[];
  /**
   * Words with a meaning of their own that contain a keyword (超宽带 contains 宽带, 保险柜 contains
   * 保险): semantics 2 adds them to the segmenter's dictionary, and a keyword inside one, where the
   * text forms that word, is a fragment and does not match. Absent when none (hash as before).
   */
  distinctWords?: string[];
}
