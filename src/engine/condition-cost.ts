import { checkLinearRegex } from './linear-regex';

/**
 * Static cost bounds for CEL conditions. cel-js has no step or time limit at run time (only
 * parse limits), so a condition's cost is bounded before it may be saved or compiled: every
 * syntax-tree node gets an upper bound on the work of evaluating it once and on the size of
 * the value it yields, from upper bounds on the variables' sizes. Comprehensions multiply
 * their body's cost by their range's size, so `"0123456789".split("").all(v0, ... .all(v6, true))`
 * is 10^7 body evaluations and is refused; so is any value that could grow past
 * MAX_VALUE_UNITS. Every function a condition may call has a cost rule here; a function
 * without one is refused rather than guessed at.
 *
 * Cost is counted in steps: one step is one node evaluated, and text and list work is
 * charged UNITS_PER_STEP code units or elements per step (V8 scans text two to three
 * orders of magnitude faster than cel-js evaluates a node). Measured on the development
 * machine a step takes 100–450 ns, so a condition at MAX_CONDITION_STEPS runs in at most
 * about 100 ms and a whole evaluation (every condition of a version: MAX_EVALUATION_STEPS)
 * in at most about 0.5 s, against inputs built to be slow; the seed's conditions need
 * about 9,000 steps each.
 */
export const MAX_CONDITION_STEPS = 250_000;
export const MAX_EVALUATION_STEPS = 1_000_000;
/** Comprehensions (all, exists, exists_one, map, filter) inside the body of another. */
export const MAX_COMPREHENSION_NESTING = 2;
/** The largest string, list or map a condition may build (UTF-16 code units or elements). */
export const MAX_VALUE_UNITS = 1_000_000;
const UNITS_PER_STEP = 256;
/** What cel-js spends per comprehension element besides the body (binding the variable, the accumulator). */
const ITERATION_STEPS = 10;

/**
 * What the cost bounds assume about the variables. The service's input limits keep every
 * evaluation inside them (a unit test holds the two together): 2,000 characters of
 * description (4,000 UTF-16 units), whose normal form is at most normalisationGrowth
 * times longer (U+FDFA ﷺ normalises to 15 letters); 200-character labels; 16 KiB of facts.
 */
export const CONDITION_INPUT_BOUNDS = {
  textUnits: 4_000,
  normalisationGrowth: 16,
  labelUnits: 400,
  idUnits: 128,
  behaviorUnits: 128,
  factsUnits: 16 * 1024,
  /** Business rules in one version: `actual.ruleKeys` holds at most this many keys. */
  businessRules: 10_000,
  ruleKeyUnits: 100,
} as const;

/**
 * An upper bound on a value: its size (UTF-16 code units of a string or bytes, elements of a
 * list, entries of a map), a bound on each of its elements, and the known fields of a
 * declared variable (`input.description`). JSON facts are `dynamic`: each element is bounded
 * by the facts themselves, and their total size too.
 */
interface ValueBound {
  size: number;
  item?: ValueBound;
  /** All the code units and elements in the value, when tighter than size × item (split's pieces share one string). */
  total?: number;
  fields?: Record<string, ValueBound>;
  dynamic?: true;
}

interface NodeBound extends ValueBound {
  steps: number;
}

const scalar = (size = 1): ValueBound => ({ size });
const text = (units: number): ValueBound => ({ size: units });
function dynamic(units: number): ValueBound {
  const bound: ValueBound = { size: units, dynamic: true };
  bound.item = bound;
  return bound;
}
const record = (fields: Record<string, ValueBound>): ValueBound => ({
  size: Object.keys(fields).length,
  item: dynamic(Math.max(...Object.values(fields).map(totalUnits))),
  total: Object.values(fields).reduce((total, field) => total + totalUnits(field), 0),
  fields,
});

/** Code units and elements in the whole value. */
function totalUnits(bound: ValueBound): number {
  if (bound.dynamic || bound.item === undefined) return bound.size;
  return Math.min(bound.total ?? Infinity, bound.size * Math.max(1, totalUnits(bound.item)));
}

