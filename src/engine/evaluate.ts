import type { Decision } from './content';
import type { CompiledRuleset } from './compile';
import { declaredPairKey } from './compile';
import { enterpriseVariable, toCelValue, WORD_GROUP_HITS, type ConditionContext } from './conditions';
import { readInContext, type ContextHits } from './context-reading';
import { InvalidEvaluationInputError, UnknownBehaviorError } from './errors';
import type { KeywordHits } from './keyword-matcher';
import type {
  ApplicationState,
  NumberApplicationInput,
  NumberApplicationOutcome,
  RuleMatchOutcome,
  SignalOutcome,
  ViolationInput,
  ViolationOutcome,
  ViolationState,
} from './types';

const DECISION_STRENGTH: Record<Decision, number> = { ALLOW: 0, REVIEW: 1, REJECT: 2 };
const DAY_MS = 24 * 60 * 60 * 1000;

export const UNVERIFIED_MESSAGE = '违规行为未经核实，不予处罚 (verification required before any penalty)';
export const NO_VIOLATION_RULE_MESSAGE = '没有适用的违规规则，不予处罚 (no violation rule applies)';
export const SIGNAL_REVIEW_MESSAGE = '存在需人工核实的信号，转人工审核 (signals for a reviewer: manual review)';
export const DECLARED_MISMATCH_MESSAGE = '申报行业与业务描述不符，请人工核实 (the declared industry is contradicted by the description)';
/** A neutralised hit or a contradicted declaration weighs this much toward the risk score. */
const SIGNAL_WEIGHT = 1;

/** The declared pairs' rules (semantics 1 and 2), and under semantics 2 the rules of the declared industry whose keywords the declared scenario names. */
/** What most applications declare: nothing. Shared, never written to. */
const NO_DECLARED_RULES: ReadonlyMap<number, string> = new Map();

function declaredRulesOf(compiled: CompiledRuleset, input: NumberApplicationInput): ReadonlyMap<number, string> {
  if (!input.industry || !input.scenario) return NO_DECLARED_RULES;
  const declared = new Map(
    (compiled.declaredPairs.get(declaredPairKey(compiled.normalizeText, input.industry, input.scenario)) ?? []).map((pair) => [pair.ruleIndex, pair.label]),
  );
  const industryRules = compiled.context?.rulesByIndustry.get(compiled.normalizeText(input.industry));
  if (industryRules === undefined) return declared;
  const named = compiled.keywordMatcher.search(compiled.prepareText(input.scenario)).keywords;
  for (const ruleIndex of industryRules) {
    if (named.has(ruleIndex) && !declared.has(ruleIndex)) declared.set(ruleIndex, `${input.industry.trim()}/${input.scenario.trim()}`);
  }
  return declared;
}

/**
 * Business rules: a rule is a candidate when one of its keywords occurs in the normalised
 * description, when the declared industry/scenario names its row, or when it has no
 * keywords at all; it matches when no exclusion occurs and its condition (if any) holds.
 * Effects combine deny-overrides. A matching FLAG rule takes no part in the decision: it
 * becomes a signal, kept only when the decision is REVIEW, since a REVIEW is the only decision
 * a person looks at (a REJECT already says why, an ALLOW reaches nobody).
 *
 * FLAG rules need no new engine semantics: content could not hold one before they existed
 * (validation refused the effect), and an outcome carries `signals`/`riskScore` only when a
 * signal exists, so every version without FLAG rules (every logged decision's) gives
 * byte-identical outcomes to the engine before them.
 */
