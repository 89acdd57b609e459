import { toDecisionRecord } from '../decisions/decision.mapping';
import type { ChainedDecision } from '../decisions/decision-record';
import type { Decision, NumberApplicationInput, NumberApplicationOutcome } from '../engine';
import type { ChainedReview, ReviewReason } from './review-record';
import type { ReviewCaseView } from './review.service';
import { ReviewCase, ReviewQueueItem, ReviewRecord } from './review.types';

export function toReviewRecord(record: ChainedReview): ReviewRecord {
  return {
    id: record.id,
    sequence: String(record.seq),
    kind: record.kind,
    decisionId: record.decisionId,
    decisionHash: record.decisionHash,
    rulesetKey: record.rulesetKey,
    versionNumber: record.versionNumber,
    automaticDecision: record.automaticDecision as Decision,
    outcome: record.outcome,
    reason: record.reason,
    ruleKeys: record.ruleKeys,
    supersedes: record.supersedes,
    recordedBy: record.caller,
    recordedAt: new Date(record.createdAt),
    recordHash: record.recordHash,
    prevHash: record.prevHash,
    hash: record.hash,
  };
}

/** A logged application decision as its reviewer reads it. */
export function toReviewedDecision(decision: ChainedDecision, reason: ReviewReason): ReviewQueueItem {
  const input = decision.input as NumberApplicationInput;
  const output = decision.output as NumberApplicationOutcome;
  return {
    decisionId: decision.id,
    reason,
    rulesetKey: decision.rulesetKey,
    versionNumber: decision.versionNumber,
    automaticDecision: output.decision,
    decidedAt: new Date(decision.createdAt),
    description: input.description,
    industry: input.industry ?? null,
    scenario: input.scenario ?? null,
    riskScore: output.riskScore ?? 0,
    signals: output.signals ?? [],
    matches: output.matches,
    record: toDecisionRecord(decision),
  };
}

export function toReviewCase(view: ReviewCaseView): ReviewCase {
  return {
    ...toReviewedDecision(view.decision, view.reason),
    waiting: view.waiting,
    finalOutcome: view.finalOutcome && toReviewRecord(view.finalOutcome),
    history: view.history.map(toReviewRecord),
  };
}
