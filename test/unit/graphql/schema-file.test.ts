import fs from 'node:fs';
import path from 'node:path';
import 'reflect-metadata';
import { buildPolicySchema, printSortedSchema } from '../../../src/composition/schema';

describe('the committed schema.graphql', () => {
  it('is exactly what the type-graphql code emits (run `npm run schema` after changing the API)', async () => {
    const committed = fs.readFileSync(path.resolve(__dirname, '../../../schema.graphql'), 'utf8');
    expect(committed).toBe(printSortedSchema(await buildPolicySchema()));
  });
});
