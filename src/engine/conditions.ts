import { Environment } from '@marcbachmann/cel-js';
import type { EnterpriseStanding } from './types';

/**
 * CEL conditions. Variables are declared with schemas so that a misspelt field
 * (`enterprise.stauts`) is a type error at publish time rather than a silent false.
 * Integers are CEL `int`, i.e. bigint on the JavaScript side; absent strings are "".
 */
export type ConditionKind = 'business' | 'violation';

const ENTERPRISE_SCHEMA = {
  id: 'string',
  status: 'string', // ACTIVE, OFFLINE, or NONE when the applicant is not a known enterprise
  seriousViolationCount: 'int',
  violationCount: 'int',
};

const environments: Record<ConditionKind, Environment> = {
  business: new Environment()
    .registerVariable({
      name: 'input',
      schema: {
        description: 'string', // normalised
        rawDescription: 'string',
        industry: 'string',
        scenario: 'string',
        callDirection: 'string',
        facts: 'map<string, dyn>',
      },
    })
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

export type ConditionCheck = { ok: true } | { ok: false; message: string; position: number | null };

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

/** Parses and type-checks; a condition must be boolean (or dyn, checked again at runtime). */
export function checkCondition(condition: string, kind: ConditionKind): ConditionCheck {
  let result;
  try {
    result = environments[kind].check(condition);
  } catch (error) {
    return { ok: false, ...describeError(error) };
  }
  if (!result.valid) return { ok: false, ...describeError(result.error) };
  if (result.type !== 'bool' && result.type !== 'dyn') {
    return { ok: false, message: `condition must be a bool, got ${String(result.type)}`, position: 0 };
  }
  return { ok: true };
}

export type ConditionContext = Record<string, unknown>;

/** A parsed condition; true only when the expression evaluates to exactly `true`. */
export type ConditionProgram = (context: ConditionContext) => boolean;

/** Parses a condition that checkCondition accepted. Runtime errors count as "not matched". */
export function compileConditionProgram(condition: string, kind: ConditionKind): ConditionProgram {
  const evaluate = environments[kind].parse(condition);
  return (context) => {
    try {
      return evaluate(context) === true;
    } catch {
      // e.g. `input.facts.amount > 5` when facts has no amount: the rule simply does not apply.
      return false;
    }
  };
}

interface CelNode {
  op?: unknown;
  args?: unknown;
}

/** The variables a condition reads (identifiers in its syntax tree, macro-bound names included). */
export function conditionVariables(condition: string, kind: ConditionKind): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') {
      const { op, args } = node as CelNode;
      if (op === 'id' && typeof args === 'string') names.add(args);
      else visit(args);
    }
  };
  visit(environments[kind].parse(condition).ast);
  return names;
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
