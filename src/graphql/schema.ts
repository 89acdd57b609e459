import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import { ApiKeyResolver } from '../api-keys/api-key.resolver';
import { AuditResolver } from '../audit/audit.resolver';
import { DecisionResolver } from '../decisions/decision.resolver';
import { EnterpriseResolver } from '../enterprises/enterprise.resolver';
import { EvaluationResolver } from '../evaluations/evaluation.resolver';
import { AuthoringResolver } from '../rulesets/authoring.resolver';
import { RulesetResolver } from '../rulesets/ruleset.resolver';
import { authChecker } from './auth-checker';

export const resolvers = [
  RulesetResolver,
  AuthoringResolver,
  AuditResolver,
  ApiKeyResolver,
  EvaluationResolver,
  EnterpriseResolver,
  DecisionResolver,
] as const;

export async function buildPolicySchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    authChecker,
    authMode: 'error',
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    // Off by default: it costs a module lookup per argument on the hot path; the rule inputs opt in.
    validate: false,
  });
}

/** The schema as committed in schema.graphql: sorted, so diffs show real changes only. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
