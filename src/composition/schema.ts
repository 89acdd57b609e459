import { GraphQLSchema } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { buildSchema, ContainerType } from 'type-graphql';
import { ApiKeyResolver } from '../api-keys/api-key.resolver';
import { AuditResolver } from '../audit/audit.resolver';
import { DecisionResolver } from '../decisions/decision.resolver';
import { EnterpriseResolver } from '../enterprises/enterprise.resolver';
import { EvaluationResolver } from '../evaluations/evaluation.resolver';
import { authChecker } from '../graphql/auth-checker';
import { TestCaseResolver } from '../draft-testing/test-case.resolver';
import { AuthoringResolver } from '../rulesets/authoring.resolver';
import { PolicyChangeResolver } from '../rulesets/policy-change.resolver';
import { ReviewResolver } from '../reviews/review.resolver';
import { RulesetResolver } from '../rulesets/ruleset.resolver';
import type { ResolverClass, ResolverInstances } from './services';

export { printSortedSchema } from '../graphql/print-schema';

export const resolvers = [
  RulesetResolver,
  AuthoringResolver,
  PolicyChangeResolver,
  TestCaseResolver,
  AuditResolver,
  ApiKeyResolver,
  EvaluationResolver,
  EnterpriseResolver,
  DecisionResolver,
  ReviewResolver,
] as const;

/**
 * The code-first schema. `instances` maps each resolver class to its wired instance; without
 * it (emitting schema.graphql) nothing can execute.
 */
export async function buildPolicySchema(instances: ResolverInstances = new Map()): Promise<GraphQLSchema> {
  const container: ContainerType = {
    get: (resolverClass) => {
      const instance = instances.get(resolverClass as ResolverClass);
      if (!instance) throw new Error(`no instance of ${(resolverClass as ResolverClass).name} was wired by the composition root`);
      return instance;
    },
  };
  return buildSchema({
    resolvers,
    container,
    authChecker,
    authMode: 'error',
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    // Off by default: it costs a module lookup per argument on the hot path; the rule inputs opt in.
    validate: false,
  });
}