export function evaluateNumberApplication(compiled: CompiledRuleset, input: NumberApplicationInput, state: ApplicationState): NumberApplicationOutcome {
  const description = compiled.prepareDescription(input.description);
  const contextHits: ContextHits | null = compiled.context
    ? readInContext(compiled.keywordMatcher, compiled.context, compiled.businessRules, description)
    : null;
  const hits: KeywordHits = contextHits ?? compiled.keywordMatcher.search(description);
  const neutralised = contextHits?.neutralised ?? null;

  // rule index -> the rule's own industry/scenario labels that the declaration named
  const declaredRules = declaredRulesOf(compiled, input);
  // Candidates: rules with a keyword hit, declared rules, keywordless rules; each once, in rule order.
  const candidates: number[] = [...hits.keywords.keys()];
  for (const ruleIndex of declaredRules.keys()) if (!hits.keywords.has(ruleIndex)) candidates.push(ruleIndex);
  for (const ruleIndex of compiled.keywordlessRules) if (!declaredRules.has(ruleIndex)) candidates.push(ruleIndex);
  // Rules found only through neutralised hits are judged like the others, but become signals (they have keywords, so are never keywordless).
  const signalled = (ruleIndex: number): boolean =>
    neutralised !== null && neutralised.has(ruleIndex) && !hits.keywords.has(ruleIndex) && !declaredRules.has(ruleIndex);
  if (neutralised !== null) for (const ruleIndex of neutralised.keys()) if (signalled(ruleIndex)) candidates.push(ruleIndex);
  if (candidates.length > 1) candidates.sort((a, b) => a - b);

  // Built only when a candidate has a condition; most descriptions never need it.
  let context: ConditionContext | null = null;
  const conditionContext = (): ConditionContext =>
    (context ??= {
      input: {
        description,
        rawDescription: input.description,
        industry: input.industry ?? '',
        scenario: input.scenario ?? '',
        callDirection: input.callDirection ?? '',
        facts: toCelValue(input.facts ?? {}),
      },
      enterprise: enterpriseVariable(state.enterprise),
    });

  const matches: RuleMatchOutcome[] = [];
  const signals: SignalOutcome[] = [];
  for (const ruleIndex of candidates) {
    if (hits.excludedRules.has(ruleIndex)) continue;
    const rule = compiled.businessRules[ruleIndex];
    if (rule.condition) {
      const variables = conditionContext();
      if (rule.condition.wordGroups.length > 0) {
        const found = hits.conditionWords.get(ruleIndex);
        variables[WORD_GROUP_HITS] = rule.condition.wordGroups.map((_, group) => found?.has(group) ?? false);
      }
      if (!rule.condition.program(variables)) continue;
    }

    if (signalled(ruleIndex)) {
      const governed = neutralised?.get(ruleIndex) ?? [];
      const first = governed[0];
      signals.push({
        ruleKey: rule.key,
        message: rule.message,
        evidence: [
          ...governed.map(({ keywordIndex, cue, cueWord }) => `keyword: ${rule.keywords[keywordIndex]} (cue ${cue.key}, ${cue.kind}: ${cueWord})`),
          ...(rule.condition ? [`condition: ${rule.condition.expression}`] : []),
        ],
        weight: SIGNAL_WEIGHT,
        cue: first.cue.key,
      });
      continue;
    }

    const evidence: string[] = [];
    const declaredLabel = declaredRules.get(ruleIndex);
    if (declaredLabel !== undefined) evidence.push(`declared industry/scenario: ${declaredLabel}`);
    const keywordIndices = [...(hits.keywords.get(ruleIndex) ?? [])].sort((a, b) => a - b);
    for (const keywordIndex of keywordIndices) evidence.push(`keyword: ${rule.keywords[keywordIndex]}`);
    if (rule.condition) evidence.push(`condition: ${rule.condition.expression}`);

    if (rule.effect === 'FLAG') {
      signals.push({ ruleKey: rule.key, message: rule.message, evidence, weight: rule.weight });
      continue;
    }
    matches.push({
      ruleKey: rule.key,
      effect: rule.effect,
      severity: null,
      industry: rule.industry,
      scenario: rule.scenario,
      behavior: null,
      message: rule.message,
      evidence,
    });
  }
  const beforeDeclared = signals.length;
  if (compiled.context) signals.push(...declaredIndustryContradiction(compiled, input, hits, neutralised));
  const outcome = decideOn(compiled, matches);
  // A context signal (a neutralised keyword, a contradicted declaration) keeps an application from passing unseen.
  const raised =
    outcome.decision === 'ALLOW' && (signals.some((signal) => signal.cue !== undefined) || signals.length > beforeDeclared)
      ? { ...outcome, decision: 'REVIEW' as const, message: SIGNAL_REVIEW_MESSAGE }
      : outcome;
  if (raised.decision !== 'REVIEW' || signals.length === 0) return raised;
  return { ...raised, signals, riskScore: signals.reduce((sum, signal) => sum + signal.weight, 0) };
}

