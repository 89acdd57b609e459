import { BadInputError, NotFoundError } from '../common/errors';
import {
  checkCondition,
  type BusinessRuleContent,
  type ConditionKind,
  type Decision,
  type PenaltyMappingContent,
  type RulesetContent,
  type ViolationRuleContent,
} from '../engine';
import { AuditChange } from '../audit/audit-event';
import { ChangeKind } from './version-diff';

/**
 * Draft edits as pure functions: a draft's content in, the edited content and the audit
 * change that describes it out. No database: the authoring service runs them inside its
 * edit transaction, and unit tests run them as they are.
 */
export type ContentEdit = AuditChange & { content: RulesetContent };

/** What removeRule can remove: the content kinds a key can name (diffs use the same names). */
export type RemovableKind = Exclude<ChangeKind, 'DEFAULT'>;

/** How each kind reads in messages, and how the edit trail's RULE_REMOVED events name it. */
const REMOVABLE_KINDS: Record<RemovableKind, { name: string; audit: 'businessRule' | 'violationRule' | 'penalty' }> = {
  BUSINESS_RULE: { name: 'business rule', audit: 'businessRule' },
  VIOLATION_RULE: { name: 'violation rule', audit: 'violationRule' },
  PENALTY: { name: 'penalty mapping', audit: 'penalty' },
};

function blankToNull(value: string | null | undefined): string | null {
  return value == null || value.trim() === '' ? null : value;
}

/** Conditions are parsed and type-checked when saved, so a typo is reported at once, with its position. */
function assertCondition(path: string, condition: string | null, kind: ConditionKind): void {
  if (condition === null) return;
  const check = checkCondition(condition, kind);
  if (check.ok) return;
  const where = check.position === null ? '' : ` at position ${check.position}`;
  throw new BadInputError(`${path}.condition: invalid condition${where}: ${check.message}`, { path: `${path}.condition`, position: check.position });
}

/** Keys name rules across both kinds (a RuleMatch names its rule by key alone). */
function assertKeyFree(content: RulesetContent, key: string, kind: 'business' | 'violation'): void {
  const other = kind === 'business' ? content.violationRules : content.businessRules;
  if (other.some((rule) => rule.key === key)) {
    const otherKind = kind === 'business' ? 'violation' : 'business';
    throw new BadInputError(`key "${key}" already names a ${otherKind} rule in this draft; rule keys are unique across both kinds`);
  }
}

/** The checks of an edit that need no draft: run before the edit transaction opens. */
export function checkRuleCondition<Rule extends BusinessRuleContent | ViolationRuleContent>(rule: Rule, kind: 'business' | 'violation'): Rule {
  const normalized = { ...rule, condition: blankToNull(rule.condition) };
  assertCondition(`${kind === 'business' ? 'businessRules' : 'violationRules'}[${rule.key}]`, normalized.condition, kind);
  return normalized;
}

export function setDefaultDecision(content: RulesetContent, decision: Decision, message: string | null): ContentEdit {
  // The message is told to callers when no rule matches: one written for another decision would mislead them.
  if (message == null && decision !== content.defaultDecision) {
    throw new BadInputError(
      `changing the default decision from ${content.defaultDecision} to ${decision} needs a message: supply \`message\` for the new default decision (the current one, "${content.defaultMessage}", was written for ${content.defaultDecision})`,
      { path: 'defaultMessage' },
    );
  }
  const next = { ...content, defaultDecision: decision, defaultMessage: message ?? content.defaultMessage };
  return {
    type: 'DEFAULT_DECISION_SET',
    content: next,
    before: { defaultDecision: content.defaultDecision, defaultMessage: content.defaultMessage },
    after: { defaultDecision: next.defaultDecision, defaultMessage: next.defaultMessage },
  };
}

/** Whether violations before an enterprise's reinstatement still count toward escalation (absent: they do). */
export function setReinstatementPolicy(content: RulesetContent, violationsCountAfterReinstatement: boolean): ContentEdit {
  return {
    type: 'REINSTATEMENT_POLICY_SET',
    // true is the default: orderContent leaves it out of the stored document.
    content: { ...content, violationsCountAfterReinstatement },
    before: { violationsCountAfterReinstatement: content.violationsCountAfterReinstatement !== false },
    after: { violationsCountAfterReinstatement },
  };
}

/** Adds the rule, or replaces the one with its key (conditions checked by checkRuleCondition). */
export function upsertBusinessRule(content: RulesetContent, rule: BusinessRuleContent): ContentEdit {
  assertKeyFree(content, rule.key, 'business');
  return {
    type: 'BUSINESS_RULE_UPSERTED',
    content: { ...content, businessRules: [...content.businessRules.filter((existing) => existing.key !== rule.key), rule] },
    before: content.businessRules.find((existing) => existing.key === rule.key) ?? null,
    after: rule,
  };
}

export function upsertViolationRule(content: RulesetContent, rule: ViolationRuleContent): ContentEdit {
  assertKeyFree(content, rule.key, 'violation');
  return {
    type: 'VIOLATION_RULE_UPSERTED',
    content: { ...content, violationRules: [...content.violationRules.filter((existing) => existing.key !== rule.key), rule] },
    before: content.violationRules.find((existing) => existing.key === rule.key) ?? null,
    after: rule,
  };
}

export function upsertPenaltyMapping(content: RulesetContent, penalty: PenaltyMappingContent): ContentEdit {
  return {
    type: 'PENALTY_MAPPING_UPSERTED',
    content: { ...content, penalties: [...content.penalties.filter((existing) => existing.severity !== penalty.severity), penalty] },
    before: content.penalties.find((existing) => existing.severity === penalty.severity) ?? null,
    after: penalty,
  };
}

/**
 * Removes the business rule, violation rule or penalty mapping (by severity) with this key.
 * Rule keys and severities are separate namespaces, so a key may name more than one thing:
 * then `kind` must say which, rather than one silently shadowing the other.
 */
export function removeRule(content: RulesetContent, key: string, kind: RemovableKind | null): ContentEdit {
  const found = [
    { kind: 'BUSINESS_RULE' as const, value: content.businessRules.find((rule) => rule.key === key) },
    { kind: 'VIOLATION_RULE' as const, value: content.violationRules.find((rule) => rule.key === key) },
    { kind: 'PENALTY' as const, value: content.penalties.find((mapping) => mapping.severity === key) },
  ].filter((entry) => entry.value !== undefined && (kind == null || entry.kind === kind));
  if (found.length === 0) {
    const what = kind == null ? 'business rule, violation rule or penalty mapping' : REMOVABLE_KINDS[kind].name;
    throw new NotFoundError(`the draft has no ${what} "${key}"`);
  }
  if (found.length > 1) {
    const kinds = found.map((entry) => entry.kind);
    const named = found.map((entry) => `a ${REMOVABLE_KINDS[entry.kind].name}`).join(' and ');
    throw new BadInputError(`key "${key}" names ${named} in this draft; pass kind (${kinds.join(' or ')}) to say which to remove`, { kinds });
  }
  const [removed] = found;
  const next: RulesetContent =
    removed.kind === 'BUSINESS_RULE'
      ? { ...content, businessRules: content.businessRules.filter((rule) => rule !== removed.value) }
      : removed.kind === 'VIOLATION_RULE'
        ? { ...content, violationRules: content.violationRules.filter((rule) => rule !== removed.value) }
        : { ...content, penalties: content.penalties.filter((mapping) => mapping !== removed.value) };
  return { type: 'RULE_REMOVED', content: next, before: { kind: REMOVABLE_KINDS[removed.kind].audit, value: removed.value! }, after: null };
}
