/**
 * Business conditions of the shapes rules use most, answered in plain JavaScript instead of the
 * CEL interpreter: the keywordless rules' conditions run on every evaluation, and interpreting
 * them was about a tenth of an evaluation's time.
 *
 * Covered: `true`/`false`, `!`, `&&`, `||`, `wordGroupHits[<int>]`, and a string field of
 * `input` or `enterprise` compared (`==`, `!=`, `in [...]`) with string literals. On values of
 * the declared types these mean exactly what CEL means (no error can arise, so `&&` and `||` are
 * plain logic). Any other value at run time (a field that is absent or of another type, a word
 * group that is not a boolean) answers UNDECIDED and the interpreter decides as before, errors
 * included.
 */
export const DIRECT_FALSE = 0;
export const DIRECT_TRUE = 1;
export const UNDECIDED = 2;
type DirectAnswer = typeof DIRECT_FALSE | typeof DIRECT_TRUE | typeof UNDECIDED;

/** The variables as conditions.ts's ConditionContext holds them. */
type Variables = Record<string, unknown>;

export type DirectCondition = (context: Variables) => DirectAnswer;

/** The string fields of the business variables (BUSINESS_INPUT_SCHEMA, ENTERPRISE_SCHEMA). */
const STRING_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  input: new Set(['description', 'rawDescription', 'industry', 'scenario', 'callDirection']),
  enterprise: new Set(['id', 'status']),
};

interface CelNode {
  op?: unknown;
  args?: unknown;
}

/** `input.industry`, `enterprise.status`: a string field as [variable, field], or null. */
function stringField(node: CelNode): readonly [string, string] | null {
  if (node.op !== '.' || !Array.isArray(node.args)) return null;
  const [object, field] = node.args as [CelNode, unknown];
  if (object?.op !== 'id' || typeof object.args !== 'string' || typeof field !== 'string') return null;
  return STRING_FIELDS[object.args]?.has(field) ? [object.args, field] : null;
}

function stringLiteral(node: CelNode): string | null {
  return node?.op === 'value' && typeof node.args === 'string' ? node.args : null;
}

/** The field's value when it is a string; null (UNDECIDED) for anything else. */
function readString(context: Variables, variable: string, field: string): string | null {
  const object = context[variable];
  if (object === null || typeof object !== 'object' || object.constructor !== Object) return null;
  const value = (object as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : null;
}

function comparison(node: CelNode, equal: boolean): DirectCondition | null {
  const [left, right] = node.args as [CelNode, CelNode];
  const field = stringField(left) ?? stringField(right);
  const literal = stringField(left) ? stringLiteral(right) : stringLiteral(left);
  if (field === null || literal === null) return null;
  const [variable, name] = field;
  return (context) => {
    const value = readString(context, variable, name);
    if (value === null) return UNDECIDED;
    return (value === literal) === equal ? DIRECT_TRUE : DIRECT_FALSE;
  };
}

function membership(node: CelNode): DirectCondition | null {
  const [left, right] = node.args as [CelNode, CelNode];
  const field = stringField(left);
  if (field === null || right?.op !== 'list' || !Array.isArray(right.args)) return null;
  const literals = (right.args as CelNode[]).map(stringLiteral);
  if (literals.some((literal) => literal === null)) return null;
  const [variable, name] = field;
  return (context) => {
    const value = readString(context, variable, name);
    if (value === null) return UNDECIDED;
    return literals.includes(value) ? DIRECT_TRUE : DIRECT_FALSE;
  };
}

function wordGroupHit(node: CelNode, wordGroupHits: string): DirectCondition | null {
  const [list, index] = node.args as [CelNode, CelNode];
  if (list?.op !== 'id' || list.args !== wordGroupHits || index?.op !== 'value' || typeof index.args !== 'bigint') return null;
  const at = Number(index.args);
  return (context) => {
    const hits = context[wordGroupHits];
    const hit: unknown = Array.isArray(hits) ? hits[at] : undefined;
    return hit === true ? DIRECT_TRUE : hit === false ? DIRECT_FALSE : UNDECIDED;
  };
}

/**
 * A direct evaluation of a type-checked business condition's syntax tree, or null when it has a
 * shape this does not cover. `wordGroupHits`: the name planned conditions read word groups by.
 */
export function directCondition(node: CelNode, wordGroupHits: string): DirectCondition | null {
  if (node === null || typeof node !== 'object' || !Array.isArray(node.args)) {
    if (node?.op === 'value' && typeof node.args === 'boolean') {
      const answer = node.args ? DIRECT_TRUE : DIRECT_FALSE;
      return () => answer;
    }
    if (node?.op === '!_' && node.args !== null && typeof node.args === 'object') {
      const operand = directCondition(node.args as CelNode, wordGroupHits);
      if (operand === null) return null;
      return (context) => {
        const answer = operand(context);
        return answer === UNDECIDED ? UNDECIDED : answer === DIRECT_TRUE ? DIRECT_FALSE : DIRECT_TRUE;
      };
    }
    return null;
  }
  switch (node.op) {
    case '&&':
    case '||': {
      const [left, right] = (node.args as CelNode[]).map((operand) => directCondition(operand, wordGroupHits));
      if (node.args.length !== 2 || !left || !right) return null;
      // The left operand alone decides when it is false (&&) or true (||), as in CEL.
      const decisive = node.op === '&&' ? DIRECT_FALSE : DIRECT_TRUE;
      return (context) => {
        const first = left(context);
        return first === decisive || first === UNDECIDED ? first : right(context);
      };
    }
    case '==':
    case '!=':
      return node.args.length === 2 ? comparison(node, node.op === '==') : null;
    case 'in':
      return node.args.length === 2 ? membership(node) : null;
    case '[]':
      return node.args.length === 2 ? wordGroupHit(node, wordGroupHits) : null;
    default:
      return null;
  }
}
