import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { RequestContext } from '../common/request-context';
import { ApiKeyService } from './api-key.service';
import { ApiKey, ApiKeyCreated } from './api-key.types';

@Resolver()
export class ApiKeyResolver {
  constructor(private readonly keys: ApiKeyService) {}

  @Authorized('admin')
  @Mutation(() => ApiKeyCreated, { description: 'Creates a key with roles among admin, editor, publisher, evaluator, auditor.' })
  createApiKey(@Arg('name') name: string, @Arg('roles', () => [String]) roles: string[], @Ctx() context: RequestContext): Promise<ApiKeyCreated> {
    return this.keys.create(context, name, roles);
  }

  @Authorized('admin')
  @Mutation(() => Boolean, { description: 'Revokes a key; it fails from the next request on. False when already revoked.' })
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<boolean> {
    return this.keys.revoke(context, id);
  }

  @Authorized('admin')
  @Query(() => [ApiKey], { description: 'Every API key, without secrets.' })
  apiKeys(): Promise<ApiKey[]> {
    return this.keys.list();
  }
}
