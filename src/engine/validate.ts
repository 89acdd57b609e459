import { CUE_KINDS, CUE_SIDES, DECISIONS, MAX_CUE_WINDOW, MAX_FLAG_WEIGHT, RULE_EFFECTS, VARIANT_KINDS, type RulesetContent } from './content';
import { CONDITION_INPUT_BOUNDS, MAX_EVALUATION_STEPS } from './condition-cost';
import { checkCondition, describeEvaluationBudget, literalProblem, type ConditionCheck, type ConditionKind } from './conditions';
import { normalizeDescription, normalizeText } from './semantics';
import type { ValidationIssue } from './types';

function isBlank(value: unknown): boolean {
  return typeof value !== 'string' || value.trim() === '';
}

/** `businessRules[medical.drug-sales]`, or the index when the key itself is blank. */
function rulePath(collection: string, key: string, index: number): string {
  return isBlank(key) ? `${collection}[#${index}]` : `${collection}[${key}]`;
}

function describeCondition(check: Exclude<ConditionCheck, { ok: true }>): string {
  const what = check.problem === 'over-budget' ? 'condition over its cost limit' : 'invalid condition';
  return check.position === null ? `${what}: ${check.message}` : `${what} at position ${check.position}: ${check.message}`;
}

/**
 * Every problem that would make a version unsafe or misleading to publish. Returns all
 * of them (not just the first) so that an editor can fix a draft in one pass.
 */
