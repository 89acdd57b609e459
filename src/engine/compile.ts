import { DEFAULT_FLAG_WEIGHT, type CueContent, type Decision, type PenaltyMappingContent, type RuleEffect, type RulesetContent } from './content';
import { MAX_EVALUATION_STEPS } from './condition-cost';
import {
  checkCondition,
  compileConditionProgram,
  conditionVariables,
  describeEvaluationBudget,
  planBusinessCondition,
  type ConditionKind,
  type ConditionProgram,
} from './conditions';
import { ConditionError } from './errors';
import { KeywordMatcher, type KeywordPattern } from './keyword-matcher';
import { ENGINE_SEMANTICS, semantics } from './semantics';
import { VariantRewriter } from './variant-rewriter';
import { WordSegmenter } from './word-segmenter';

export interface CompiledCondition {
  expression: string;
  program: ConditionProgram;
  /** The variables it reads (`input`, `actual`, `enterprise`, ...). */
  variables: ReadonlySet<string>;
  /** Business conditions: the word groups its program reads from the keyword pass (see planBusinessCondition). */
  wordGroups: string[][];
}

export interface CompiledBusinessRule {
  key: string;
  industry: string;
  scenario: string;
  effect: RuleEffect;
  /** FLAG rules: the signal's weight (the default when the rule states none); 0 for deciding rules. */
  weight: number;
  message: string;
  /** As written in the rule: evidence quotes these, not their normal form. */
  keywords: string[];
  condition: CompiledCondition | null;
  /** Semantics 2: indices of the keywords that match inside any word. */
  insideWords: ReadonlySet<number>;
  /** Semantics 2: no context cue neutralises this rule's keywords. */
  anyContext: boolean;
}

/** Semantics 2: a context cue as written (evidence names it) with its normalised words. */
export interface CompiledCue {
  key: string;
  kind: CueContent['kind'];
  side: CueContent['side'];
  window: number;
  /** As written, in the order of the content: evidence quotes these. */
  words: string[];
  /** Whether words of `otherSide` must stand on the other side of the keyword too. */
  needsOtherSide: boolean;
}

/** Semantics 2: what reads a description in context (word boundaries, variants, cues); null under semantics 1. */
export interface ContextReading {
  segmenter: WordSegmenter;
  variants: VariantRewriter;
  cues: CompiledCue[];
  /** rule index -> keyword index -> the ruleset's distinct words (normalised) that contain the keyword, if any */
  distinctWordsOf: Array<Array<string[] | undefined>>;
  /** normalised industry -> indices of the rules of that industry */
  rulesByIndustry: Map<string, number[]>;
}

export interface CompiledViolationRule {
  key: string;
  behavior: string;
  title: string;
  severity: string;
  condition: CompiledCondition | null;
}

/** A rule reachable by declaring its industry and (a part of) its scenario, with the labels as written. */
export interface DeclaredPair {
  ruleIndex: number;
  label: string;
}

/** A ruleset version prepared for evaluation. Immutable once built; share it freely. */
export interface CompiledRuleset {
  /** The semantics version it was compiled under, and so evaluates under. */
  semantics: number;
  normalizeText: (text: string) => string;
  /** What keywords and declared labels go through before matching: normalisation, then (semantics 2) the variant vocabulary. */
  prepareText: (text: string) => string;
  /** The same for descriptions (semantics 2 keeps their clause breaks). */
  prepareDescription: (text: string) => string;
  context: ContextReading | null;
  defaultDecision: Decision;
  defaultMessage: string;
  /** Sorted by key, so that match order is the rule-key order. */
  businessRules: CompiledBusinessRule[];
  keywordMatcher: KeywordMatcher;
  /** `${industry}\u0000${scenario or scenario part}` (normalised) -> the rules naming that pair */
  declaredPairs: Map<string, DeclaredPair[]>;
  /** Indices of business rules considered for every description (no keywords). */
  keywordlessRules: number[];
  /** behaviour -> its violation rules, sorted by key */
  violationRulesByBehavior: Map<string, CompiledViolationRule[]>;
  knownBehaviors: string[];
  /** Behaviours whose rules tell rows apart by the verdict on the actual business (`actual.*`): a verified report must name it. */
  behaviorsJudgedOnActualBusiness: ReadonlySet<string>;
  penalties: Map<string, PenaltyMappingContent>;
  /** false: escalation counts only violations after the enterprise's last reinstatement. */
  violationsCountAfterReinstatement: boolean;
}