/** Deny-overrides over the deciding matches; the default when none matched. */
function decideOn(compiled: CompiledRuleset, matches: RuleMatchOutcome[]): NumberApplicationOutcome {
  if (matches.length === 0) return { decision: compiled.defaultDecision, message: compiled.defaultMessage, matches };
  let strongest = matches[0];
  for (const match of matches) {
    // Strictly stronger only: on a tie the first rule by key keeps the message.
    if (DECISION_STRENGTH[match.effect as Decision] > DECISION_STRENGTH[strongest.effect as Decision]) strongest = match;
  }
  return { decision: strongest.effect as Decision, message: strongest.message, matches };
}

/**
 * Semantics 2: the declared industry is one of the ruleset's, and every rule the description
 * names (decisively or through a neutralised hit) belongs to another industry.
 */
function declaredIndustryContradiction(
  compiled: CompiledRuleset,
  input: NumberApplicationInput,
  hits: KeywordHits,
  neutralised: Map<number, unknown> | null,
): SignalOutcome[] {
  if (!input.industry || !compiled.context?.rulesByIndustry.has(compiled.normalizeText(input.industry))) return [];
  const declaredIndustry = compiled.normalizeText(input.industry);
  const named = [...new Set([...hits.keywords.keys(), ...(neutralised?.keys() ?? [])])].sort((a, b) => a - b);
  if (named.length === 0 || named.some((ruleIndex) => compiled.normalizeText(compiled.businessRules[ruleIndex].industry) === declaredIndustry)) return [];
  const rule = compiled.businessRules[named[0]];
  return [
    {
      ruleKey: rule.key,
      message: DECLARED_MISMATCH_MESSAGE,
      evidence: [`declared industry: ${input.industry.trim()}`, `description names: ${rule.industry}/${rule.scenario}`],
      weight: SIGNAL_WEIGHT,
    },
  ];
}

function parseTime(value: string, what: string): number {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new InvalidEvaluationInputError(`${what} is not an ISO time: ${JSON.stringify(value)}`);
  return time;
}

/**
 * Violations: rules with the reported behaviour whose condition holds match; the one with
 * the highest penalty rank sets the severity, then escalation may raise it. The `actual`
 * variable is the verdict of the same version's business rules on the actual business, so
 * that "mismatch involving a prohibited business" stays data, not code. The actual business
 * is judged as a business, without the enterprise's standing: an enterprise already offline
 * must not make every business it runs look prohibited.
 * Unverified reports still list the rules that would apply, but carry no penalty.
 */
