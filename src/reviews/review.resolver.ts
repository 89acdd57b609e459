import { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, ID, Info, Int, Mutation, Query, Resolver } from 'type-graphql';
import { RequestContext } from '../common/request-context';
import { maySelectField } from '../graphql/selection';
import { toRulesetVersion } from '../rulesets/ruleset.mapping';
import { RulesetVersion } from '../rulesets/ruleset.types';
import { PolicyQualityService } from './policy-quality.service';
import type { ReviewOutcome } from './review-record';
import { toReviewCase, toReviewedDecision, toReviewRecord } from './review.mapping';
import { ReviewService } from './review.service';
import { PolicyQuality, ReviewCase, ReviewOutcomeKindEnum, ReviewQueueConnection, ReviewQueueFilter, ReviewQueueOrderEnum, ReviewRecord } from './review.types';

/** The human review loop: the queue, appeals, final answers, the quality report. Thin. */
@Resolver()
export class ReviewResolver {
  constructor(
    private readonly reviews: ReviewService,
    private readonly quality: PolicyQualityService,
  ) {}

  @Authorized('reviewer')
  @Query(() => ReviewQueueConnection, {
    description:
      'The logged number-application decisions of a ruleset awaiting a human answer: every REVIEW decision, and every REJECT with an open appeal. Oldest first, or riskiest first (orderBy: RISK). A decision leaves the queue with its first final answer.',
  })
  async reviewQueue(
    @Arg('rulesetKey', () => ID) rulesetKey: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('filter', () => ReviewQueueFilter, { nullable: true }) filter: ReviewQueueFilter | null,
    @Arg('orderBy', () => ReviewQueueOrderEnum, { nullable: true, defaultValue: ReviewQueueOrderEnum.OLDEST }) orderBy: ReviewQueueOrderEnum | null,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ReviewQueueConnection> {
    const page = await this.reviews.queue(
      { rulesetKey, first: first ?? 50, after: after ?? null, reason: filter?.reason ?? null, order: orderBy ?? ReviewQueueOrderEnum.OLDEST },
      maySelectField(info, 'totalCount'),
    );
    return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: toReviewedDecision(edge.node.decision, edge.node.reason) })) };
  }

  @Authorized('reviewer')
  @Query(() => ReviewCase, {
    nullable: true,
    description: 'A decision that is a person’s job (a REVIEW decision or an appealed REJECT) with its signals, appeal and answers; null for any other id.',
  })
  async reviewCase(@Arg('decisionId', () => ID) decisionId: string): Promise<ReviewCase | null> {
    const view = await this.reviews.reviewCase(decisionId);
    return view && toReviewCase(view);
  }

  @Authorized('evaluator', 'reviewer')
  @Mutation(() => ReviewRecord, {
    description:
      'Appeals a REJECT decision: it joins the review queue. BAD_USER_INPUT (nothing written) for any other decision, a second appeal or an empty reason.',
  })
  async openAppeal(
    @Arg('decisionId', () => ID) decisionId: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() context: RequestContext,
  ): Promise<ReviewRecord> {
    return toReviewRecord(await this.reviews.openAppeal(context, decisionId, reason));
  }

  @Authorized('reviewer')
  @Mutation(() => ReviewRecord, {
    description:
      "Records the final answer to a REVIEW decision or an appealed REJECT, appended to the review log; answering again corrects it (the new answer supersedes). BAD_USER_INPUT (nothing written): unknown decision, not a number application, no review or appeal, empty reason, rule keys that name no REJECT rule of the decision's version, rule keys on an APPROVED answer.",
  })
  async recordReviewOutcome(
    @Arg('decisionId', () => ID) decisionId: string,
    @Arg('outcome', () => ReviewOutcomeKindEnum) outcome: ReviewOutcomeKindEnum,
    @Arg('reason', () => String) reason: string,
    @Arg('ruleKeys', () => [ID], { nullable: true, description: 'A REJECTED answer: the policy rows (REJECT rules of the decision’s version) it falls under.' })
    ruleKeys: string[] | null,
    @Ctx() context: RequestContext,
  ): Promise<ReviewRecord> {
    return toReviewRecord(await this.reviews.recordOutcome(context, decisionId, outcome as ReviewOutcome, reason, ruleKeys ?? null));
  }

  @Authorized('reviewer', 'editor', 'publisher', 'auditor')
  @Query(() => PolicyQuality, {
    description:
      'The ruleset measured on real traffic: per version and rule, its decisions of [from, to) against the final answers. Auditors: any window. Editors, publishers and reviewers: counts over the whole blocks of IMPACT_MIN_DECISIONS consecutive decisions of the ruleset that the window covers (BAD_USER_INPUT when it covers none), as for impactAnalysis.',
  })
  async policyQuality(
    @Arg('rulesetKey', () => ID) rulesetKey: string,
    @Arg('from', () => Date, { nullable: true }) from: Date | null,
    @Arg('to', () => Date, { nullable: true }) to: Date | null,
    @Ctx() context: RequestContext,
  ): Promise<PolicyQuality> {
    return { rulesetKey, from: from ?? null, to: to ?? null, ...(await this.quality.report(context, rulesetKey, from ?? null, to ?? null)) };
  }

  @Authorized('editor')
  @Mutation(() => RulesetVersion, {
    description:
      'Adds a test case to a draft from a decision with a final answer (key decision-<id>): its input and standing, expecting REJECT (and the named rules the draft has) when finally REJECTED, REVIEW when APPROVED.',
  })
  async addTestCaseFromDecision(
    @Arg('draftId', () => ID) draftId: string,
    @Arg('expectedRevision', () => Int) expectedRevision: number,
    @Arg('decisionId', () => ID) decisionId: string,
    @Ctx() context: RequestContext,
  ): Promise<RulesetVersion> {
    return toRulesetVersion(await this.reviews.addTestCaseFromDecision(context, draftId, expectedRevision, decisionId));
  }
}