const SCENARIO_PART_SEPARATORS = /[、，,]/;

export function declaredPairKey(normalizeText: (text: string) => string, industry: string, scenario: string): string {
  return `${normalizeText(industry)}\u0000${normalizeText(scenario)}`;
}

function byKey<T extends { key: string }>(a: T, b: T): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Compiles conditions, adding up their cost bounds: every condition of a version may run in one evaluation. */
class ConditionCompiler {
  private evaluationSteps = 0;

  compile(ruleKey: string, condition: string | null, kind: ConditionKind): CompiledCondition | null {
    if (condition === null || condition.trim() === '') return null;
    const check = checkCondition(condition, kind);
    if (!check.ok) throw new ConditionError(ruleKey, check.message, check.position);
    this.evaluationSteps += check.steps;
    if (this.evaluationSteps > MAX_EVALUATION_STEPS) throw new ConditionError(ruleKey, describeEvaluationBudget(this.evaluationSteps), null);
    return compileCondition(condition, kind);
  }
}

function compileCondition(condition: string, kind: ConditionKind): CompiledCondition {
  const variables = conditionVariables(condition, kind);
  if (kind === 'business') return { expression: condition, variables, ...planBusinessCondition(condition) };
  return { expression: condition, program: compileConditionProgram(condition, kind), variables, wordGroups: [] };
}

/**
 * Compiles once per version: normalises keywords, builds the keyword automaton, parses conditions.
 * Under the current semantics unless told otherwise (replay of a decision logged under an older one).
 */
