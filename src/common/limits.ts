/**
 * Every bound the service puts on what a caller may send or ask for, in one place, so that
 * the GraphQL guards, the validators, the services and the docs agree.
 */

/** Evaluations one request may ask for: batch inputs and aliased evaluation fields counted together. */
export const MAX_EVALUATIONS_PER_REQUEST = 1000;

/** Bounds on what a caller may send for one evaluation. */
export const INPUT_LIMITS = {
  descriptionChars: 2000,
  labelChars: 200,
  idChars: 128,
  behaviorChars: 64,
  factsBytes: 16 * 1024,
  factsDepth: 8,
} as const;

/** Bounds on the free text of rulesets and versions. */
export const AUTHORING_TEXT_LIMITS = { name: 200, description: 2000, message: 2000, changelog: 4000, reinstatementReason: 2000 } as const;

/** Bounds on one rule's fields (GraphQL rule inputs). */
export const RULE_LIMITS = { text: 2000, short: 200, keywords: 1000 } as const;

/** A draft's context vocabulary (issue 17): cues, variant spellings and distinct words, each set as a whole list. */
export const CONTEXT_LIMITS = { cues: 200, variants: 5000, distinctWords: 5000 } as const;

/** Variables nest this deep at most (input objects, lists, JSON values such as `facts`). */
export const MAX_VARIABLE_DEPTH = 32;

/** Distinct operation names kept as metric labels; later ones are counted as `other`. */
export const MAX_OPERATION_LABELS = 200;

/** Page sizes of the list queries. */
export const MAX_AUDIT_PAGE = 500;
export const MAX_DECISION_PAGE = 500;

/** Per-decision samples impact analysis may return. */
export const MAX_IMPACT_SAMPLES = 200;

/** Active API keys a process keeps in memory. */
export const MAX_CACHED_KEYS = 10_000;

/** The largest position the decision log can have (PostgreSQL bigint); a checkpoint beyond it names nothing. */
export const MAX_LOG_SEQUENCE = 9223372036854775807n;

/** Bounds on what a reviewer or appellant sends: the reason's length and the rule keys named. */
export const REVIEW_LIMITS = { reasonChars: 2000, ruleKeys: 100 } as const;

/** Page size of the review queue. */
export const MAX_REVIEW_QUEUE_PAGE = 200;
