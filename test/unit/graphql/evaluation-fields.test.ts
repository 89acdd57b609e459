import { getNamedType, GraphQLObjectType } from 'graphql';
import 'reflect-metadata';
import { buildPolicySchema } from '../../../src/composition/schema';
import { EVALUATION_FIELDS } from '../../../src/evaluations/evaluation-fields';

/** Root fields answering with an evaluation are the ones that log a decision per input. */
const EVALUATION_TYPES = new Set(['NumberApplicationEvaluation', 'ViolationEvaluation']);

describe('evaluation fields declared by their resolvers', () => {
  it('cover every root field that answers with an evaluation, and nothing else, so the budget sees them all', async () => {
    const schema = await buildPolicySchema();
    const roots = [schema.getQueryType(), schema.getMutationType()].filter((type): type is GraphQLObjectType => type !== null && type !== undefined);
    const evaluating = roots.flatMap((root) => Object.values(root.getFields()).filter((field) => EVALUATION_TYPES.has(getNamedType(field.type).name)));
    expect(evaluating.length).toBeGreaterThan(0);
    expect([...EVALUATION_FIELDS.keys()].sort()).toEqual(evaluating.map((field) => field.name).sort());
  });

  it('name, for a batch field, an argument that exists and takes a list', async () => {
    const schema = await buildPolicySchema();
    const query = schema.getQueryType()!.getFields();
    const batches = [...EVALUATION_FIELDS].filter(([, spec]) => spec.batchArgument);
    expect(batches.length).toBeGreaterThan(0);
    for (const [name, spec] of batches) {
      const argument = query[name].args.find((arg) => arg.name === spec.batchArgument);
      expect(argument?.type.toString()).toMatch(/^\[.*\]!?$/);
    }
  });
});
