import { BadInputError, NotFoundError, ValidationFailedError } from '../common/errors';
import {
  checkCondition,
  literalProblem,
  validateContent,
  type BusinessRuleContent,
  type ConditionKind,
  type CueContent,
  type Decision,
  type PenaltyMappingContent,
  type RuleEffect,
  type RulesetContent,
  type TestCaseContent,
  type VariantContent,
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
export type RemovableKind = Exclude<ChangeKind, 'DEFAULT' | 'TEST_CASE' | 'CUE' | 'VARIANT' | 'DISTINCT_WORDS'>;

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
  const literals = check.ok && kind === 'business' ? literalProblem(condition) : null;
  if (literals) throw new BadInputError(`${path}.condition: ${literals}`, { path: `${path}.condition` });
  if (check.ok) return;
  const where = check.position === null ? '' : ` at position ${check.position}`;
  if (check.problem === 'over-budget') {
    // Valid CEL that could stall an evaluation: the same refusal publishing would give.
    const message = `condition over its cost limit${where}: ${check.message}`;
    throw new ValidationFailedError(`${path}.condition: ${message}`, [{ path: `${path}.condition`, message }]);
  }
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

/** The context vocabulary is checked when saved, as publishing would check it: all its problems at once. */
function withContextVocabulary(content: RulesetContent, field: 'cues' | 'variants' | 'distinctWords', list: unknown[]): RulesetContent {
  const next = { ...content };
  if (list.length > 0) Object.assign(next, { [field]: list });
  else delete next[field];
  const issues = validateContent(next).filter((issue) => issue.path.startsWith(field));
  if (issues.length > 0) throw new ValidationFailedError(`${field}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, issues);
  return next;
}

/** Replaces the draft's context cues (semantics 2): the list is small and read as a whole. */
export function setContextCues(content: RulesetContent, cues: CueContent[]): ContentEdit {
  return { type: 'CONTEXT_CUES_SET', content: withContextVocabulary(content, 'cues', cues), before: content.cues ?? [], after: cues };
}

/** Replaces the draft's variant vocabulary (semantics 2). */
export function setVariants(content: RulesetContent, variants: VariantContent[]): ContentEdit {
  return { type: 'VARIANTS_SET', content: withContextVocabulary(content, 'variants', variants), before: content.variants ?? [], after: variants };
}

/** Replaces the draft's distinct words (semantics 2). */
export function setDistinctWords(content: RulesetContent, words: string[]): ContentEdit {
  return { type: 'DISTINCT_WORDS_SET', content: withContextVocabulary(content, 'distinctWords', words), before: content.distinctWords ?? [], after: words };
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

/** A partial change of a business rule: keyword additions and removals, and the fields given. */
export interface BusinessRulePatch {
  addKeywords?: string[] | null;
  removeKeywords?: string[] | null;
  addExcludeKeywords?: string[] | null;
  removeExcludeKeywords?: string[] | null;
  industry?: string | null;
  scenario?: string | null;
  effect?: RuleEffect | null;
  weight?: number | null;
  /** An empty string removes the condition. */
  condition?: string | null;
  message?: string | null;
  source?: string | null;
}

function editSet(values: string[], add: string[] | null | undefined, remove: string[] | null | undefined, path: string): string[] {
  const missing = (remove ?? []).filter((value) => !values.includes(value));
  if (missing.length > 0)
    throw new BadInputError(`${path}: ${missing.map((value) => JSON.stringify(value)).join(', ')} not in the rule, nothing to remove`, { path });
  return [...new Set([...values.filter((value) => !(remove ?? []).includes(value)), ...(add ?? [])])];
}

/** Changes part of a business rule without resending it; what the patch leaves out stays as it is. */
export function patchBusinessRule(content: RulesetContent, key: string, patch: BusinessRulePatch): ContentEdit {
  const rule = content.businessRules.find((existing) => existing.key === key);
  if (!rule) throw new NotFoundError(`the draft has no business rule "${key}"`);
  const given = <T>(value: T | null | undefined, current: T): T => (value === undefined || value === null ? current : value);
  const { weight: currentWeight, ...unweighted } = rule;
  const effect = given(patch.effect, rule.effect);
  // A weight given for a rule that does not flag is kept, for validation to refuse; an old one goes with the FLAG effect.
  const weight = effect === 'FLAG' ? given(patch.weight, currentWeight) : (patch.weight ?? undefined);
  const patched: BusinessRuleContent = {
    ...unweighted,
    ...(weight === undefined ? {} : { weight }),
    industry: given(patch.industry, rule.industry),
    scenario: given(patch.scenario, rule.scenario),
    effect,
    message: given(patch.message, rule.message),
    source: patch.source === undefined || patch.source === null ? rule.source : blankToNull(patch.source),
    condition: patch.condition === undefined || patch.condition === null ? rule.condition : blankToNull(patch.condition),
    keywords: editSet(rule.keywords, patch.addKeywords, patch.removeKeywords, `businessRules[${key}].keywords`),
    excludeKeywords: editSet(rule.excludeKeywords, patch.addExcludeKeywords, patch.removeExcludeKeywords, `businessRules[${key}].excludeKeywords`),
  };
  assertCondition(`businessRules[${key}]`, patched.condition, 'business');
  return upsertBusinessRule(content, patched);
}

export function upsertTestCase(content: RulesetContent, testCase: TestCaseContent): ContentEdit {
  const testCases = content.testCases ?? [];
  return {
    type: 'TEST_CASE_UPSERTED',
    content: { ...content, testCases: [...testCases.filter((existing) => existing.key !== testCase.key), testCase] },
    before: testCases.find((existing) => existing.key === testCase.key) ?? null,
    after: testCase,
  };
}

export function removeTestCase(content: RulesetContent, key: string): ContentEdit {
  const removed = (content.testCases ?? []).find((existing) => existing.key === key);
  if (!removed) throw new NotFoundError(`the draft has no test case "${key}"`);
  const testCases = content.testCases!.filter((existing) => existing !== removed);
  const { testCases: _all, ...rest } = content;
  return { type: 'TEST_CASE_REMOVED', content: testCases.length > 0 ? { ...rest, testCases } : rest, before: removed, after: null };
}
