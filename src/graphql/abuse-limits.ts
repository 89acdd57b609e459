import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, Kind, ValidationRule } from 'graphql';

/** Request-shape limits, enforced during validation: nothing executes when one is exceeded. */
export const ABUSE_LIMITS = {
  maxDepth: 12,
  maxAliases: 15,
  maxCost: 5000,
  maxTokens: 5000,
  maxDirectives: 20,
  maxOperationsPerDocument: 10,
} as const;

/** A document may carry several named operations (GraphiQL tabs do), but not hundreds. */
const maxOperationsRule: ValidationRule = (context) => ({
  Document(node) {
    const operations = node.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length;
    if (operations > ABUSE_LIMITS.maxOperationsPerDocument) {
      context.reportError(
        new GraphQLError(`a request may hold at most ${ABUSE_LIMITS.maxOperationsPerDocument} operations; this one holds ${operations}`),
      );
    }
  },
});

/**
 * graphql-armor's depth, alias, cost, token and directive limits. Field suggestions stay
 * on: introspection is on for GraphiQL, so they reveal nothing more.
 */
export function abuseProtection() {
  const armor = new ApolloArmor({
    maxDepth: { n: ABUSE_LIMITS.maxDepth, ignoreIntrospection: true, exposeLimits: true },
    maxAliases: { n: ABUSE_LIMITS.maxAliases, exposeLimits: true },
    costLimit: { maxCost: ABUSE_LIMITS.maxCost, ignoreIntrospection: true, exposeLimits: true },
    maxTokens: { n: ABUSE_LIMITS.maxTokens, exposeLimits: true },
    maxDirectives: { n: ABUSE_LIMITS.maxDirectives, exposeLimits: true },
    blockFieldSuggestion: { enabled: false },
  });
  const protection = armor.protect();
  return { plugins: protection.plugins, validationRules: [...protection.validationRules, maxOperationsRule] };
}
