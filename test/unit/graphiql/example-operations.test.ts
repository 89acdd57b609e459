import 'reflect-metadata';
import { parse, validate } from 'graphql';
import { exampleTabs } from '../../../src/graphiql/example-operations';
import { buildPolicySchema } from '../../../src/composition/schema';

describe('the GraphiQL example operations', () => {
  it('are valid against the current schema, so the policy team can run them as they are', async () => {
    const schema = await buildPolicySchema();
    for (const tab of exampleTabs) {
      const errors = validate(schema, parse(tab.query)).map((error) => error.message);
      expect(errors).toEqual([]);
    }
  });

  it('offer variables that are valid JSON', () => {
    for (const tab of exampleTabs) if ('variables' in tab && tab.variables) expect(() => JSON.parse(tab.variables!)).not.toThrow();
  });
});
