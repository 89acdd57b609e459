import { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, ID, Info, Int, Query, Resolver } from 'type-graphql';
import { RequestContext } from '../common/request-context';
import { maySelectField } from '../graphql/selection';
import { assertMayReadDecision } from './decision-access';
import { DecisionLogService } from './decision-log.service';
import { toDecisionRecord } from './decision.mapping';
import { ReplayService } from './replay.service';
import { DecisionConnection, DecisionFilter, DecisionRecord, ImpactReport, LogCheckpointInput, LogVerification, ReplayResult } from './decision.types';

/** The decision log: auditors read it all; an evaluator only the decisions it received in this request. */
@Resolver()
export class DecisionResolver {
  constructor(
    private readonly decisionLog: DecisionLogService,
    private readonly replay: ReplayService,
  ) {}

  @Authorized()
  @Query(() => DecisionRecord, { nullable: true, description: 'Auditors: any decision. Evaluators: only decisions returned to them in this same request.' })
  async decision(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<DecisionRecord | null> {
    assertMayReadDecision(context, id);
    const record = await this.decisionLog.findDecision(id);
    return record ? toDecisionRecord(record) : null;
  }

  @Authorized('auditor')
  @Query(() => DecisionConnection, { description: 'The log in order (oldest first), filtered; opaque cursors never skip or repeat while the log grows.' })
  async decisions(
    @Arg('filter', () => DecisionFilter, { nullable: true }) filter: DecisionFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Info() info: GraphQLResolveInfo,
  ): Promise<DecisionConnection> {
    const page = await this.decisionLog.listDecisions(filter ?? {}, first ?? 50, after ?? null, maySelectField(info, 'totalCount'));
    return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: toDecisionRecord(edge.node) })) };
  }

  @Authorized('auditor')
  @Query(() => ReplayResult, { description: 'Re-evaluates a logged decision against its own version (identical must be true), another version or a draft.' })
  replayDecision(
    @Arg('id', () => ID) id: string,
    @Arg('againstVersion', () => Int, { nullable: true }) againstVersion: number | null,
    @Arg('againstDraftId', () => ID, { nullable: true }) againstDraftId: string | null,
    @Ctx() context: RequestContext,
  ): Promise<ReplayResult> {
    return this.replay.replayDecision(context, id, againstVersion, againstDraftId);
  }

  @Authorized('auditor', 'editor', 'publisher')
  @Query(() => ImpactReport, {
    description:
      "Replays the logged decisions of a ruleset in [from, to) against a candidate version or draft. Auditors: any window, with samples. Editors and publishers: counts only (no samples, no decision ids), over the whole blocks of IMPACT_MIN_DECISIONS consecutive decisions of the ruleset that the window covers, with the applicant's description normalised.",
  })
  impactAnalysis(
    @Arg('rulesetKey', () => ID) rulesetKey: string,
    @Arg('candidateVersion', () => Int, { nullable: true }) candidateVersion: number | null,
    @Arg('candidateDraftId', () => ID, { nullable: true }) candidateDraftId: string | null,
    @Arg('from', () => Date, { nullable: true }) from: Date | null,
    @Arg('to', () => Date, { nullable: true }) to: Date | null,
    @Arg('sampleSize', () => Int, { nullable: true, defaultValue: 20 }) sampleSize: number | null,
    @Ctx() context: RequestContext,
  ): Promise<ImpactReport> {
    return this.replay.impactAnalysis(context, { rulesetKey, candidateVersion, candidateDraftId, from, to, sampleSize });
  }

  @Authorized('auditor')
  @Query(() => LogVerification, {
    description: 'Recomputes record hashes and chain links in [from, to); reports the first broken record, and a checkpoint to keep when valid.',
  })
  verifyDecisionLog(
    @Arg('from', () => Date, { nullable: true }) from: Date | null,
    @Arg('to', () => Date, { nullable: true }) to: Date | null,
    @Arg('checkpoint', () => LogCheckpointInput, {
      nullable: true,
      validate: { forbidUnknownValues: false },
      description: 'A checkpoint from an earlier verification: the record there must still carry that hash.',
    })
    checkpoint: LogCheckpointInput | null,
    @Ctx() context: RequestContext,
  ): Promise<LogVerification> {
    return this.decisionLog.verify(context, from ?? null, to ?? null, checkpoint ?? null);
  }
}
