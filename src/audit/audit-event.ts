/** Every kind of authoring change the edit trail records. */
export const AUDIT_EVENT_TYPES = [
  'RULESET_CREATED',
  'DRAFT_CREATED',
  'DEFAULT_DECISION_SET',
  'BUSINESS_RULE_UPSERTED',
  'VIOLATION_RULE_UPSERTED',
  'PENALTY_MAPPING_UPSERTED',
  'RULE_REMOVED',
  'DRAFT_PUBLISHED',
  'DRAFT_DISCARDED',
  'VERSION_RETIRED',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** What a service appends: who changed what, with the changed part before and after. */
export interface AuditEventInput {
  type: AuditEventType;
  actor: string;
  rulesetKey: string;
  versionId: string | null;
  revision: number | null;
  /** The changed part only (one rule, the default decision, ...), null when it did not exist. */
  before: unknown;
  after: unknown;
}