export function evaluateViolation(compiled: CompiledRuleset, input: ViolationInput, state: ViolationState): ViolationOutcome {
  const rules = compiled.violationRulesByBehavior.get(input.behavior);
  if (rules === undefined) throw new UnknownBehaviorError(input.behavior, [...compiled.knownBehaviors]);
  const judgedAt = parseTime(state.at, 'state.at');
  const priorTimes = state.priorViolations.map((prior, i) => parseTime(prior.at, `state.priorViolations[${i}].at`));

  const actualBusiness = input.actualBusiness ?? '';
  const actualOutcome =
    compiled.normalizeText(actualBusiness) === ''
      ? null
      : evaluateNumberApplication(compiled, { enterpriseId: input.enterpriseId, description: actualBusiness }, { enterprise: null });
  const actualRuleKeys = actualOutcome ? actualOutcome.matches.map((match) => match.ruleKey) : [];
  const context: ConditionContext = {
    input: {
      behavior: input.behavior,
      verified: input.verified,
      declaredBusiness: input.declaredBusiness ?? '',
      actualBusiness,
      facts: toCelValue(input.facts ?? {}),
    },
    actual: {
      decision: actualOutcome ? actualOutcome.decision : 'NONE',
      prohibited: actualOutcome?.decision === 'REJECT',
      ruleKeys: actualRuleKeys,
    },
    enterprise: enterpriseVariable(state.enterprise),
    priorViolations: BigInt(state.priorViolations.length),
  };

  const matches: RuleMatchOutcome[] = [];
  let strongestRank = Number.NEGATIVE_INFINITY;
  let strongestSeverity: string | null = null;
  for (const rule of rules) {
    if (rule.condition && !rule.condition.program(context)) continue;
    const evidence = [`behavior: ${rule.behavior}`];
    if (rule.condition) evidence.push(`condition: ${rule.condition.expression}`);
    if (actualOutcome) {
      const ruleList = actualRuleKeys.length > 0 ? ` (${actualRuleKeys.join(', ')})` : '';
      evidence.push(`actual business decision: ${actualOutcome.decision}${ruleList}`);
    }
    matches.push({
      ruleKey: rule.key,
      effect: null,
      severity: rule.severity,
      industry: null,
      scenario: null,
      behavior: rule.behavior,
      message: rule.title,
      evidence,
    });
    // A severity without a penalty mapping ranks below every mapped one.
    const rank = compiled.penalties.get(rule.severity)?.rank ?? Number.NEGATIVE_INFINITY;
    if (strongestSeverity === null || rank > strongestRank) {
      strongestRank = rank;
      strongestSeverity = rule.severity;
    }
  }

  const priorViolations = state.priorViolations.length;
  const noPenalty = (message: string): ViolationOutcome => ({
    severity: null,
    label: null,
    actions: [],
    message,
    matches,
    priorViolations,
    escalated: false,
  });
  if (!input.verified) return noPenalty(UNVERIFIED_MESSAGE);
  if (strongestSeverity === null) return noPenalty(NO_VIOLATION_RULE_MESSAGE);

  // Escalation: N violations of a severity (this one included) within D days raise it. A
  // ruleset may forgive what came before a reinstatement. Only content with that setting and a
  // state with reinstatedAt, neither of which existed before, are judged differently, so
  // nothing logged earlier changes outcome (no new engine semantics): it counts everything.
  const countsFrom =
    !compiled.violationsCountAfterReinstatement && state.enterprise?.reinstatedAt !== undefined
      ? parseTime(state.enterprise.reinstatedAt, 'state.enterprise.reinstatedAt')
      : Number.NEGATIVE_INFINITY;
  let severity = strongestSeverity;
  let escalated = false;
  const visited = new Set([severity]);
  for (;;) {
    const escalation = compiled.penalties.get(severity)?.escalation;
    if (!escalation || visited.has(escalation.toSeverity)) break; // no rule, or a loop
    const windowStart = judgedAt - escalation.withinDays * DAY_MS;
    const current = severity;
    const recent = state.priorViolations.filter(
      (prior, i) => prior.severity === current && priorTimes[i] > windowStart && priorTimes[i] > countsFrom && priorTimes[i] <= judgedAt,
    ).length;
    if (recent + 1 < escalation.count) break;
    severity = escalation.toSeverity;
    visited.add(severity);
    escalated = true;
  }

  const penalty = compiled.penalties.get(severity);
  return {
    severity,
    label: penalty ? penalty.label : null,
    actions: penalty ? penalty.actions.map((action) => ({ code: action.code, label: action.label })) : [],
    message: penalty ? penalty.message : `未配置该违规等级的处罚策略 (no penalty mapping for severity ${severity})`,
    matches,
    priorViolations,
    escalated,
  };
}
