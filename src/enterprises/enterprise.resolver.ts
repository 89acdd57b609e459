import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { RequestContext } from '../common/request-context';
import { mayReadDecision } from '../decisions/decision-access';
import { DecisionLogService } from '../decisions/decision-log.service';
import { toDecisionRecord } from '../decisions/decision.mapping';
import { DecisionRecord } from '../decisions/decision.types';
import { EnterpriseService } from './enterprise.service';
import { EnterpriseStore, EnterpriseView } from './enterprise.store';
import { Enterprise } from './enterprise.types';

const toEnterprise = (view: EnterpriseView): Enterprise => ({ ...view, reinstatedAt: view.reinstatedAt ? new Date(view.reinstatedAt) : null });

@Resolver(() => Enterprise)
export class EnterpriseResolver {
  constructor(
    private readonly enterprises: EnterpriseStore,
    private readonly decisionLog: DecisionLogService,
    private readonly service: EnterpriseService,
  ) {}

  @Authorized('publisher')
  @Mutation(() => Enterprise, {
    description:
      'Returns an OFFLINE enterprise (下线整改) to ACTIVE once its rectification is done; recorded in the edit trail (ENTERPRISE_REINSTATED) with the caller and reason. Its history stays. Unknown enterprise or empty reason: BAD_USER_INPUT; an enterprise that is not OFFLINE: CONFLICT.',
  })
  async reinstateEnterprise(
    @Arg('enterpriseId', () => ID) enterpriseId: string,
    @Arg('reason', { description: 'Why it may return, e.g. the rectification it completed.' }) reason: string,
    @Ctx() context: RequestContext,
  ): Promise<Enterprise> {
    return toEnterprise(await this.service.reinstate(context, enterpriseId, reason));
  }

  @Authorized('evaluator', 'auditor')
  @Query(() => Enterprise, { nullable: true, description: 'Standing of an enterprise that has had a violation reported; null otherwise.' })
  async enterprise(@Arg('id', () => ID) id: string): Promise<Enterprise | null> {
    const view = await this.enterprises.findEnterprise(id);
    return view && toEnterprise(view);
  }

  @FieldResolver(() => [DecisionRecord], {
    description: "The recorded-violation decisions that changed this enterprise's record. Auditors see all; evaluators only those received in this request.",
  })
  async violations(@Root() enterprise: Enterprise, @Ctx() context: RequestContext): Promise<DecisionRecord[]> {
    const records = await this.decisionLog.enterpriseViolations(enterprise.id);
    return records.filter((record) => mayReadDecision(context, record.id)).map(toDecisionRecord);
  }
}
