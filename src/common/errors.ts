/**
 * Every failure the service reports on purpose. Each kind carries the public error code
 * of the API contract; src/graphql/format-error.ts is the one place that maps them.
 */
export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT' | 'VALIDATION_FAILED' | 'INTERNAL_SERVER_ERROR';

export interface IssueDetail {
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
}

export class BadInputError extends DomainError {
  readonly code = 'BAD_USER_INPUT';
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
}

export class ValidationFailedError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  constructor(
    message: string,
    readonly issues: IssueDetail[],
  ) {
    super(message, { issues });
  }
}

/**
 * A published version whose content no longer hashes to its recorded content hash: it was
 * changed outside the publish path, so it is not served (issue 13, item 4).
 */
export class VersionIntegrityError extends DomainError {
  readonly code = 'INTERNAL_SERVER_ERROR';
  constructor(rulesetKey: string, number: number, versionId: string) {
    super(
      `version ${number} of "${rulesetKey}" failed its integrity check (its content does not match its content hash) and is not served; an operator must investigate`,
      {
        reason: 'VERSION_INTEGRITY',
        rulesetKey,
        version: number,
        versionId,
      },
    );
  }
}

/** The database cannot be reached right now: a clear, retryable failure rather than a crash. */
export class ServiceUnavailableError extends DomainError {
  readonly code = 'INTERNAL_SERVER_ERROR';
  constructor(message = 'the policy database is unavailable; retry shortly') {
    super(message, { reason: 'DATABASE_UNAVAILABLE', retryable: true });
  }
}

/**
 * Work over history (impact analysis, replay) ran past its wall-clock budget and was stopped.
 * The caller chose the work (a window, a candidate's conditions), so it is the caller's to narrow.
 */
export class TimeBudgetExceededError extends DomainError {
  readonly code = 'BAD_USER_INPUT';
  constructor(budgetMs: number) {
    super(`the replay was stopped at its time budget of ${budgetMs} ms (REPLAY_TIME_BUDGET_MS): narrow the window or simplify the candidate's conditions`, {
      reason: 'TIME_BUDGET_EXCEEDED',
      budgetMs,
    });
  }
}

/** The client went away: its work over history was stopped (nobody reads this answer; it is logged and counted). */
export class RequestCancelledError extends DomainError {
  readonly code = 'INTERNAL_SERVER_ERROR';
  constructor() {
    super('the request was cancelled by its client', { reason: 'CANCELLED' });
  }
}

/** Every replay worker is busy and the queue is full: retry later. */
export class ServiceBusyError extends DomainError {
  readonly code = 'INTERNAL_SERVER_ERROR';
  constructor(message: string) {
    super(message, { reason: 'BUSY', retryable: true });
  }
}

/** The process is stopping: work it would have started is refused (another process may take it). */
export class ShuttingDownError extends DomainError {
  readonly code = 'INTERNAL_SERVER_ERROR';
  constructor() {
    super('the server is shutting down', { reason: 'SHUTTING_DOWN', retryable: true });
  }
}
