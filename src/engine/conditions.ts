import { Environment, type ParseResult } from '@marcbachmann/cel-js';
import { ConditionCostError, conditionSteps, MAX_EVALUATION_STEPS } from './condition-cost';
import { DIRECT_TRUE, directCondition, UNDECIDED } from './direct-condition';
import { normalizeText } from './semantics';
import type { EnterpriseStanding } from './types';

/**
 * CEL conditions. Variables are declared with schemas so that a misspelt field
 * (`enterprise.stauts`) is a type error at publish time rather than a silent false.
 * Integers are CEL `int`, i.e. bigint on the JavaScript side; absent strings are "".
 */
export type ConditionKind = 'business' | 'violation';

const BUSINESS_INPUT_SCHEMA = {
  description: 'string', // normalised
  rawDescription: 'string',
  industry: 'string',
  scenario: 'string',
  callDirection: 'string',
  facts: 'map<string, dyn>',
};

const ENTERPRISE_SCHEMA = {
  id: 'string',
  status: 'string', // ACTIVE, OFFLINE, or NONE when the applicant is not a known enterprise
  seriousViolationCount: 'int',
  violationCount: 'int',
};

const environments: Record<ConditionKind, Environment> = {
  business: new Environment()
    .registerVariable({ name: 'input', schema: BUSINESS_INPUT_SCHEMA })
    .registerVariable({ name: 'enterprise', schema: ENTERPRISE_SCHEMA }),
  violation: new Environment()
    .registerVariable({
      name: 'input',
      schema: {
        behavior: 'string',
        verified: 'bool',
        declaredBusiness: 'string',
        actualBusiness: 'string',
        facts: 'map<string, dyn>',
      },
    })
    .registerVariable({
      name: 'actual',
      schema: { decision: 'string', prohibited: 'bool', ruleKeys: 'list<string>' },
    })
    .registerVariable({ name: 'enterprise', schema: ENTERPRISE_SCHEMA })
    .registerVariable('priorViolations', 'int'),
};

/**
 * `invalid`: does not parse or type-check; `over-budget`: valid CEL whose cost bound is over a
 * limit (condition-cost.ts). `steps`: the bound on one evaluation, summed over a version.
 */
export type ConditionCheck = { ok: true; steps: number } | { ok: false; problem: 'invalid' | 'over-budget'; message: string; position: number | null };

interface CelErrorLike {
  summary?: unknown;
  message?: unknown;
  range?: { start?: unknown } | null;
}

function describeError(error: unknown): { message: string; position: number | null } {
  const celError = (error ?? {}) as CelErrorLike;
  const summary = typeof celError.summary === 'string' ? celError.summary : String(celError.message ?? error);
  const start = celError.range?.start;
  return { message: summary, position: typeof start === 'number' ? start : null };
}

/** Parses, type-checks and bounds the cost; a condition must be boolean (or dyn, checked again at runtime). */
export function checkCondition(condition: string, kind: ConditionKind): ConditionCheck {
  let result;
  try {
    result = environments[kind].check(condition);
  } catch (error) {
    return { ok: false, problem: 'invalid', ...describeError(error) };
  }
  if (!result.valid) return { ok: false, problem: 'invalid', ...describeError(result.error) };
  if (result.type !== 'bool' && result.type !== 'dyn') {
    return { ok: false, problem: 'invalid', message: `condition must be a bool, got ${String(result.type)}`, position: 0 };
  }
  try {
    return { ok: true, steps: conditionSteps(environments[kind].parse(condition).ast, kind) };
  } catch (error) {
    if (error instanceof ConditionCostError) return { ok: false, problem: 'over-budget', message: error.message, position: error.position };
    throw error;
  }
}

/** Why a version whose conditions are each within their limit is still refused. */
export function describeEvaluationBudget(steps: number): string {
  return `with the conditions before it, the version's conditions may take up to ${steps.toLocaleString('en-US')} steps per evaluation; the limit is ${MAX_EVALUATION_STEPS.toLocaleString('en-US')}`;
}

export type ConditionContext = Record<string, unknown>;

/** A parsed condition; true only when the expression evaluates to exactly `true`. */
export type ConditionProgram = (context: ConditionContext) => boolean;

/**
 * How a program runs: business conditions of the common shapes directly (direct-condition.ts),
 * everything else in the interpreter; or, to compare the two, in the interpreter only.
 */
export type ConditionRunner = 'direct-where-possible' | 'interpreter-only';

