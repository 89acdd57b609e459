import { DataSource } from 'typeorm';
import { uuidv7 } from 'uuidv7';
import { BadInputError, NotFoundError } from '../common/errors';
import { isUuid } from '../common/ids';
import { Issues } from '../common/issues';
import { MAX_REVIEW_QUEUE_PAGE, REVIEW_LIMITS } from '../common/limits';
import { actorOf, RequestContext } from '../common/request-context';
import { inTransaction } from '../db/transaction';
import { DecisionLogService } from '../decisions/decision-log.service';
import type { ChainedDecision } from '../decisions/decision-record';
import type { ApplicationState, NumberApplicationInput, TestCaseContent } from '../engine';
import { AuthoringService } from '../rulesets/authoring.service';
import { RulesetVersionView } from '../rulesets/ruleset-version.view';
import { RulesetService } from '../rulesets/ruleset.service';
import { VersionCatalogue } from '../rulesets/version-catalogue';
import { decodeQueueCursor, encodeQueueCursor } from './queue-cursor';
import { ChainedReview, REVIEW_OUTCOMES, ReviewContent, ReviewOutcome, ReviewReason } from './review-record';
import * as store from './review-log.store';

export interface ReviewQueueArgs {
  rulesetKey: string;
  first: number;
  after: string | null;
  reason: ReviewReason | null;
  order: store.QueueOrder;
}

export interface ReviewQueuePage {
  edges: { cursor: string; node: store.QueueItem }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** null when not counted */
  totalCount: number | null;
}

/** A decision as its reviewer sees it: the record (with its signals), why it is a person's job, and every appeal and answer so far. */
export interface ReviewCaseView {
  decision: ChainedDecision;
  reason: ReviewReason;
  waiting: boolean;
  finalOutcome: ChainedReview | null;
  history: ChainedReview[];
}

/** The outcome in force: the newest (a correction supersedes the one before). */
const finalOutcomeOf = (history: ChainedReview[]): ChainedReview | null => history.filter((record) => record.kind === 'OUTCOME').pop() ?? null;

/** Why a decision is a person's job, or null when it is not one: a REVIEW decision, or an appealed REJECT. */
function reviewReasonOf(decision: ChainedDecision, history: ChainedReview[]): ReviewReason | null {
  if (decision.decision === 'REVIEW') return 'REVIEW';
  return history.some((record) => record.kind === 'APPEAL') ? 'APPEAL' : null;
}

/**
 * The human review loop: appeals, reviewers' final answers (appended to the review chain,
 * a correction superseding the answer before), the queue of decisions awaiting an answer,
 * and a reviewed decision turned into a test case of a draft.
 */
