import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { BadInputError, DomainError, ErrorCode, IssueDetail, ServiceUnavailableError } from '../common/errors';

export interface ErrorReporter {
  (error: unknown, formatted: GraphQLFormattedError, requestId: string | undefined): void;
}

/**
 * Apollo's formatError sees no request context; the request observer tags each raw error
 * with its request id (didEncounterErrors runs before formatting) so the log line of an
 * unexpected error and the response carry the same id.
 */
const REQUEST_ID = Symbol('requestId');

export function tagWithRequestId(errors: readonly unknown[], requestId: string): void {
  for (const error of errors) {
    if (error && typeof error === 'object') (error as { [REQUEST_ID]?: string })[REQUEST_ID] = requestId;
  }
}

function requestIdOf(error: unknown): string | undefined {
  return error && typeof error === 'object' ? (error as { [REQUEST_ID]?: string })[REQUEST_ID] : undefined;
}

/** What a class-validator error can tell: no values, so a refusal never echoes the input back. */
interface ConstraintFailure {
  property: string;
  constraints?: Record<string, string>;
  children?: ConstraintFailure[];
}

/** class-validator's nested errors as the flat (path, message) issues every other refusal carries. */
export function validationIssues(errors: readonly ConstraintFailure[], parent = ''): IssueDetail[] {
  const issues: IssueDetail[] = [];
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) issues.push({ path, message });
    issues.push(...validationIssues(error.children ?? [], path));
  }
  return issues;
}

/** The HTTP status of a refusal made before execution (executed operations answer 200 with errors). */
const HTTP_STATUS: Partial<Record<ErrorCode, number>> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404 };

/**
 * A domain error raised before execution (a plugin's check), as the GraphQL error Apollo
 * answers with; the formatter below unwraps it like a resolver's.
 */
export function toGraphQLError(error: DomainError): GraphQLError {
  return new GraphQLError(error.message, { originalError: error, extensions: { code: error.code, http: { status: HTTP_STATUS[error.code] ?? 400 } } });
}

/** A request refused before execution for its shape or size. */
export function refusal(message: string): GraphQLError {
  return toGraphQLError(new BadInputError(message));
}

const CLIENT_CODES: Record<string, string> = {
  GRAPHQL_PARSE_FAILED: 'BAD_USER_INPUT',
  GRAPHQL_VALIDATION_FAILED: 'BAD_USER_INPUT',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  BAD_REQUEST: 'BAD_USER_INPUT',
  OPERATION_RESOLUTION_FAILURE: 'BAD_USER_INPUT',
  PERSISTED_QUERY_NOT_FOUND: 'BAD_USER_INPUT',
  PERSISTED_QUERY_NOT_SUPPORTED: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
};

const isPostgresConnectionFailure = (error: unknown): boolean => {
  const code = (error as { code?: string } | null)?.code;
  return (
    (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006'].includes(code)) ||
    /Connection terminated|timeout exceeded when trying to connect/i.test(String((error as Error)?.message))
  );
};

/**
 * The one place that turns failures into contract error codes. Domain errors keep their
 * message and code; GraphQL syntax/validation errors become BAD_USER_INPUT; anything
 * unexpected is reported (with the request id) and returned without internals.
 */
export function createErrorFormatter(options: { exposeInternals: boolean; report: ErrorReporter }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const unwrapped = unwrapResolverError(error);
    // Refusals raised before execution (toGraphQLError) wrap their domain error without a path.
    const original = unwrapped instanceof GraphQLError && unwrapped.originalError instanceof DomainError ? unwrapped.originalError : unwrapped;
    const requestId = requestIdOf(error);
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    if (original instanceof DomainError) {
      return { ...base, message: original.message, extensions: { code: original.code, ...original.details } };
    }
    if (original instanceof ArgumentValidationError) {
      const issues = validationIssues(original.extensions.validationErrors);
      const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
      return { ...base, message: `invalid input: ${summary}`, extensions: { code: 'BAD_USER_INPUT', issues } };
    }
    const upstreamCode = formatted.extensions?.code;
    if (typeof upstreamCode === 'string' && CLIENT_CODES[upstreamCode]) {
      return { ...base, extensions: { code: CLIENT_CODES[upstreamCode] } };
    }
    if (original instanceof GraphQLError && !original.originalError && upstreamCode === undefined) {
      // Errors graphql-js raises for bad variables or values (wrong scalar types, unknown enum values).
      return { ...base, extensions: { code: 'BAD_USER_INPUT' } };
    }
    const withId = requestId ? { requestId } : {};
    if (isPostgresConnectionFailure(original)) {
      options.report(original, formatted, requestId);
      const unavailable = new ServiceUnavailableError();
      return { ...base, message: unavailable.message, extensions: { code: unavailable.code, ...unavailable.details, ...withId } };
    }
    options.report(original, formatted, requestId);
    if (options.exposeInternals) {
      return { ...base, extensions: { code: 'INTERNAL_SERVER_ERROR', detail: String((original as Error)?.message ?? original), ...withId } };
    }
    // Production: the message of an unexpected error may hold SQL, values or file paths.
    return { ...base, message: 'internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', ...withId } };
  };
}
