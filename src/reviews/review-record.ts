import { canonicalHash } from '../common/canonical-json';
import { chainHash } from '../decisions/decision-record';

export const REVIEW_RECORD_KINDS = ['APPEAL', 'OUTCOME'] as const;
export type ReviewRecordKind = (typeof REVIEW_RECORD_KINDS)[number];

export const REVIEW_OUTCOMES = ['APPROVED', 'REJECTED'] as const;
/** A reviewer's final answer: the application may have its number, or not. */
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/** Why a decision awaits a human answer: its decision was REVIEW, or its REJECT was appealed. */
export type ReviewReason = 'REVIEW' | 'APPEAL';

/**
 * Everything a review record says, exactly as hashed (sha256 of its RFC 8785 canonical JSON).
 * It names the decision by id and by chain hash, so it cannot be moved to another decision,
 * and copies what the quality figures group by (ruleset, version, time, automatic decision).
 */
export interface ReviewContent {
  id: string;
  kind: ReviewRecordKind;
  decisionId: string;
  /** The decision's chain hash in the decision log. */
  decisionHash: string;
  /** ISO time of the decision. */
  decidedAt: string;
  rulesetKey: string;
  versionNumber: number;
  /** The decision the version made: REVIEW, or REJECT (appeals). */
  automaticDecision: string;
  /** OUTCOME only. */
  outcome: ReviewOutcome | null;
  /** The reviewer's reasons (OUTCOME) or the applicant's (APPEAL). */
  reason: string;
  /** A REJECTED outcome: the policy rows (rule keys of the decision's version) it falls under. */
  ruleKeys: string[];
  /** The earlier outcome of the same decision this one corrects; null for the first. */
  supersedes: string | null;
  /** The API key name that recorded it. */
  caller: string;
  /** ISO time it was recorded. */
  createdAt: string;
}

export interface ChainedReview extends ReviewContent {
  seq: number;
  recordHash: string;
  prevHash: string | null;
  hash: string;
}

export function reviewRecordHash(content: ReviewContent): string {
  return canonicalHash(content);
}

/** The record placed after `previous` (null: the first record). */
export function chainReview(content: ReviewContent, previous: { seq: number; hash: string } | null): ChainedReview {
  const recordHash = reviewRecordHash(content);
  const prevHash = previous?.hash ?? null;
  return { ...content, seq: (previous?.seq ?? 0) + 1, recordHash, prevHash, hash: chainHash(prevHash, recordHash) };
}

/** The content of a chained record: what its record hash covers. */
export function reviewContentOf(record: ChainedReview): ReviewContent {
  const { seq: _seq, recordHash: _recordHash, prevHash: _prevHash, hash: _hash, ...content } = record;
  return content;
}

export type ReviewChainBreak = 'record-hash' | 'sequence' | 'prev-hash' | 'chain-hash';

/** Checks one record against its expected place; null when intact. */
export function checkReviewLink(record: ChainedReview, expected: { seq: number; hash: string | null }): ReviewChainBreak | null {
  if (record.seq !== expected.seq + 1) return 'sequence';
  if (record.prevHash !== expected.hash) return 'prev-hash';
  if (reviewRecordHash(reviewContentOf(record)) !== record.recordHash) return 'record-hash';
  if (chainHash(record.prevHash, record.recordHash) !== record.hash) return 'chain-hash';
  return null;
}

/**
 * Checks a review record as an export carries it beside its decision: its own hashes, and that
 * it names that decision (id and chain hash). Its place in the review chain is checked online
 * (verifyDecisionLog), where the whole chain is at hand.
 */
export function checkAttachedReview(review: ChainedReview, decision: { id: string; hash: string }): string | null {
  if (review.decisionId !== decision.id || review.decisionHash !== decision.hash) return 'review-decision';
  if (reviewRecordHash(reviewContentOf(review)) !== review.recordHash) return 'review-record-hash';
  if (chainHash(review.prevHash, review.recordHash) !== review.hash) return 'review-chain-hash';
  return null;
}
