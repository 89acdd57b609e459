import { Role } from '../api-keys/roles';

/** Who is calling, passed first to every service method. */
export interface Caller {
  keyId: string;
  name: string;
  roles: readonly Role[];
}

export interface RequestContext {
  requestId: string;
  caller: Caller | null;
  /** Decision ids returned to this caller in this request (evaluators may read only those). */
  receivedDecisionIds: Set<string>;
}
