import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DecisionRecord, PageInfo } from '../decisions/decision.types';
import type { Decision, RuleEffect } from '../engine';
import { RuleMatch, Signal } from '../evaluations/evaluation.types';
import { DecisionEnum } from '../rulesets/ruleset.types';
import type { ReviewOutcome, ReviewReason, ReviewRecordKind } from './review-record';

export enum ReviewOutcomeKindEnum {
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}
registerEnumType(ReviewOutcomeKindEnum, { name: 'ReviewOutcomeKind', description: "A reviewer's final answer: the application may have its number, or not." });

export enum ReviewRecordKindEnum {
  APPEAL = 'APPEAL',
  OUTCOME = 'OUTCOME',
}
registerEnumType(ReviewRecordKindEnum, { name: 'ReviewRecordKind' });

export enum ReviewReasonEnum {
  REVIEW = 'REVIEW',
  APPEAL = 'APPEAL',
}
registerEnumType(ReviewReasonEnum, {
  name: 'ReviewReason',
  description: 'Why a decision is a person’s job: its decision was REVIEW, or its REJECT was appealed.',
});

export enum ReviewQueueOrderEnum {
  OLDEST = 'OLDEST',
  RISK = 'RISK',
}
registerEnumType(ReviewQueueOrderEnum, {
  name: 'ReviewQueueOrder',
  description: 'OLDEST: in the order the decisions were logged. RISK: highest risk score (sum of the FLAG signals’ weights) first, then oldest.',
});

@ObjectType({
  description: 'An appeal or a final answer, in the review log: append-only and hash-chained like the decision log (verifyDecisionLog checks it).',
})
export class ReviewRecord {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Position in the review log (decimal string).' })
  sequence: string;

  @Field(() => ReviewRecordKindEnum)
  kind: ReviewRecordKind;

  @Field(() => ID)
  decisionId: string;

  @Field({ description: "The decision's chain hash in the decision log." })
  decisionHash: string;

  @Field(() => ID)
  rulesetKey: string;

  @Field(() => Int)
  versionNumber: number;

  @Field(() => DecisionEnum, { description: 'What the version decided.' })
  automaticDecision: Decision;

  @Field(() => ReviewOutcomeKindEnum, { nullable: true, description: 'OUTCOME records: the final answer.' })
  outcome: ReviewOutcome | null;

  @Field({ description: "The reviewer's reasons, or the appellant's." })
  reason: string;

  @Field(() => [ID], { description: 'A REJECTED answer: the REJECT rules (policy rows) of the decision’s version it falls under.' })
  ruleKeys: string[];

  @Field(() => ID, { nullable: true, description: 'The earlier answer this one corrects (supersedes).' })
  supersedes: string | null;

  @Field({ description: 'The API key name that recorded it.' })
  recordedBy: string;

  @Field(() => Date)
  recordedAt: Date;

  @Field({ description: 'sha256 of the canonical record content.' })
  recordHash: string;

  @Field(() => String, { nullable: true })
  prevHash: string | null;

  @Field({ description: 'Chains the review log: sha256(prevHash + recordHash).' })
  hash: string;
}

/** What a reviewer sees of a decision: the applicant's words, the version's answer, the signals. */
@ObjectType()
abstract class ReviewedDecisionFields {
  @Field(() => ID)
  decisionId: string;

  @Field(() => ReviewReasonEnum)
  reason: ReviewReason;

  @Field(() => ID)
  rulesetKey: string;

  @Field(() => Int)
  versionNumber: number;

  @Field(() => DecisionEnum, { description: 'What the version decided: REVIEW, or an appealed REJECT.' })
  automaticDecision: Decision;

  @Field(() => Date)
  decidedAt: Date;

  @Field({ description: "The applicant's description, as sent." })
  description: string;

  @Field(() => String, { nullable: true })
  industry: string | null;

  @Field(() => String, { nullable: true })
  scenario: string | null;

  @Field(() => Int, { description: "Sum of the signals' weights (0 without signals)." })
  riskScore: number;

  @Field(() => [Signal], { description: 'Why to look closer: the FLAG rules that matched.' })
  signals: Signal[];

  @Field(() => [RuleMatch], { description: 'The deciding rules that matched, with evidence.' })
  matches: RuleMatch[];

  @Field(() => DecisionRecord, { description: 'The logged decision in full.' })
  record: DecisionRecord;
}

@ObjectType({ description: 'A logged number-application decision awaiting a human answer.' })
export class ReviewQueueItem extends ReviewedDecisionFields {}

