import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { RequestContext } from '../common/request-context';
import { mayReadDecision } from '../decisions/decision-access';
import { DecisionLogService } from '../decisions/decision-log.service';
import { toDecisionRecord } from '../decisions/decision.mapping';
import { DecisionRecord } from '../decisions/decision.types';
import { EnterpriseStore } from './enterprise.store';
import { Enterprise } from './enterprise.types';

@Resolver(() => Enterprise)
export class EnterpriseResolver {
  constructor(
    private readonly enterprises: EnterpriseStore,
    private readonly decisionLog: DecisionLogService,
  ) {}

  @Authorized('evaluator', 'auditor')
  @Query(() => Enterprise, { nullable: true, description: 'Standing of an enterprise that has had a violation reported; null otherwise.' })
  enterprise(@Arg('id', () => ID) id: string): Promise<Enterprise | null> {
    return this.enterprises.findEnterprise(id);
  }

  @FieldResolver(() => [DecisionRecord], {
    description: "The recorded-violation decisions that changed this enterprise's record. Auditors see all; evaluators only those received in this request.",
  })
  async violations(@Root() enterprise: Enterprise, @Ctx() context: RequestContext): Promise<DecisionRecord[]> {
    const records = await this.decisionLog.enterpriseViolations(enterprise.id);
    return records.filter((record) => mayReadDecision(context, record.id)).map(toDecisionRecord);
  }
}
