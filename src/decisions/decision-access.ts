import { ForbiddenError } from '../common/errors';
import { RequestContext } from '../common/request-context';
import { hasRole } from '../common/roles';

/** Auditors read the whole log; anyone else only the decisions returned to them in this same request. */
export function mayReadDecision(context: RequestContext, decisionId: string): boolean {
  return (context.caller !== null && hasRole(context.caller.roles, ['auditor'])) || context.receivedDecisionIds.has(decisionId);
}

export function assertMayReadDecision(context: RequestContext, decisionId: string): void {
  if (!mayReadDecision(context, decisionId)) {
    throw new ForbiddenError('reading the decision log needs the role auditor; an evaluator may read only the decisions it received in this request');
  }
}
