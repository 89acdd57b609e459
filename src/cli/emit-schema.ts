import fs from 'node:fs';
import path from 'node:path';
import 'reflect-metadata';
import { buildPolicySchema, printSortedSchema } from '../composition/schema';

/** Writes schema.graphql (sorted) from the type-graphql code: the committed public schema. */
async function emitSchema(): Promise<void> {
  const target = path.resolve(process.cwd(), 'schema.graphql');
  fs.writeFileSync(target, printSortedSchema(await buildPolicySchema()));
  console.log(`wrote ${target}`);
}

emitSchema().catch((error) => {
  console.error(error);
  process.exit(1);
});
