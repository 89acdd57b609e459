import type {
  BusinessRuleContent,
  CueContent,
  Decision,
  PenaltyMappingContent,
  TestCaseContent,
  VariantContent,
  ViolationRuleContent,
} from '../engine/content';

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
  'TEST_CASE_UPSERTED',
  'TEST_CASE_REMOVED',
  'DRAFT_REBASED',
  'REINSTATEMENT_POLICY_SET',
  'CONTEXT_CUES_SET',
  'VARIANTS_SET',
  'DISTINCT_WORDS_SET',
  'ENTERPRISE_REINSTATED',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export interface RulesetSettings {
  key: string;
  name: string;
  description: string | null;
  makerChecker: boolean;
  defaultDecision: Decision;
  defaultMessage: string | null;
}

interface DefaultDecisionState {
  defaultDecision: Decision;
  defaultMessage: string;
}

interface ReinstatementPolicy {
  violationsCountAfterReinstatement: boolean;
}

interface PublishedState {
  status: 'PUBLISHED';
  number: number;
  contentHash: string;
}

/**
 * The changed part of each kind of event, before and after (null where it did not exist):
 * one rule, the default decision, a version's status. Typed per event so that a reader of
 * the trail knows what each `before` and `after` holds.
 */
export type AuditChange =
  | { type: 'RULESET_CREATED'; before: null; after: RulesetSettings }
  | {
      type: 'DRAFT_CREATED';
      before: null;
      /** A rollback draft also names the version it restores and why; an import, who its runner says wrote it. */
      after: { parentNumber: number | null; contentHash: string; revertsTo?: number; changelog?: string; claimedBy?: string };
    }
  | { type: 'DEFAULT_DECISION_SET'; before: DefaultDecisionState; after: DefaultDecisionState }
  | { type: 'BUSINESS_RULE_UPSERTED'; before: BusinessRuleContent | null; after: BusinessRuleContent }
  | { type: 'VIOLATION_RULE_UPSERTED'; before: ViolationRuleContent | null; after: ViolationRuleContent }
  | { type: 'PENALTY_MAPPING_UPSERTED'; before: PenaltyMappingContent | null; after: PenaltyMappingContent }
  | {
      type: 'RULE_REMOVED';
      before: { kind: 'businessRule' | 'violationRule' | 'penalty'; value: BusinessRuleContent | ViolationRuleContent | PenaltyMappingContent };
      after: null;
    }
  | {
      type: 'DRAFT_PUBLISHED';
      before: { status: 'DRAFT'; parentNumber: number | null; editors: string[] } | null;
      after: PublishedState & { changelog: string; effectiveFrom: string };
    }
  | { type: 'DRAFT_DISCARDED'; before: { parentNumber: number | null; contentHash: string; editors: string[]; content: unknown }; after: null }
  | { type: 'TEST_CASE_UPSERTED'; before: TestCaseContent | null; after: TestCaseContent }
  | { type: 'TEST_CASE_REMOVED'; before: TestCaseContent; after: null }
  | { type: 'DRAFT_REBASED'; before: { parentNumber: number | null; contentHash: string }; after: { parentNumber: number; contentHash: string } }
  | {
      type: 'VERSION_RETIRED';
      before: PublishedState;
      /** `forced`: an admin retired the version in effect with no other to take over (absent otherwise). */
      after: { status: 'RETIRED'; number: number; contentHash: string; forced?: true };
    }
  | { type: 'REINSTATEMENT_POLICY_SET'; before: ReinstatementPolicy; after: ReinstatementPolicy }
  | { type: 'CONTEXT_CUES_SET'; before: CueContent[]; after: CueContent[] }
  | { type: 'VARIANTS_SET'; before: VariantContent[]; after: VariantContent[] }
  | { type: 'DISTINCT_WORDS_SET'; before: string[]; after: string[] };

/** Changes to an enterprise rather than to a ruleset: the event names the enterprise, and no ruleset or draft. */
export type EnterpriseChange = {
  type: 'ENTERPRISE_REINSTATED';
  before: { status: 'OFFLINE'; reinstatedAt: string | null };
  after: { status: 'ACTIVE'; reinstatedAt: string; reason: string };
};

/** What a service appends: which ruleset and draft (or which enterprise) changed, and how; the actor and time come from the request. */
export type AuditEventInput =
  | (AuditChange & {
      rulesetKey: string;
      versionId: string | null;
      revision: number | null;
    })
  | (EnterpriseChange & { enterpriseId: string });
