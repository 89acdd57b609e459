import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, Kind, ValidationRule } from 'graphql';
import { MAX_EVALUATIONS_PER_REQUEST } from '../common/limits';
import { BudgetedField, evaluationBudget, EvaluationBudgetOptions } from './evaluation-budget';
import { inputGuard } from './input-guard';

/** Request-shape limits, enforced during validation: nothing executes when one is exceeded. */
export const ABUSE_LIMITS = {
  maxDepth: 12,
  maxAliases: 15,
  maxCost: 5000,
  maxTokens: 5000,
  maxDirectives: 20,
  maxOperationsPerDocument: 10,
  /** Evaluations one request may ask for: batch inputs and aliased evaluations counted together. */
  maxEvaluationsPerRequest: MAX_EVALUATIONS_PER_REQUEST,
} as const;

/** A document may carry several named operations (GraphiQL tabs do), but not hundreds. */
const maxOperationsRule: ValidationRule = (context) => ({
  Document(node) {
    const operations = node.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length;
    if (operations > ABUSE_LIMITS.maxOperationsPerDocument) {
      context.reportError(new GraphQLError(`a request may hold at most ${ABUSE_LIMITS.maxOperationsPerDocument} operations; this one holds ${operations}`));
    }
  },
});

/**
 * graphql-armor's depth, alias, cost and directive limits, graphql-js's token limit, our
 * operation count and evaluation budget. Field suggestions stay
 * on: introspection is on for GraphiQL, so they reveal nothing more.
 */
export function abuseProtection<Spec extends BudgetedField>(budget: EvaluationBudgetOptions<Spec>) {
  const armor = new ApolloArmor({
    maxDepth: { n: ABUSE_LIMITS.maxDepth, ignoreIntrospection: true, exposeLimits: true },
    maxAliases: { n: ABUSE_LIMITS.maxAliases, exposeLimits: true },
    costLimit: { maxCost: ABUSE_LIMITS.maxCost, ignoreIntrospection: true, exposeLimits: true },
    // Its Apollo plugin throws from parsingDidStart, which Apollo Server 5 does not turn into a
    // refusal; graphql-js's own parser limit (parseOptions below) is enforced instead.
    maxTokens: { enabled: false },
    maxDirectives: { n: ABUSE_LIMITS.maxDirectives, exposeLimits: true },
    blockFieldSuggestion: { enabled: false },
  });
  const protection = armor.protect();
  return {
    plugins: [...protection.plugins, inputGuard(), evaluationBudget(budget)],
    validationRules: [...protection.validationRules, maxOperationsRule],
    parseOptions: { maxTokens: ABUSE_LIMITS.maxTokens },
  };
}