/** Parses a condition that checkCondition accepted. Runtime errors count as "not matched". */
export function compileConditionProgram(condition: string, kind: ConditionKind, runner: ConditionRunner = 'direct-where-possible'): ConditionProgram {
  return programOf(environments[kind].parse(condition), kind, runner);
}

function programOf(parsed: ParseResult, kind: ConditionKind, runner: ConditionRunner): ConditionProgram {
  const interpret: ConditionProgram = (context) => {
    try {
      return parsed(context) === true;
    } catch {
      // e.g. `input.facts.amount > 5` when facts has no amount: the rule simply does not apply.
      return false;
    }
  };
  const direct = kind === 'business' && runner === 'direct-where-possible' ? directCondition(parsed.ast, WORD_GROUP_HITS) : null;
  if (direct === null) return interpret;
  return (context) => {
    const answer = direct(context);
    return answer === UNDECIDED ? interpret(context) : answer === DIRECT_TRUE;
  };
}

interface CelNode {
  op?: unknown;
  args?: unknown;
}

interface CelSpan extends CelNode {
  start: number;
  end: number;
}

/** Walks cel-js's syntax tree; `enter` returns false to skip a node's children. */
function walkCel(node: unknown, enter: (node: CelSpan) => boolean): void {
  if (Array.isArray(node)) node.forEach((child) => walkCel(child, enter));
  else if (node !== null && typeof node === 'object' && enter(node as CelSpan)) walkCel((node as CelSpan).args, enter);
}

/** The variables a condition reads (identifiers in its syntax tree, macro-bound names included). */
export function conditionVariables(condition: string, kind: ConditionKind): Set<string> {
  const names = new Set<string>();
  walkCel(environments[kind].parse(condition).ast, (node) => {
    if (node.op === 'id' && typeof node.args === 'string') names.add(node.args);
    return true;
  });
  return names;
}

/**
 * The variable through which a planned business condition reads its word groups' results.
 * Only the planning environment declares it, so a stored condition can never name it.
 */
export const WORD_GROUP_HITS = 'wordGroupHits';

const plannedBusiness = new Environment()
  .registerVariable({ name: 'input', schema: BUSINESS_INPUT_SCHEMA })
  .registerVariable({ name: 'enterprise', schema: ENTERPRISE_SCHEMA })
  .registerVariable(WORD_GROUP_HITS, 'list<bool>');

export interface PlannedCondition {
  program: ConditionProgram;
  /** Words the description is searched for with the rules' keywords; `wordGroupHits[i]`: a word of group i occurs. */
  wordGroups: string[][];
}

/** `[<string literals>].exists(w, input.description.contains(w))`: its words, or null for any other node. */
function containsAnyWords(node: CelSpan): string[] | null {
  if (node.op !== 'rcall' || !Array.isArray(node.args)) return null;
  const [name, list, macroArgs] = node.args as [unknown, CelSpan | undefined, CelSpan[] | undefined];
  if (name !== 'exists' || list?.op !== 'list' || !Array.isArray(list.args) || !Array.isArray(macroArgs)) return null;
  const [variable, body] = macroArgs;
  if (variable?.op !== 'id' || body?.op !== 'rcall' || !Array.isArray(body.args)) return null;
  const [method, receiver, callArgs] = body.args as [unknown, CelSpan | undefined, CelSpan[] | undefined];
  const receiverArgs = receiver?.args as [CelSpan | undefined, unknown] | undefined;
  const onDescription = receiver?.op === '.' && receiverArgs?.[0]?.op === 'id' && receiverArgs[0].args === 'input' && receiverArgs[1] === 'description';
  const ofVariable = Array.isArray(callArgs) && callArgs.length === 1 && callArgs[0].op === 'id' && callArgs[0].args === variable.args;
  if (method !== 'contains' || !onDescription || !ofVariable) return null;
  const words = (list.args as CelSpan[]).map((item) => (item.op === 'value' && typeof item.args === 'string' ? item.args : null));
  return words.every((word): word is string => word !== null) ? words : null;
}

/**
 * Compiles a business condition (one checkCondition accepted) with its "description contains
 * one of these words" parts answered by the keyword automaton instead of the interpreter:
 * each `[...].exists(w, input.description.contains(w))` becomes `wordGroupHits[i]`, which the
 * evaluator fills from the same single pass that finds the keywords. The result is the same
 * as evaluating the condition as written (a group with an empty word is always true, as
 * `contains("")` is); the rule's evidence still quotes it as written.
 */
