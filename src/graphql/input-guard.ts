import { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, visit } from 'graphql';
import { MAX_VARIABLE_DEPTH } from '../common/limits';
import { unstorableText } from '../common/text';
import { refusal } from './format-error';

/** Walks variables without recursion (a hostile body may nest far deeper than the stack). */
function checkVariables(variables: Record<string, unknown>): void {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: variables, path: '$', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = unstorableText(value);
      if (problem) throw refusal(`variable ${path} ${problem}`);
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_VARIABLE_DEPTH) throw refusal(`variables must be nested at most ${MAX_VARIABLE_DEPTH} levels deep (${path} is deeper)`);
      if (Array.isArray(value)) {
        value.forEach((item, index) => stack.push({ value: item, path: `${path}[${index}]`, depth: depth + 1 }));
      } else {
        for (const [key, item] of Object.entries(value)) {
          const problem = unstorableText(key);
          if (problem) throw refusal(`a key in variable ${path} ${problem}`);
          stack.push({ value: item, path: `${path}.${key}`, depth: depth + 1 });
        }
      }
    }
  }
}

function checkLiterals(document: DocumentNode): void {
  visit(document, {
    StringValue(node) {
      const problem = unstorableText(node.value);
      if (problem) throw refusal(`a string in the query ${problem}`);
    },
  });
}

/**
 * Refuses, for every operation and argument at once, text PostgreSQL cannot store (NUL,
 * lone surrogates) and variables nested absurdly deep, before anything executes: otherwise
 * such input fails deep in a query or, worse, in a group-committed decision-log batch.
 */
export function inputGuard(): ApolloServerPlugin {
  // Apollo reuses the parsed document for every request with the same query text: its literals are checked once.
  const cleanDocuments = new WeakSet<DocumentNode>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          checkVariables(request.variables ?? {});
          if (cleanDocuments.has(document)) return;
          checkLiterals(document);
          cleanDocuments.add(document);
        },
      };
    },
  };
}