/** A bound on either of two values. */
function either(a: ValueBound | undefined, b: ValueBound | undefined): ValueBound | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  if (a.dynamic || b.dynamic) return dynamic(Math.max(totalUnits(a), totalUnits(b)));
  return { size: Math.max(a.size, b.size), item: either(a.item, b.item), total: Math.max(totalUnits(a), totalUnits(b)) };
}

const B = CONDITION_INPUT_BOUNDS;
const ENTERPRISE = record({ id: text(B.idUnits), status: text(8), seriousViolationCount: scalar(), violationCount: scalar() });
const FACTS = dynamic(B.factsUnits);

export const VARIABLE_BOUNDS: Record<'business' | 'violation', Record<string, ValueBound>> = {
  business: {
    input: record({
      description: text(B.textUnits * B.normalisationGrowth),
      rawDescription: text(B.textUnits),
      industry: text(B.labelUnits),
      scenario: text(B.labelUnits),
      callDirection: text(8),
      facts: FACTS,
    }),
    enterprise: ENTERPRISE,
  },
  violation: {
    input: record({
      behavior: text(B.behaviorUnits),
      verified: scalar(),
      declaredBusiness: text(B.textUnits),
      actualBusiness: text(B.textUnits),
      facts: FACTS,
    }),
    actual: record({ decision: text(8), prohibited: scalar(), ruleKeys: { size: B.businessRules, item: text(B.ruleKeyUnits) } }),
    enterprise: ENTERPRISE,
    priorViolations: scalar(),
  },
};

export class ConditionCostError extends Error {
  readonly name = 'ConditionCostError';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

interface CelNode {
  op: string;
  args: unknown;
  start: number;
}

const READS = new Set(['id', '.', '[]']);
const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

/** Functions whose cost is linear in their arguments and whose result is a scalar (number, bool, time). */
const SCALAR_RESULT = new Set([
  'size',
  'contains',
  'startsWith',
  'endsWith',
  'indexOf',
  'lastIndexOf',
  'has',
  'type',
  'int',
  'uint',
  'double',
  'bool',
  'timestamp',
  'duration',
  'at',
  'getDate',
  'getDayOfMonth',
  'getDayOfWeek',
  'getDayOfYear',
  'getFullYear',
  'getHours',
  'getMilliseconds',
  'getMinutes',
  'getMonth',
  'getSeconds',
]);

/** Steps for linear work over `units` code units or elements. */
const linear = (units: number): number => Math.ceil(units / UNITS_PER_STEP);

class CostWalker {
  private nesting = 0;

  constructor(private readonly variables: Record<string, ValueBound>) {}

  walk(node: CelNode, scope: ReadonlyMap<string, ValueBound>): NodeBound {
    const bound = this.bound(node, scope);
    // Reading a variable or a part of one builds nothing.
    if (!READS.has(node.op) && totalUnits(bound) > MAX_VALUE_UNITS) {
      throw new ConditionCostError(
        `this part may build a value of up to ${formatCount(totalUnits(bound))} units; the limit is ${formatCount(MAX_VALUE_UNITS)}`,
        node.start,
      );
    }
    return bound;
  }