@ObjectType()
export class ReviewQueueEdge {
  @Field()
  cursor: string;

  @Field(() => ReviewQueueItem)
  node: ReviewQueueItem;
}

@ObjectType()
export class ReviewQueueConnection {
  @Field(() => [ReviewQueueEdge])
  edges: ReviewQueueEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  @Field(() => Int, { description: 'Decisions waiting (counted only when selected).' })
  totalCount: number | null;
}

@InputType()
export class ReviewQueueFilter {
  @Field(() => ReviewReasonEnum, { nullable: true, description: 'Only REVIEW decisions, or only appealed REJECTs.' })
  reason?: ReviewReason | null;
}

@ObjectType({ description: 'A decision that is a person’s job, with every appeal and answer so far.' })
export class ReviewCase extends ReviewedDecisionFields {
  @Field({ description: 'True while no final answer is recorded.' })
  waiting: boolean;

  @Field(() => ReviewRecord, { nullable: true, description: 'The answer in force: the newest (a correction supersedes the one before).' })
  finalOutcome: ReviewRecord | null;

  @Field(() => [ReviewRecord], { description: 'Appeal and answers, oldest first.' })
  history: ReviewRecord[];
}

@ObjectType({ description: 'How one rule of a version did on the window’s decisions against the final answers.' })
export class RuleQualityType {
  @Field(() => ID)
  ruleKey: string;

  @Field(() => DecisionEnum)
  effect: RuleEffect;

  @Field(() => Int, { description: 'Decisions it matched (FLAG rules: flagged). 0: it never fired.' })
  fired: number;

  @Field(() => Int, { description: 'Of those, the ones with a final answer.' })
  reviewed: number;

  @Field(() => Int, { description: 'REJECT rules: appealed decisions it matched that were finally REJECTED.' })
  appealsUpheld: number;

  @Field(() => Int, { description: 'REJECT rules: appealed decisions it matched that were finally APPROVED.' })
  appealsOverturned: number;

  @Field(() => Float, {
    nullable: true,
    description: 'REJECT rules: upheld / (upheld + overturned) appeals. FLAG rules: reviewed flagged decisions finally REJECTED / reviewed. null without data.',
  })
  precision: number | null;

  @Field(() => Int, { description: 'Final REJECTED answers naming this rule for a decision it did not match: what it misses.' })
  missed: number;
}

@ObjectType({ description: 'One version’s decisions of the window against the final answers.' })
export class VersionQualityType {
  @Field(() => Int)
  versionNumber: number;

  @Field(() => Int, { description: 'Number-application decisions it made in the window.' })
  decisions: number;

  @Field(() => Int, { description: 'Of those, the ones with a final answer.' })
  reviewed: number;

  @Field(() => Int)
  agreeing: number;

  @Field(() => Float, { nullable: true, description: 'agreeing / reviewed; null when nothing was reviewed.' })
  agreement: number | null;

  @Field(() => Int)
  appeals: number;

  @Field(() => Int, { description: 'Appealed REJECTs finally REJECTED.' })
  appealsUpheld: number;

  @Field(() => Int, { description: 'Appealed REJECTs finally APPROVED: wrong rejects.' })
  appealsOverturned: number;

  @Field(() => Int, { description: 'REVIEW decisions finally REJECTED: rejects the rules missed (see rules.missed for the rows reviewers named).' })
  reviewsRejected: number;

  @Field(() => Int)
  reviewsApproved: number;

  @Field(() => [RuleQualityType], { description: 'Every business rule of the version, by key.' })
  rules: RuleQualityType[];

  @Field(() => [ID], { description: 'Rules that matched (or flagged) no decision of the window.' })
  neverFired: string[];
}

@ObjectType({
  description:
    'A ruleset on real traffic: its number-application decisions made in [from, to) against reviewers’ final answers. A decision agrees with its final answer when it rejects exactly when the reviewer finally rejected. Counts only.',
})
export class PolicyQuality {
  @Field(() => ID)
  rulesetKey: string;

  @Field(() => Date, { nullable: true })
  from: Date | null;

  @Field(() => Date, { nullable: true })
  to: Date | null;

  @Field(() => Int)
  decisions: number;

  @Field(() => Int, { description: 'Decisions with a final answer.' })
  reviewed: number;

  @Field(() => Int)
  agreeing: number;

  @Field(() => Float, { nullable: true, description: 'agreeing / reviewed; null when nothing was reviewed.' })
  agreement: number | null;

  @Field(() => [VersionQualityType])
  versions: VersionQualityType[];
}
