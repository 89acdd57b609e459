import { AuthChecker } from 'type-graphql';
import { hasRole, Role } from '../common/roles';
import { ForbiddenError, UnauthenticatedError } from '../common/errors';
import { RequestContext } from '../common/request-context';

/**
 * `@Authorized()` needs any valid key; `@Authorized('auditor')` needs that role (admin implies all).
 * Throws our own errors: type-graphql's default failure code is UNAUTHORIZED, the contract's is FORBIDDEN.
 */
export const authChecker: AuthChecker<RequestContext, Role> = ({ context, info }, roles) => {
  if (!context.caller) {
    throw new UnauthenticatedError('an API key is required: send the header "Authorization: Bearer <key>"');
  }
  if (roles.length > 0 && !hasRole(context.caller.roles, roles)) {
    throw new ForbiddenError(`${info.parentType.name}.${info.fieldName} needs the role ${roles.join(' or ')}; this key has ${context.caller.roles.join(', ')}`);
  }
  return true;
};