  private bound(node: CelNode, scope: ReadonlyMap<string, ValueBound>): NodeBound {
    const args = node.args;
    switch (node.op) {
      case 'value':
        return { steps: 1, ...(typeof args === 'string' ? text(args.length) : args instanceof Uint8Array ? text(args.length) : scalar()) };
      case 'id': {
        const name = args as string;
        return { steps: 1, ...(scope.get(name) ?? this.variables[name] ?? FACTS) };
      }
      case '.': {
        const [receiver, field] = args as [CelNode, string];
        const of = this.walk(receiver, scope);
        return { steps: of.steps + 1, ...(of.fields?.[field] ?? itemOf(of)) };
      }
      case '[]': {
        const [receiver, index] = args as [CelNode, CelNode];
        const of = this.walk(receiver, scope);
        const at = this.walk(index, scope);
        return { steps: of.steps + at.steps + 1, ...itemOf(of) };
      }
      case 'list': {
        const items = (args as CelNode[]).map((item) => this.walk(item, scope));
        return { steps: sum(items.map((item) => item.steps)) + items.length + 1, size: items.length, item: items.map(valueOf).reduce(either, undefined) };
      }
      case 'map': {
        const entries = (args as [CelNode, CelNode][]).flat().map((part) => this.walk(part, scope));
        return {
          steps: sum(entries.map((entry) => entry.steps)) + entries.length + 1,
          size: entries.length / 2,
          item: entries.map(valueOf).reduce(either, undefined),
        };
      }
      case 'call': {
        const [name, callArgs] = args as [string, CelNode[]];
        return this.call(name, null, callArgs, node, scope);
      }
      case 'rcall': {
        const [name, receiver, callArgs] = args as [string, CelNode, CelNode[]];
        if (COMPREHENSIONS.has(name)) return this.comprehension(name, receiver, callArgs, node, scope);
        if (name === 'bind' && receiver.op === 'id' && receiver.args === 'cel') return this.bind(callArgs, scope);
        return this.call(name, receiver, callArgs, node, scope);
      }
      default:
        return this.operator(node, scope);
    }
  }

  /** Operators: their operands once each, plus comparing or joining their values. */
  private operator(node: CelNode, scope: ReadonlyMap<string, ValueBound>): NodeBound {
    const operands = (Array.isArray(node.args) ? node.args : [node.args]).map((operand) => this.walk(operand as CelNode, scope));
    const steps = sum(operands.map((operand) => operand.steps)) + 1;
    const [left, right] = operands;
    switch (node.op) {
      case '+': {
        const total = totalUnits(left) + totalUnits(right);
        const built = left.dynamic || right.dynamic ? dynamic(total) : { size: left.size + right.size, item: either(left.item, right.item), total };
        return { steps: steps + linear(totalUnits(built)), ...built };
      }
      case '?:':
        return { steps, ...either(valueOf(right), valueOf(operands[2]))! };
      case 'in':
        // The left side compared with each element of the right: at most the right side's whole size.
        return { steps: steps + right.size + linear(totalUnits(right)), ...scalar() };
      case '==':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=':
        // Values of different sizes differ at once; otherwise comparing stops at the shorter one.
        return { steps: steps + linear(Math.min(totalUnits(left), totalUnits(right))), ...scalar() };
      default:
        return { steps, ...scalar(Math.max(...operands.map((operand) => operand.size))) };
    }
  }

  private comprehension(name: string, range: CelNode, callArgs: CelNode[], node: CelNode, scope: ReadonlyMap<string, ValueBound>): NodeBound {
    const over = this.walk(range, scope);
    if (this.nesting >= MAX_COMPREHENSION_NESTING) {
      throw new ConditionCostError(`comprehensions (${[...COMPREHENSIONS].join(', ')}) may be nested at most ${MAX_COMPREHENSION_NESTING} deep`, node.start);
    }
    // map(x, predicate, transform) has two bodies; the others one.
    const [variable, ...bodyNodes] = callArgs;
    const inner = new Map(scope).set(variable.args as string, itemOf(over));
    this.nesting += 1;
    const bodies = bodyNodes.map((body) => this.walk(body, inner));
    this.nesting -= 1;
    const perElement = sum(bodies.map((body) => body.steps)) + ITERATION_STEPS;
    const steps = over.steps + over.size * perElement;
    if (name === 'map') return { steps, size: over.size, item: valueOf(bodies[bodies.length - 1]) };
    if (name === 'filter') return { steps, size: over.size, item: itemOf(over), total: totalUnits(over) };
    return { steps, ...scalar() };
  }

  /** `cel.bind(name, value, expression)`: the value once, then the expression with the name bound. */
  private bind(callArgs: CelNode[], scope: ReadonlyMap<string, ValueBound>): NodeBound {
    const [variable, value, expression] = callArgs;
    const bound = this.walk(value, scope);
    const result = this.walk(expression, new Map(scope).set(variable.args as string, bound));
    return { ...result, steps: bound.steps + result.steps + 1 };
  }

