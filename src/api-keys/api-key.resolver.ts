import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { GraphQLContext } from '../graphql/context';
import { ApiKey, ApiKeyCreated } from './api-key.types';

@Resolver()
export class ApiKeyResolver {
  @Authorized('admin')
  @Mutation(() => ApiKeyCreated, { description: 'Creates a key with roles among admin, editor, publisher, evaluator, auditor.' })
  createApiKey(
    @Arg('name') name: string,
    @Arg('roles', () => [String]) roles: string[],
    @Ctx() { services, caller }: GraphQLContext,
  ): Promise<ApiKeyCreated> {
    return services.apiKeys.create(caller!.name, name, roles);
  }

  @Authorized('admin')
  @Mutation(() => Boolean, { description: 'Revokes a key; it fails from the next request on. False when already revoked.' })
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() { services }: GraphQLContext): Promise<boolean> {
    return services.apiKeys.revoke(id);
  }

  @Authorized('admin')
  @Query(() => [ApiKey], { description: 'Every API key, without secrets.' })
  apiKeys(@Ctx() { services }: GraphQLContext): Promise<ApiKey[]> {
    return services.apiKeys.list();
  }
}
