import { hasRole } from '../api-keys/roles';
import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { toDecisionRecord } from '../decisions/decision.mapping';
import { DecisionRecord } from '../decisions/decision.types';
import { GraphQLContext } from '../graphql/context';
import { Enterprise } from './enterprise.types';

@Resolver(() => Enterprise)
export class EnterpriseResolver {
  @Authorized('evaluator', 'auditor')
  @Query(() => Enterprise, { nullable: true, description: 'Standing of an enterprise that has had a violation reported; null otherwise.' })
  enterprise(@Arg('id', () => ID) id: string, @Ctx() { services }: GraphQLContext): Promise<Enterprise | null> {
    return services.enterprises.findEnterprise(id);
  }

  @FieldResolver(() => [DecisionRecord], {
    description: 'The recorded-violation decisions that changed this enterprise\'s record. Auditors see all; evaluators only those received in this request.',
  })
  async violations(@Root() enterprise: Enterprise, @Ctx() context: GraphQLContext): Promise<DecisionRecord[]> {
    const records = await context.services.decisionLog.enterpriseViolations(enterprise.id);
    const auditor = hasRole(context.caller!.roles, ['auditor']);
    return records.filter((record) => auditor || context.receivedDecisionIds.has(record.id)).map(toDecisionRecord);
  }
}