  private call(name: string, receiver: CelNode | null, callArgs: CelNode[], node: CelNode, scope: ReadonlyMap<string, ValueBound>): NodeBound {
    if (name === 'has') return { steps: 2, ...scalar() }; // tests presence, evaluates nothing
    const self = receiver === null ? null : this.walk(receiver, scope);
    const operands = callArgs.map((arg) => this.walk(arg, scope));
    const all = self === null ? operands : [self, ...operands];
    const steps = sum(all.map((operand) => operand.steps)) + 1;
    const inputUnits = sum(all.map((operand) => operand.size));
    const first = all[0] ?? scalar();
    if (SCALAR_RESULT.has(name)) return { steps: steps + linear(inputUnits), ...scalar() };
    switch (name) {
      case 'matches': {
        const pattern = callArgs[0];
        if (pattern?.op !== 'value' || typeof pattern.args !== 'string') {
          throw new ConditionCostError('matches() needs a string literal pattern: a pattern built from the input could take exponential time', node.start);
        }
        const regex = checkLinearRegex(pattern.args);
        if (!regex.ok) throw new ConditionCostError(regex.message, pattern.start);
        const textUnits = first.size;
        const perStart = (regex.choosingQuantifier ? textUnits : 1) * Math.max(1, pattern.args.length);
        return { steps: steps + linear(textUnits * perStart), ...scalar() };
      }
      case 'lowerAscii':
      case 'upperAscii':
        // Full case mapping can triple a code unit (ΐ -> Ϊ́).
        return { steps: steps + linear(3 * first.size), ...text(3 * first.size) };
      case 'trim':
      case 'substring':
      case 'dyn':
        return { steps: steps + linear(totalUnits(first)), ...valueOf(first) };
      case 'string':
        return { steps: steps + linear(totalUnits(first)), ...text(Math.max(totalUnits(first), 32)) };
      case 'bytes':
        return { steps: steps + linear(first.size), ...text(3 * first.size) };
      case 'split': {
        const pieces = first.size + 1;
        return { steps: steps + linear(first.size) + pieces, size: pieces, item: text(first.size), total: first.size + pieces };
      }
      case 'join': {
        const separator = operands[0]?.size ?? 0;
        const size = totalUnits(first) + first.size * separator;
        return { steps: steps + first.size + linear(size), ...text(size) };
      }
      case 'hex':
        return { steps: steps + linear(2 * first.size), ...text(2 * first.size) };
      case 'base64':
        return { steps: steps + linear(2 * first.size), ...text(2 * first.size + 4) };
      case 'json':
        return { steps: steps + linear(first.size) + first.size, ...dynamic(first.size) };
      default:
        throw new ConditionCostError(`function ${name}() has no cost bound and may not be used in conditions`, node.start);
    }
  }
}

/** A bound on each element (a string's or number's elements: none). */
function itemOf(bound: ValueBound): ValueBound {
  return bound.item ?? scalar(0);
}

/** The value part of a node's bound. */
function valueOf({ steps: _steps, ...value }: NodeBound): ValueBound {
  return value;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function formatCount(count: number): string {
  return Number.isFinite(count) && count < 1e15 ? Math.round(count).toLocaleString('en-US') : count.toExponential(1);
}

/**
 * The steps one evaluation of a parsed, type-checked condition can take at most; throws
 * ConditionCostError (with a position in the condition) when it is over any limit.
 */
export function conditionSteps(ast: unknown, kind: 'business' | 'violation'): number {
  const walker = new CostWalker(VARIABLE_BOUNDS[kind]);
  const bound = walker.walk(ast as CelNode, new Map());
  if (bound.steps > MAX_CONDITION_STEPS) {
    throw new ConditionCostError(
      `the condition may take up to ${formatCount(bound.steps)} steps per evaluation; the limit is ${formatCount(MAX_CONDITION_STEPS)}`,
      0,
    );
  }
  return bound.steps;
}