export function validateContent(content: RulesetContent): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const report = (path: string, message: string): void => {
    issues.push({ path, message });
  };
  // Every condition of a version may run in one evaluation (a violation runs the business rules on the actual business too).
  let evaluationSteps = 0;
  const checkRuleCondition = (path: string, condition: string | null, kind: ConditionKind): void => {
    if (condition === null) return;
    if (isBlank(condition)) return report(`${path}.condition`, 'condition is blank; use null for none');
    const check = checkCondition(condition, kind);
    if (!check.ok) return report(`${path}.condition`, describeCondition(check));
    const literals = kind === 'business' ? literalProblem(condition) : null;
    if (literals) report(`${path}.condition`, literals);
    const before = evaluationSteps;
    evaluationSteps += check.steps;
    if (before <= MAX_EVALUATION_STEPS && evaluationSteps > MAX_EVALUATION_STEPS) {
      report(`${path}.condition`, `condition over its cost limit: ${describeEvaluationBudget(evaluationSteps)}`);
    }
  };

  if (!DECISIONS.includes(content.defaultDecision)) {
    report('defaultDecision', `unknown decision "${String(content.defaultDecision)}"; expected one of ${DECISIONS.join(', ')}`);
  }
  if (isBlank(content.defaultMessage)) report('defaultMessage', 'default message is empty');
  if (content.violationsCountAfterReinstatement !== undefined && typeof content.violationsCountAfterReinstatement !== 'boolean') {
    report('violationsCountAfterReinstatement', 'must be true or false (absent: true)');
  }

  // Keys are unique across both kinds of rule: a RuleMatch names a rule by key alone.
  const seenKeys = new Set<string>();
  const checkKey = (path: string, key: string): void => {
    if (isBlank(key)) return report(`${path}.key`, 'key is empty');
    if (seenKeys.has(key)) report(`${path}.key`, `duplicate rule key "${key}"`);
    seenKeys.add(key);
  };

  if (content.businessRules.length > CONDITION_INPUT_BOUNDS.businessRules) {
    report(
      'businessRules',
      `a version may hold at most ${CONDITION_INPUT_BOUNDS.businessRules} business rules (conditions' cost limits assume it); this one holds ${content.businessRules.length}`,
    );
  }
  content.businessRules.forEach((rule, index) => {
    const path = rulePath('businessRules', rule.key, index);
    checkKey(path, rule.key);
    if (!RULE_EFFECTS.includes(rule.effect)) {
      report(`${path}.effect`, `unknown effect "${String(rule.effect)}"; expected one of ${RULE_EFFECTS.join(', ')}`);
    }
    if (rule.weight !== undefined) {
      if (rule.effect !== 'FLAG') report(`${path}.weight`, 'only a FLAG rule has a weight; a deciding rule adds nothing to a risk score');
      else if (!Number.isInteger(rule.weight) || rule.weight < 1 || rule.weight > MAX_FLAG_WEIGHT) {
        report(`${path}.weight`, `weight must be a whole number from 1 to ${MAX_FLAG_WEIGHT}`);
      }
    }
    if (isBlank(rule.industry)) report(`${path}.industry`, 'industry is empty');
    if (isBlank(rule.scenario)) report(`${path}.scenario`, 'scenario is empty');
    if (isBlank(rule.message)) report(`${path}.message`, 'message is empty');
    if (rule.keywords.length === 0 && rule.condition === null) {
      report(`${path}.keywords`, 'a rule without a condition needs at least one keyword');
    }
    rule.keywords.forEach((keyword, i) => {
      if (normalizeText(keyword) === '') report(`${path}.keywords[${i}]`, 'keyword is blank after normalisation');
    });
    rule.excludeKeywords.forEach((keyword, i) => {
      if (normalizeText(keyword) === '') report(`${path}.excludeKeywords[${i}]`, 'exclusion is blank after normalisation');
    });
    checkRuleCondition(path, rule.condition, 'business');
    (rule.matchInsideWords ?? []).forEach((keyword, i) => {
      if (!rule.keywords.includes(keyword)) report(`${path}.matchInsideWords[${i}]`, `"${keyword}" is not one of the rule's keywords`);
    });
    if (rule.anyContext !== undefined && rule.anyContext !== true) report(`${path}.anyContext`, 'only true is stored (absent: cues apply)');
  });

  const severities = new Set(content.penalties.map((penalty) => penalty.severity));
  content.violationRules.forEach((rule, index) => {
    const path = rulePath('violationRules', rule.key, index);
    checkKey(path, rule.key);
    if (isBlank(rule.behavior)) report(`${path}.behavior`, 'behavior is empty');
    if (isBlank(rule.title)) report(`${path}.title`, 'title is empty');
    if (!severities.has(rule.severity)) report(`${path}.severity`, `severity "${rule.severity}" has no penalty mapping`);
    checkRuleCondition(path, rule.condition, 'violation');
  });

  // Rank orders severities, higher is more severe (the highest matching one sets a violation's severity).
  const rankOf = new Map<string, number>();
  for (const penalty of content.penalties) if (!rankOf.has(penalty.severity)) rankOf.set(penalty.severity, penalty.rank);
  const seenSeverities = new Set<string>();
  content.penalties.forEach((penalty, index) => {
    const path = isBlank(penalty.severity) ? `penalties[#${index}]` : `penalties[${penalty.severity}]`;
    if (isBlank(penalty.severity)) report(`${path}.severity`, 'severity is empty');
    else if (seenSeverities.has(penalty.severity)) report(`${path}.severity`, `duplicate severity "${penalty.severity}"`);
    seenSeverities.add(penalty.severity);
    if (isBlank(penalty.label)) report(`${path}.label`, 'label is empty');
    if (isBlank(penalty.message)) report(`${path}.message`, 'message is empty');
    if (!Number.isInteger(penalty.rank)) report(`${path}.rank`, 'rank must be an integer');
    penalty.actions.forEach((action, i) => {
      if (isBlank(action.code)) report(`${path}.actions[${i}].code`, 'action code is empty');
      if (isBlank(action.label)) report(`${path}.actions[${i}].label`, 'action label is empty');
    });
    const escalation = penalty.escalation;
    if (escalation === null) return;
    if (!Number.isInteger(escalation.count) || escalation.count < 1) {
      report(`${path}.escalation.count`, 'count must be an integer >= 1');
    }
    if (!Number.isInteger(escalation.withinDays) || escalation.withinDays < 1) {
      report(`${path}.escalation.withinDays`, 'withinDays must be an integer >= 1');
    }
    const targetRank = rankOf.get(escalation.toSeverity);
    if (targetRank === undefined) {
      report(`${path}.escalation.toSeverity`, `severity "${escalation.toSeverity}" has no penalty mapping`);
    } else if (Number.isInteger(penalty.rank) && Number.isInteger(targetRank) && targetRank < penalty.rank) {
      // Escalation raises a repeat offender's penalty; going to a lower rank would lighten it.
      report(
        `${path}.escalation.toSeverity`,
        `escalation goes to "${escalation.toSeverity}" (rank ${targetRank}), less severe than "${penalty.severity}" (rank ${penalty.rank}); escalate to a severity of equal or higher rank`,
      );
    }
  });

  // Escalation loops: follow toSeverity from each mapping; revisiting the start is a loop.
  const escalationTarget = new Map(
    content.penalties.flatMap((penalty) => (penalty.escalation ? [[penalty.severity, penalty.escalation.toSeverity] as const] : [])),
  );
  for (const start of escalationTarget.keys()) {
    const chain = [start];
    let next = escalationTarget.get(start);
    while (next !== undefined && !chain.includes(next)) {
      chain.push(next);
      next = escalationTarget.get(next);
    }
    if (next === start) {
      report(`penalties[${start}].escalation.toSeverity`, `escalation loop: ${[...chain, start].join(' -> ')}`);
    }
  }

  checkContextVocabulary(content, report);
  checkTestCases(content, seenKeys, severities, report);
  return issues;
}