export function compileRuleset(content: RulesetContent, semanticsVersion: number = ENGINE_SEMANTICS): CompiledRuleset {
  const { normalizeText, normalizeDescription, readsContext } = semantics(semanticsVersion);
  const variants = new VariantRewriter(
    readsContext ? (content.variants ?? []).map((entry) => [normalizeDescription(entry.variant), normalizeText(entry.canonical)] as const) : [],
  );
  const prepareText = variants.empty ? normalizeText : (text: string) => variants.rewrite(normalizeText(text));
  const prepareDescription = variants.empty ? normalizeDescription : (text: string) => variants.rewrite(normalizeDescription(text));
  const sortedBusinessRules = [...content.businessRules].sort(byKey);
  const patterns: Array<readonly [string, KeywordPattern]> = [];
  const declaredPairs = new Map<string, DeclaredPair[]>();
  const keywordlessRules: number[] = [];
  const conditions = new ConditionCompiler();

  const businessRules = sortedBusinessRules.map((rule, ruleIndex): CompiledBusinessRule => {
    let hasKeywords = false;
    rule.keywords.forEach((keyword, keywordIndex) => {
      const normalised = prepareText(keyword);
      if (normalised === '') return; // blank keyword: reported by validateContent, never matches
      hasKeywords = true;
      patterns.push([normalised, { ruleIndex, kind: 'keyword', index: keywordIndex }]);
    });
    rule.excludeKeywords.forEach((keyword, keywordIndex) => {
      const normalised = prepareText(keyword);
      if (normalised !== '') patterns.push([normalised, { ruleIndex, kind: 'exclusion', index: keywordIndex }]);
    });
    if (!hasKeywords) keywordlessRules.push(ruleIndex);

    const scenarios = new Set([rule.scenario, ...rule.scenario.split(SCENARIO_PART_SEPARATORS)]);
    for (const scenario of scenarios) {
      if (normalizeText(scenario) === '') continue;
      const pairKey = declaredPairKey(normalizeText, rule.industry, scenario);
      const pairs = declaredPairs.get(pairKey) ?? [];
      if (!pairs.some((pair) => pair.ruleIndex === ruleIndex)) pairs.push({ ruleIndex, label: `${rule.industry}/${scenario.trim()}` });
      declaredPairs.set(pairKey, pairs);
    }

    const condition = conditions.compile(rule.key, rule.condition, 'business');
    // Condition words are compared with the normalised description as written, so they enter the automaton unnormalised.
    condition?.wordGroups.forEach((words, group) => {
      for (const word of new Set(words)) patterns.push([word, { ruleIndex, kind: 'conditionWord', index: group }]);
    });

    return {
      key: rule.key,
      industry: rule.industry,
      scenario: rule.scenario,
      effect: rule.effect,
      weight: rule.effect === 'FLAG' ? (rule.weight ?? DEFAULT_FLAG_WEIGHT) : 0,
      message: rule.message,
      keywords: [...rule.keywords],
      condition,
      insideWords: new Set(rule.keywords.flatMap((keyword, index) => (rule.matchInsideWords?.includes(keyword) ? [index] : []))),
      anyContext: rule.anyContext === true,
    };
  });

  let context: ContextReading | null = null;
  if (readsContext) {
    const cues = [...(content.cues ?? [])].sort(byKey).map((cue): CompiledCue => ({
      key: cue.key,
      kind: cue.kind,
      side: cue.side,
      window: cue.window,
      words: [...cue.words],
      needsOtherSide: (cue.otherSide ?? []).length > 0,
    }));
    [...(content.cues ?? [])].sort(byKey).forEach((cue, cueIndex) => {
      cue.words.forEach((word, wordIndex) => {
        const normalised = prepareText(word);
        if (normalised !== '') patterns.push([normalised, { ruleIndex: cueIndex, kind: 'cue', index: wordIndex }]);
      });
      (cue.otherSide ?? []).forEach((word, wordIndex) => {
        const normalised = prepareText(word);
        if (normalised !== '') patterns.push([normalised, { ruleIndex: cueIndex, kind: 'cuePartner', index: wordIndex }]);
      });
    });
    const rulesByIndustry = new Map<string, number[]>();
    businessRules.forEach((rule, ruleIndex) => {
      const industry = normalizeText(rule.industry);
      rulesByIndustry.set(industry, [...(rulesByIndustry.get(industry) ?? []), ruleIndex]);
    });
    const distinctWords = [...new Set((content.distinctWords ?? []).map(prepareText).filter((word) => word !== ''))].sort();
    const keywordPatterns = patterns.filter(([, pattern]) => pattern.kind === 'keyword');
    const keywordTexts = keywordPatterns.map(([text]) => text);
    const distinctWordsOf: Array<Array<string[] | undefined>> = businessRules.map(() => []);
    for (const [keyword, pattern] of keywordPatterns) {
      const containing = distinctWords.filter((word) => word !== keyword && word.includes(keyword));
      if (containing.length > 0) distinctWordsOf[pattern.ruleIndex][pattern.index] = containing;
    }
    const exclusionTexts = patterns.filter(([, pattern]) => pattern.kind === 'exclusion').map(([text]) => text);
    context = { segmenter: new WordSegmenter([...keywordTexts, ...exclusionTexts], distinctWords), variants, cues, distinctWordsOf, rulesByIndustry };
  }

  const violationRulesByBehavior = new Map<string, CompiledViolationRule[]>();
  for (const rule of [...content.violationRules].sort(byKey)) {
    const compiled: CompiledViolationRule = {
      key: rule.key,
      behavior: rule.behavior,
      title: rule.title,
      severity: rule.severity,
      condition: conditions.compile(rule.key, rule.condition, 'violation'),
    };
    const rules = violationRulesByBehavior.get(rule.behavior) ?? [];
    rules.push(compiled);
    violationRulesByBehavior.set(rule.behavior, rules);
  }

  return {
    semantics: semanticsVersion,
    normalizeText,
    prepareText,
    prepareDescription,
    context,
    defaultDecision: content.defaultDecision,
    defaultMessage: content.defaultMessage,
    businessRules,
    keywordMatcher: new KeywordMatcher(patterns),
    declaredPairs,
    keywordlessRules,
    violationRulesByBehavior,
    knownBehaviors: [...violationRulesByBehavior.keys()].sort(),
    behaviorsJudgedOnActualBusiness: new Set(
      [...violationRulesByBehavior].filter(([, rules]) => rules.some((rule) => rule.condition?.variables.has('actual'))).map(([behavior]) => behavior),
    ),
    penalties: new Map(content.penalties.map((penalty) => [penalty.severity, penalty])),
    violationsCountAfterReinstatement: content.violationsCountAfterReinstatement !== false,
  };
}
