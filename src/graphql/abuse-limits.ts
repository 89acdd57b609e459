import { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { DocumentNode, GraphQLError, Kind, ValidationRule } from 'graphql';
import { ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
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
  maxEvaluationsPerRequest: 1000,
} as const;

/** Root fields that evaluate (and log) once per input. */
const EVALUATION_FIELDS = new Set(['evaluateNumberApplication', 'evaluateNumberApplications', 'evaluateViolation', 'recordViolation']);

/**
 * graphql-armor's cost model weighs fields by shape, not by how many inputs a batch
 * carries; this estimator counts evaluations: one per single evaluation, one per element
 * of `evaluateNumberApplications(inputs:)`, summed over aliases.
 */
const evaluationEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (!EVALUATION_FIELDS.has(field.name)) return childComplexity;
  if (field.name === 'evaluateNumberApplications') return Array.isArray(args.inputs) ? args.inputs.length : 1;
  return 1;
};

function refusal(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

/**
 * Counts the evaluations an operation asks for once its variables are known (validation
 * rules do not see variables) and refuses the request before anything executes.
 */
function evaluationBudget(): ApolloServerPlugin {
  // Only a batch's count depends on variables; other documents are counted once (Apollo
  // hands the same parsed document to every request that sends the same query text).
  const fixedCounts = new WeakMap<DocumentNode, Map<string, number>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operationName }) {
          const count = () =>
            getComplexity({
              schema,
              query: document,
              variables: request.variables ?? {},
              operationName: operationName ?? undefined,
              estimators: [evaluationEstimator],
            });
          let evaluations: number;
          try {
            if (request.query?.includes('evaluateNumberApplications') ?? true) {
              evaluations = count();
            } else {
              const perOperation = fixedCounts.get(document) ?? new Map<string, number>();
              fixedCounts.set(document, perOperation);
              evaluations = perOperation.get(operationName ?? '') ?? count();
              perOperation.set(operationName ?? '', evaluations);
            }
          } catch {
            // Variables that do not coerce: execution reports them as BAD_USER_INPUT.
            return;
          }
          if (evaluations > ABUSE_LIMITS.maxEvaluationsPerRequest) {
            throw refusal(
              `a request may ask for at most ${ABUSE_LIMITS.maxEvaluationsPerRequest} evaluations (batch inputs and aliases counted together); this one asks for ${evaluations}`,
            );
          }
        },
      };
    },
  };
}

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
 * graphql-armor's depth, alias, cost and directive limits, graphql-js's token limit, our
 * operation count and evaluation budget. Field suggestions stay
 * on: introspection is on for GraphiQL, so they reveal nothing more.
 */
export function abuseProtection() {
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
    plugins: [...protection.plugins, inputGuard(), evaluationBudget()],
    validationRules: [...protection.validationRules, maxOperationsRule],
    parseOptions: { maxTokens: ABUSE_LIMITS.maxTokens },
  };
}
