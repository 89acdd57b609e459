import { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, GraphQLError, Kind, OperationDefinitionNode, SelectionSetNode, ValueNode } from 'graphql';
import { ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
import { hasRole } from '../api-keys/roles';
import { DomainError } from '../common/errors';
import { validateApplication, validateApplications, validateViolation } from '../evaluations/input-validation';
import { GraphQLContext } from './context';

/** Evaluations one request may ask for: batch inputs and aliased evaluations counted together. */
export const MAX_EVALUATIONS_PER_REQUEST = 1000;

/** Root fields that evaluate (and log) once per input. */
const EVALUATION_FIELDS = new Set(['evaluateNumberApplication', 'evaluateNumberApplications', 'evaluateViolation', 'recordViolation']);
const BATCH_FIELD = 'evaluateNumberApplications';

const HTTP_STATUS: Record<string, number> = { BAD_USER_INPUT: 400, NOT_FOUND: 404, FORBIDDEN: 403 };

function refusal(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

function overBudget(evaluations: number): GraphQLError {
  return refusal(
    `a request may ask for at most ${MAX_EVALUATIONS_PER_REQUEST} evaluations (batch inputs and aliases counted together); this one asks for ${evaluations}`,
  );
}

/** How many inputs a batch argument holds: a literal list, or a list variable (a single value coerces to a list of one). */
function batchLength(value: ValueNode, variables: Record<string, unknown>): number {
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind === Kind.VARIABLE) {
    const list = variables[value.name.value];
    return Array.isArray(list) ? list.length : 1;
  }
  return 1;
}

/** A domain error found before execution; the error formatter maps it like a resolver's. */
function refusalOf(error: DomainError): GraphQLError {
  return new GraphQLError(error.message, { originalError: error, extensions: { code: error.code, http: { status: HTTP_STATUS[error.code] ?? 400 } } });
}

/** The root fields of one operation, as the document names them (fragments followed, directives ignored). */
interface OperationShape {
  evaluationFields: number;
  /** The batch fields' `inputs` arguments. */
  batchInputs: ValueNode[];
  otherFields: string[];
}

function shapeOf(document: DocumentNode, operation: OperationDefinitionNode): OperationShape {
  const fragments = new Map(
    document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])),
  );
  const shape: OperationShape = { evaluationFields: 0, batchInputs: [], otherFields: [] };
  const visited = new Set<string>();
  const walk = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (EVALUATION_FIELDS.has(name)) {
          shape.evaluationFields += 1;
          const inputs = name === BATCH_FIELD ? selection.arguments?.find((argument) => argument.name.value === 'inputs') : undefined;
          if (inputs) shape.batchInputs.push(inputs.value);
        } else if (name !== '__typename') shape.otherFields.push(name);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet);
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return shape;
}

interface EvaluationCall {
  field: string;
  args: Record<string, any>;
}

/**
 * Makes a request that evaluates succeed or fail as a whole, before anything executes:
 * - an operation that evaluates holds only evaluations (a failing sibling field would null
 *   `data` after its decisions were logged, leaving logged decisions nobody received);
 * - it asks for at most 1,000 evaluations, batch inputs and aliases counted together
 *   (graphql-query-complexity with the request's variables; a lone batch by its list length);
 * - when it holds several evaluation fields, every one's input and version pins are checked
 *   first, so one bad alias refuses the request instead of failing after the others logged.
 * A single evaluation field needs no more: its resolver checks everything before it logs.
 */
export function evaluationPreflight(): ApolloServerPlugin<GraphQLContext> {
  // Apollo hands the same parsed document to every request that sends the same query text.
  const shapes = new WeakMap<DocumentNode, Map<OperationDefinitionNode, OperationShape>>();
  const shapeFor = (document: DocumentNode, operation: OperationDefinitionNode): OperationShape => {
    const perOperation = shapes.get(document) ?? new Map<OperationDefinitionNode, OperationShape>();
    shapes.set(document, perOperation);
    let shape = perOperation.get(operation);
    if (!shape) perOperation.set(operation, (shape = shapeOf(document, operation)));
    return shape;
  };

  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operation, operationName, contextValue }) {
          if (!operation) return;
          const shape = shapeFor(document, operation);
          if (shape.evaluationFields === 0) return;
          if (shape.otherFields.length > 0) {
            throw refusal(
              `an operation that evaluates may hold only evaluations; send ${shape.otherFields.join(', ')} in an operation of its own`,
            );
          }
          if (shape.evaluationFields === 1) {
            // One field refuses bad input itself before it logs; only a batch's size is checked here, without coercing it.
            const [inputs] = shape.batchInputs;
            const count = inputs ? batchLength(inputs, request.variables ?? {}) : 1;
            if (count > MAX_EVALUATIONS_PER_REQUEST) throw overBudget(count);
            return;
          }

          const calls: EvaluationCall[] = [];
          const estimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
            if (!EVALUATION_FIELDS.has(field.name)) return childComplexity;
            calls.push({ field: field.name, args });
            if (field.name === BATCH_FIELD) return Array.isArray(args.inputs) ? args.inputs.length : 1;
            return 1;
          };
          let evaluations: number;
          try {
            evaluations = getComplexity({
              schema,
              query: document,
              variables: request.variables ?? {},
              operationName: operationName ?? undefined,
              estimators: [estimator],
            });
          } catch {
            // Variables that do not coerce: execution reports them as BAD_USER_INPUT.
            return;
          }
          if (evaluations > MAX_EVALUATIONS_PER_REQUEST) throw overBudget(evaluations);
          const caller = contextValue.caller;
          // Without the role every evaluation field is refused at execution, and none logs.
          if (calls.length < 2 || !caller || !hasRole(caller.roles, ['evaluator'])) return;
          await checkEvaluations(contextValue, calls);
        },
      };
    },
  };
}

async function checkEvaluations(context: GraphQLContext, calls: EvaluationCall[]): Promise<void> {
  try {
    for (const { field, args } of calls) {
      if (field === BATCH_FIELD) validateApplications(args.inputs ?? []);
      else if (field === 'evaluateNumberApplication') validateApplication(args.input);
      else validateViolation(args.input);
      await context.services.versions.resolve(args.rulesetKey, { version: args.version, contentHash: args.contentHash, asOf: args.asOf });
    }
  } catch (error) {
    if (error instanceof DomainError) throw refusalOf(error);
    throw error;
  }
}