export class ReviewService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly decisionLog: DecisionLogService,
    private readonly versions: VersionCatalogue,
    private readonly rulesets: RulesetService,
    private readonly authoring: AuthoringService,
  ) {}

  /** An appeal of a REJECT decision: it joins the review queue. Refused (nothing written) for anything but a number application's REJECT not yet appealed. */
  async openAppeal(context: RequestContext, decisionId: string, reason: string): Promise<ChainedReview> {
    const issues = new Issues();
    const text = issues.text('reason', reason, REVIEW_LIMITS.reasonChars, true);
    issues.throwIfAny();
    const decision = await this.applicationDecision(decisionId);
    if (decision.decision !== 'REJECT') {
      throw new BadInputError(
        `only a REJECT decision can be appealed; this one is ${decision.decision}${decision.decision === 'REVIEW' ? ' and awaits a reviewer already' : ''}`,
        { path: 'decisionId' },
      );
    }
    return inTransaction(this.dataSource, 'opening the appeal', async (tx) => {
      await store.lockReviewChain(tx);
      const history = await store.reviewsOfDecision(tx, decision.id);
      if (history.some((record) => record.kind === 'APPEAL')) {
        throw new BadInputError('this decision has been appealed already; its reviewer answers (and corrects) with recordReviewOutcome', {
          path: 'decisionId',
        });
      }
      const record = await store.appendReview(
        tx,
        this.reviewContent(context, decision, { kind: 'APPEAL', outcome: null, reason: text!, ruleKeys: [], supersedes: null }),
      );
      await store.queueAppeal(tx, decision);
      return record;
    });
  }

  /**
   * A reviewer's final answer to a REVIEW decision or an appealed REJECT; a later answer to the
   * same decision is a correction that supersedes it. A REJECTED answer may name the REJECT
   * rules of the decision's version it falls under; an APPROVED one names none.
   */
  async recordOutcome(context: RequestContext, decisionId: string, outcome: ReviewOutcome, reason: string, ruleKeys: string[] | null): Promise<ChainedReview> {
    const issues = new Issues();
    const text = issues.text('reason', reason, REVIEW_LIMITS.reasonChars, true);
    if (!REVIEW_OUTCOMES.includes(outcome)) issues.add('outcome', `must be one of ${REVIEW_OUTCOMES.join(', ')}`);
    const keys = [...new Set(ruleKeys ?? [])];
    if (keys.length > REVIEW_LIMITS.ruleKeys) issues.add('ruleKeys', `must name at most ${REVIEW_LIMITS.ruleKeys} rules`);
    if (outcome === 'APPROVED' && keys.length > 0) issues.add('ruleKeys', 'an APPROVED answer names no policy rows (ruleKeys are for REJECTED)');
    keys.forEach((key, index) => issues.id(`ruleKeys[${index}]`, key, true));
    issues.throwIfAny();

    const decision = await this.applicationDecision(decisionId);
    if (keys.length > 0) {
      const version = await this.versions.resolveVersion(context, decision.rulesetKey, { version: decision.versionNumber });
      const rejectRules = new Set(version.compiled.businessRules.filter((rule) => rule.effect === 'REJECT').map((rule) => rule.key));
      const unknown = new Issues();
      keys.forEach((key, index) => {
        if (!rejectRules.has(key)) unknown.add(`ruleKeys[${index}]`, `names no REJECT rule of version ${decision.versionNumber} of "${decision.rulesetKey}"`);
      });
      unknown.throwIfAny();
    }
    return inTransaction(this.dataSource, 'recording the review outcome', async (tx) => {
      await store.lockReviewChain(tx);
      const history = await store.reviewsOfDecision(tx, decision.id);
      if (reviewReasonOf(decision, history) === null) {
        throw new BadInputError(
          `this ${decision.decision} decision has no review or appeal: ${decision.decision === 'REJECT' ? 'a REJECT is reviewed once appealed (openAppeal)' : 'an ALLOW is final'}`,
          { path: 'decisionId' },
        );
      }
      const previous = finalOutcomeOf(history);
      const record = await store.appendReview(
        tx,
        this.reviewContent(context, decision, { kind: 'OUTCOME', outcome, reason: text!, ruleKeys: keys, supersedes: previous?.id ?? null }),
      );
      if (previous === null) await store.dequeue(tx, decision.id);
      return record;
    });
  }

  /** A page of the decisions of a ruleset awaiting an answer: oldest first, or riskiest first (then oldest). */
  async queue(args: ReviewQueueArgs, countTotal: boolean): Promise<ReviewQueuePage> {
    if (!Number.isInteger(args.first) || args.first < 0 || args.first > MAX_REVIEW_QUEUE_PAGE) {
      throw new BadInputError(`first must be between 0 and ${MAX_REVIEW_QUEUE_PAGE}`, { path: 'first' });
    }
    const position = args.after === null ? null : decodeQueueCursor(args.after, args.order);
    const db = this.dataSource.manager;
    await this.rulesets.getRulesetIn(db, args.rulesetKey);
    const [rows, count] = await Promise.all([
      store.queuePage(db, args.rulesetKey, args.order, args.reason, position, args.first + 1),
      countTotal ? store.queueCount(db, args.rulesetKey, args.reason) : null,
    ]);
    const page = rows.slice(0, args.first);
    // The reviewer reads the evidence and messages: rebuilt for lean records.
    const decisions = await this.decisionLog.withFullOutputs(page.map((item) => item.decision));
    const edges = page.map((item, i) => ({ cursor: encodeQueueCursor(args.order, item), node: { ...item, decision: decisions[i] } }));
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > args.first, endCursor: edges.length > 0 ? edges[edges.length - 1].cursor : args.after },
      totalCount: count,
    };
  }

  /** A decision that is (or was) a person's job, with its review history; null for an unknown id or a decision no person reviews. */
  async reviewCase(decisionId: string): Promise<ReviewCaseView | null> {
    const decision = isUuid(decisionId) ? await this.decisionLog.findDecision(decisionId) : null;
    if (!decision || decision.kind !== 'NUMBER_APPLICATION') return null;
    const db = this.dataSource.manager;
    const [history, queued] = await Promise.all([store.reviewsOfDecision(db, decision.id), store.isQueued(db, decision.id)]);
    const reason = reviewReasonOf(decision, history);
    if (reason === null) return null;
    return { decision, reason, waiting: queued !== null, finalOutcome: finalOutcomeOf(history), history };
  }

  /** A reviewed decision as a test case of a draft of its ruleset: its input and standing, and the decision its final answer calls for. */
  async addTestCaseFromDecision(context: RequestContext, draftId: string, expectedRevision: number, decisionId: string): Promise<RulesetVersionView> {
    const decision = await this.applicationDecision(decisionId);
    const final = finalOutcomeOf(await store.reviewsOfDecision(this.dataSource.manager, decision.id));
    if (final === null) throw new BadInputError('this decision has no final answer yet (recordReviewOutcome)', { path: 'decisionId' });
    const draft = isUuid(draftId) ? await this.rulesets.findVersionById(draftId) : null;
    if (!draft) throw new NotFoundError(`no draft with id "${draftId}"`);
    if (draft.rulesetKey !== decision.rulesetKey) {
      throw new BadInputError(`the decision was made by ruleset "${decision.rulesetKey}", the draft belongs to "${draft.rulesetKey}"`, { path: 'draftId' });
    }
    const draftRules = new Set(draft.content.businessRules.map((rule) => rule.key));
    return this.authoring.upsertTestCase(context, draftId, expectedRevision, testCaseOf(decision, final, draftRules));
  }

  private async applicationDecision(decisionId: string): Promise<ChainedDecision> {
    const decision = isUuid(decisionId) ? await this.decisionLog.findDecision(decisionId) : null;
    if (!decision) throw new BadInputError('decisionId names no logged decision', { path: 'decisionId' });
    if (decision.kind !== 'NUMBER_APPLICATION') {
      throw new BadInputError(`decisionId names a ${decision.kind} decision; only number applications are reviewed`, { path: 'decisionId' });
    }
    return decision;
  }

  private reviewContent(
    context: RequestContext,
    decision: ChainedDecision,
    fields: Pick<ReviewContent, 'kind' | 'outcome' | 'reason' | 'ruleKeys' | 'supersedes'>,
  ): ReviewContent {
    return {
      id: uuidv7(),
      decisionId: decision.id,
      decisionHash: decision.hash,
      decidedAt: decision.createdAt,
      rulesetKey: decision.rulesetKey,
      versionNumber: decision.versionNumber,
      automaticDecision: decision.decision!,
      ...fields,
      caller: actorOf(context),
      createdAt: context.now.toISOString(),
    };
  }
}

/**
 * The test case a final answer calls for: REJECTED expects REJECT (and the named rules the
 * draft still has); APPROVED expects REVIEW, the decision that lets an application reach a
 * person rather than turning it away.
 */
export function testCaseOf(decision: ChainedDecision, final: ChainedReview, draftRules: ReadonlySet<string>): TestCaseContent {
  const input = decision.input as NumberApplicationInput;
  const standing = (decision.state as ApplicationState).enterprise;
  const expectedRuleKeys = final.outcome === 'REJECTED' ? final.ruleKeys.filter((key) => draftRules.has(key)) : [];
  return {
    key: `decision-${decision.id}`,
    application: {
      description: input.description,
      industry: input.industry ?? null,
      scenario: input.scenario ?? null,
      callDirection: input.callDirection ?? null,
      facts: input.facts ?? null,
    },
    violation: null,
    enterprise: standing ? { status: standing.status, violationCount: standing.violationCount, seriousViolationCount: standing.seriousViolationCount } : null,
    expectedDecision: final.outcome === 'REJECTED' ? 'REJECT' : 'REVIEW',
    expectedSeverity: null,
    expectedRuleKeys: expectedRuleKeys.length > 0 ? expectedRuleKeys : null,
  };
}
