import { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, GraphQLError, Kind, OperationDefinitionNode, SelectionSetNode, ValueNode } from 'graphql';
import { ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
import { DomainError } from '../common/errors';
import { MAX_EVALUATIONS_PER_REQUEST } from '../common/limits';
import { RequestContext } from '../common/request-context';
import { refusal, toGraphQLError } from './format-error';

/** How the budget sees an evaluation field: one evaluation, or one per item of a list argument. */
export interface BudgetedField {
  batchArgument?: string;
}

/** One evaluation field of the operation with its coerced arguments. */
export interface BudgetedCall<Spec extends BudgetedField> {
  responseKey: string;
  spec: Spec;
  args: Record<string, unknown>;
}

export interface EvaluationBudgetOptions<Spec extends BudgetedField> {
  /** The evaluation fields, by root field name, as their resolvers declare them. */
  fields: ReadonlyMap<string, Spec>;
  /** Checks every call of an operation holding several evaluation fields, before any executes. */
  prepare(context: RequestContext, calls: BudgetedCall<Spec>[]): Promise<void>;
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

/** The root fields of one operation, as the document names them (fragments followed, directives ignored). */
interface OperationShape {
  evaluationFields: number;
  /** The batch fields' list arguments. */
  batchInputs: ValueNode[];
  otherFields: string[];
}

function shapeOf(document: DocumentNode, operation: OperationDefinitionNode, fields: ReadonlyMap<string, BudgetedField>): OperationShape {
  const fragments = new Map(
    document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])),
  );
  const shape: OperationShape = { evaluationFields: 0, batchInputs: [], otherFields: [] };
  const visited = new Set<string>();
  const walk = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const spec = fields.get(name);
        if (spec) {
          shape.evaluationFields += 1;
          const inputs = spec.batchArgument ? selection.arguments?.find((argument) => argument.name.value === spec.batchArgument) : undefined;
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

/**
 * Makes a request that evaluates succeed or fail as a whole, before anything executes:
 * - an operation that evaluates holds only evaluations (a failing sibling field would null
 *   `data` after its decisions were logged, leaving logged decisions nobody received);
 * - it asks for at most MAX_EVALUATIONS_PER_REQUEST evaluations, batch inputs and aliases counted
 *   together (graphql-query-complexity with the request's variables; a lone batch by its list length);
 * - when it holds several evaluation fields, `prepare` (the evaluation service) checks every
 *   one's input and version pins first, so one bad alias refuses the request instead of
 *   failing after the others logged. A single field checks everything itself before it logs.
 * Which fields evaluate is declared by the resolvers, not known here.
 */
export function evaluationBudget<Spec extends BudgetedField>(options: EvaluationBudgetOptions<Spec>): ApolloServerPlugin<RequestContext> {
  // Apollo hands the same parsed document to every request that sends the same query text.
  const shapes = new WeakMap<DocumentNode, Map<OperationDefinitionNode, OperationShape>>();
  const shapeFor = (document: DocumentNode, operation: OperationDefinitionNode): OperationShape => {
    const perOperation = shapes.get(document) ?? new Map<OperationDefinitionNode, OperationShape>();
    shapes.set(document, perOperation);
    let shape = perOperation.get(operation);
    if (!shape) perOperation.set(operation, (shape = shapeOf(document, operation, options.fields)));
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
            throw refusal(`an operation that evaluates may hold only evaluations; send ${shape.otherFields.join(', ')} in an operation of its own`);
          }
          if (shape.evaluationFields === 1) {
            // One field refuses bad input itself before it logs; only a batch's size is checked here, without coercing it.
            const [inputs] = shape.batchInputs;
            const count = inputs ? batchLength(inputs, request.variables ?? {}) : 1;
            if (count > MAX_EVALUATIONS_PER_REQUEST) throw overBudget(count);
            return;
          }

          const calls: BudgetedCall<Spec>[] = [];
          const estimator: ComplexityEstimator = ({ field, node, args, childComplexity }) => {
            const spec = options.fields.get(field.name);
            if (!spec) return childComplexity;
            calls.push({ responseKey: node.alias?.value ?? node.name.value, spec, args });
            if (!spec.batchArgument) return 1;
            const list = args[spec.batchArgument];
            return Array.isArray(list) ? list.length : 1;
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
          try {
            await options.prepare(contextValue, calls);
          } catch (error) {
            if (error instanceof DomainError) throw toGraphQLError(error);
            throw error;
          }
        },
      };
    },
  };
}
