import { RequestContext } from '../common/request-context';
import type { Services } from '../services';

/** What every resolver receives: the request's caller and the services. */
export interface GraphQLContext extends RequestContext {
  services: Services;
}