export function planBusinessCondition(condition: string, runner: ConditionRunner = 'direct-where-possible'): PlannedCondition {
  const groups: { start: number; end: number; words: string[] }[] = [];
  walkCel(environments.business.parse(condition).ast, (node) => {
    const words = containsAnyWords(node);
    if (words) groups.push({ start: node.start, end: node.end, words });
    return words === null;
  });
  if (groups.length === 0) return { program: compileConditionProgram(condition, 'business', runner), wordGroups: [] };

  groups.sort((a, b) => a.start - b.start);
  let rewritten = '';
  let from = 0;
  const wordGroups: string[][] = [];
  for (const group of groups) {
    const replacement = group.words.includes('') ? 'true' : `${WORD_GROUP_HITS}[${wordGroups.push(group.words) - 1}]`;
    rewritten += `${condition.slice(from, group.start)}(${replacement})`;
    from = group.end;
  }
  rewritten += condition.slice(from);
  return { program: programOf(plannedBusiness.parse(rewritten), 'business', runner), wordGroups };
}

/** JSON facts -> CEL values: integral numbers become int (bigint), everything else as is. */
export function toCelValue(value: unknown): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCelValue);
  if (value !== null && typeof value === 'object') {
    const converted: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) {
      if (entry !== undefined) converted[key] = toCelValue(entry);
    }
    return converted;
  }
  return value;
}

export function enterpriseVariable(enterprise: EnterpriseStanding | null): Record<string, unknown> {
  if (enterprise === null) return { id: '', status: 'NONE', seriousViolationCount: 0n, violationCount: 0n };
  return {
    id: enterprise.id,
    status: enterprise.status,
    seriousViolationCount: BigInt(Math.trunc(enterprise.seriousViolationCount)),
    violationCount: BigInt(Math.trunc(enterprise.violationCount)),
  };
}

/**
 * Why a business condition would silently never match, or null: a literal it compares with the
 * normalised description that normalisation would change. Checked when a condition is saved and
 * when a version is validated (not when compiling: published versions keep working as written).
 */
export function literalProblem(condition: string): string | null {
  const unmatchable = unmatchableLiterals(condition);
  if (unmatchable.length === 0) return null;
  const listed = unmatchable.map(({ literal, normalised }) => `${JSON.stringify(literal)} (write ${JSON.stringify(normalised)})`).join(', ');
  return `${listed} can never match input.description, which is normalised (lower case, simplified characters, half-width, no spaces or punctuation); compare with the normalised text, or test input.rawDescription`;
}

/** The methods by which a condition tests text for a piece of text. */
const TEXT_TESTS = new Set(['contains', 'startsWith', 'endsWith']);

const isDescription = (node: CelSpan | undefined): boolean => {
  const args = node?.args as [CelSpan | undefined, unknown] | undefined;
  return node?.op === '.' && args?.[0]?.op === 'id' && args[0].args === 'input' && args[1] === 'description';
};

const stringLiteral = (node: CelSpan | undefined): string | null => (node?.op === 'value' && typeof node.args === 'string' ? node.args : null);

/**
 * String literals a business condition tests `input.description` against that can never
 * match it: the description is normalised (see normalizeText), so a literal with upper case,
 * traditional characters, full-width forms, spaces or punctuation never occurs in it.
 * Covers `input.description.contains("…")` (and startsWith/endsWith), `== "…"`, and the word
 * lists of `[...].exists(w, input.description.contains(w))`.
 */
export function unmatchableLiterals(condition: string): { literal: string; normalised: string }[] {
  const found: string[] = [];
  walkCel(environments.business.parse(condition).ast, (node) => {
    const words = containsAnyWords(node);
    if (words) {
      found.push(...words);
      return false;
    }
    const args = node.args as unknown[] | undefined;
    if (node.op === 'rcall' && Array.isArray(args) && TEXT_TESTS.has(args[0] as string) && isDescription(args[1] as CelSpan)) {
      const literal = stringLiteral((args[2] as CelSpan[] | undefined)?.[0]);
      if (literal !== null) found.push(literal);
    }
    if ((node.op === '==' || node.op === '!=') && Array.isArray(args)) {
      const [left, right] = args as [CelSpan, CelSpan];
      const literal = isDescription(left) ? stringLiteral(right) : isDescription(right) ? stringLiteral(left) : null;
      if (literal !== null) found.push(literal);
    }
    return true;
  });
  return [...new Set(found)].map((literal) => ({ literal, normalised: normalizeText(literal) })).filter(({ literal, normalised }) => literal !== normalised);
}
