import fc from 'fast-check';
import path from 'node:path';
import { checkCondition, planBusinessCondition, WORD_GROUP_HITS, type ConditionContext } from '../../../src/engine/conditions';
import { readRulesetDir } from '../../../src/rulesets/ruleset-files';

/**
 * Business conditions of the common shapes are answered without the CEL interpreter
 * (direct-condition.ts); on every context, well-formed or not, the answer must be the
 * interpreter's.
 */
const seed = readRulesetDir(path.join(__dirname, '../../../rulesets/ccc-access')).content;
const seedConditions = seed.businessRules.flatMap((rule) => (rule.condition ? [rule.condition] : []));

const STRINGS = ['', 'OFFLINE', 'ACTIVE', 'NONE', '金融', '医疗', 'OUTBOUND', '贷款'];
const literal = fc.constantFrom(...STRINGS).map((text) => JSON.stringify(text));
const field = fc.constantFrom('input.industry', 'input.scenario', 'input.callDirection', 'input.description', 'enterprise.status', 'enterprise.id');
const wordGroup = fc.constantFrom('["贷款", "信用卡"]', '["催"]', '[""]').map((words) => `${words}.exists(w, input.description.contains(w))`);

/** Conditions built from the covered shapes, and from one that is not covered (`size`), so that mixed trees are interpreted. */
const condition: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('true', 'false'),
    wordGroup,
    fc.tuple(field, fc.constantFrom('==', '!='), literal).map(([left, op, right]) => `${left} ${op} ${right}`),
    fc.tuple(literal, field).map(([left, right]) => `${left} == ${right}`),
    fc.tuple(field, fc.array(literal, { maxLength: 3 })).map(([left, list]) => `${left} in [${list.join(', ')}]`),
    field.map((name) => `size(${name}) > 1`),
    tie('node').map((operand) => `!(${operand})`),
    fc.tuple(tie('node'), fc.constantFrom('&&', '||'), tie('node')).map(([left, op, right]) => `(${left}) ${op} (${right})`),
  ),
})).node;

/** Well-formed values mostly, and now and then one of another type or none at all. */
const value = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...STRINGS) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, 1, 0n, true, {}, ['OFFLINE']) },
);
const variable = (fields: string[]) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.record(Object.fromEntries(fields.map((name) => [name, value]))) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, null, 'OFFLINE', new Map([['status', 'OFFLINE']])) },
  );
const context = fc.record({
  input: variable(['description', 'rawDescription', 'industry', 'scenario', 'callDirection']),
  enterprise: variable(['id', 'status']),
  hits: fc.oneof(
    { weight: 8, arbitrary: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom(true, false, undefined, 1, null), { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, null, 'true') },
  ),
});

function toContext({ input, enterprise, hits }: { input: unknown; enterprise: unknown; hits: unknown }): ConditionContext {
  const variables: ConditionContext = {};
  if (input !== undefined) variables.input = input;
  if (enterprise !== undefined) variables.enterprise = enterprise;
  if (hits !== undefined) variables[WORD_GROUP_HITS] = hits;
  return variables;
}

describe('business conditions answered directly', () => {
  it('give the interpreter’s answer on any context, for the seed’s conditions and generated ones', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...seedConditions), condition), context, (written, values) => {
        fc.pre(checkCondition(written, 'business').ok);
        const direct = planBusinessCondition(written).program;
        const interpreted = planBusinessCondition(written, 'interpreter-only').program;
        const variables = toContext(values);
        expect(direct(variables)).toBe(interpreted(variables));
      }),
      { numRuns: 3000 },
    );
  });
});