/** Cues, variants and distinct words: each usable, none that silently does nothing or loops. */
function checkContextVocabulary(content: RulesetContent, report: (path: string, message: string) => void): void {
  const cueKeys = new Set<string>();
  (content.cues ?? []).forEach((cue, index) => {
    const path = rulePath('cues', cue.key, index);
    if (isBlank(cue.key)) report(`${path}.key`, 'key is empty');
    else if (cueKeys.has(cue.key)) report(`${path}.key`, `duplicate cue key "${cue.key}"`);
    cueKeys.add(cue.key);
    if (!CUE_KINDS.includes(cue.kind)) report(`${path}.kind`, `unknown cue kind "${String(cue.kind)}"; expected one of ${CUE_KINDS.join(', ')}`);
    if (!CUE_SIDES.includes(cue.side)) report(`${path}.side`, `unknown side "${String(cue.side)}"; expected one of ${CUE_SIDES.join(', ')}`);
    if (!Number.isInteger(cue.window) || cue.window < 0 || cue.window > MAX_CUE_WINDOW)
      report(`${path}.window`, `window must be an integer from 0 to ${MAX_CUE_WINDOW}`);
    if (cue.words.length === 0) report(`${path}.words`, 'a cue needs at least one word');
    if (cue.otherSide !== undefined && cue.side === 'AROUND') report(`${path}.otherSide`, 'a cue AROUND the keyword has no other side; use BEFORE or AFTER');
    (cue.otherSide ?? []).forEach((word, i) => {
      if (normalizeText(word) === '') report(`${path}.otherSide[${i}]`, 'word is blank after normalisation');
    });
    cue.words.forEach((word, i) => {
      if (normalizeText(word) === '') report(`${path}.words[${i}]`, 'cue word is blank after normalisation');
    });
  });

  const variants = new Map<string, string>();
  (content.variants ?? []).forEach((entry, index) => {
    const variant = normalizeDescription(entry.variant);
    const canonical = normalizeText(entry.canonical);
    const path = `variants[${isBlank(entry.variant) ? `#${index}` : entry.variant}]`;
    if (variant === '') report(`${path}.variant`, 'variant is blank after normalisation');
    if (canonical === '') report(`${path}.canonical`, 'canonical term is blank after normalisation');
    if (!VARIANT_KINDS.includes(entry.kind))
      report(`${path}.kind`, `unknown variant kind "${String(entry.kind)}"; expected one of ${VARIANT_KINDS.join(', ')}`);
    if (variant !== '' && variant === canonical)
      return report(`${path}.variant`, 'normalisation already makes it the canonical term; the entry would do nothing');
    if (variants.has(variant)) report(`${path}.variant`, `duplicate variant (normalised "${variant}")`);
    variants.set(variant, canonical);
  });
  // Rewriting is one pass: a canonical term that is itself a variant would be rewritten differently in text and in keywords.
  for (const [variant, canonical] of variants) {
    if (variants.has(canonical) && canonical !== variant)
      report(`variants[${variant}].canonical`, `"${canonical}" is itself a variant; map to its canonical term`);
  }

  (content.distinctWords ?? []).forEach((word, i) => {
    if (normalizeText(word) === '') report(`distinctWords[${i}]`, 'word is blank after normalisation');
  });
}

/** Test cases are well-formed: unique keys, one thing decided, an expectation that can hold, rule keys that exist. */
function checkTestCases(
  content: RulesetContent,
  ruleKeys: ReadonlySet<string>,
  severities: ReadonlySet<string>,
  report: (path: string, message: string) => void,
): void {
  const seen = new Set<string>();
  (content.testCases ?? []).forEach((testCase, index) => {
    const path = rulePath('testCases', testCase.key, index);
    if (isBlank(testCase.key)) report(`${path}.key`, 'key is empty');
    else if (seen.has(testCase.key)) report(`${path}.key`, `duplicate test case key "${testCase.key}"`);
    seen.add(testCase.key);
    if ((testCase.application === null) === (testCase.violation === null)) {
      report(path, 'a test case decides exactly one thing: an application or a violation');
    } else if (testCase.application) {
      if (isBlank(testCase.application.description)) report(`${path}.application.description`, 'description is empty');
      if (testCase.expectedDecision === null || !DECISIONS.includes(testCase.expectedDecision)) {
        report(`${path}.expectedDecision`, `an application test case needs an expected decision, one of ${DECISIONS.join(', ')}`);
      }
    } else if (testCase.expectedSeverity !== null && !severities.has(testCase.expectedSeverity)) {
      report(`${path}.expectedSeverity`, `severity "${testCase.expectedSeverity}" has no penalty mapping (null expects no penalty)`);
    }
    (testCase.expectedRuleKeys ?? []).forEach((key, i) => {
      if (!ruleKeys.has(key)) report(`${path}.expectedRuleKeys[${i}]`, `no rule has the key "${key}"`);
    });
  });
}
