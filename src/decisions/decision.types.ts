import { Matches } from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DecisionEnum } from '../rulesets/ruleset.types';

/** The published version a decision was made by, as every logged answer names it. */
@ObjectType()
export abstract class LoggedVersionFields {
  @Field(() => ID)
  rulesetKey: string;

  @Field(() => Int)
  versionNumber: number;

  @Field()
  contentHash: string;
}

@ObjectType({ description: 'One logged decision: what was asked, what was answered, by which version, for whom.' })
export class DecisionRecord extends LoggedVersionFields {
  @Field(() => ID)
  id: string;

  @Field({ description: 'NUMBER_APPLICATION, VIOLATION or RECORDED_VIOLATION' })
  kind: string;

  @Field(() => GraphQLJSON, { description: 'The canonical input evaluated.' })
  input: unknown;

  @Field(() => GraphQLJSON, { description: 'The canonical output returned.' })
  output: unknown;

  @Field(() => GraphQLJSON, { description: 'The recorded state the evaluation read (standing, prior violations).' })
  state: unknown;

  @Field({ description: 'The API key name that asked.' })
  caller: string;

  @Field(() => String, { nullable: true })
  requestId: string | null;

  @Field()
  engineVersion: string;

  @Field(() => Date)
  createdAt: Date;

  @Field({ description: 'Position in the log (decimal string).' })
  sequence: string;

  @Field({ description: 'sha256 of the canonical record content.' })
  recordHash: string;

  @Field({ description: 'Chains the log: sha256(prevHash + recordHash).' })
  hash: string;

  @Field(() => String, { nullable: true })
  prevHash: string | null;
}

@ObjectType()
export class DecisionEdge {
  @Field()
  cursor: string;

  @Field(() => DecisionRecord)
  node: DecisionRecord;
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

@ObjectType()
export class DecisionConnection {
  @Field(() => [DecisionEdge])
  edges: DecisionEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  @Field(() => Int, { description: 'Decisions matching the filter (counted only when selected).' })
  totalCount: number | null;
}

@InputType()
export class DecisionFilter {
  @Field(() => ID, { nullable: true })
  rulesetKey?: string | null;

  @Field(() => Int, { nullable: true })
  versionNumber?: number | null;

  @Field(() => String, { nullable: true, description: 'NUMBER_APPLICATION, VIOLATION or RECORDED_VIOLATION; anything else is BAD_USER_INPUT.' })
  kind?: string | null;

  @Field(() => ID, { nullable: true })
  enterpriseId?: string | null;

  @Field(() => DecisionEnum, { nullable: true })
  decision?: DecisionEnum | null;

  @Field(() => String, { nullable: true, description: 'Violations of this severity (as the ruleset names them, after escalation).' })
  severity?: string | null;

  @Field(() => Date, { nullable: true, description: 'Inclusive.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Exclusive.' })
  to?: Date | null;
}

@ObjectType()
export class ReplayResult {
  @Field(() => ID)
  decisionId: string;

  @Field(() => Int, { nullable: true, description: 'null when replayed against a draft' })
  againstVersion: number | null;

  @Field()
  identical: boolean;

  @Field(() => GraphQLJSON)
  original: unknown;

  @Field(() => GraphQLJSON)
  replayed: unknown;

  @Field(() => [String], { description: 'In domain terms: "decision REVIEW -> REJECT", "match +finance.credit-card".' })
  differences: string[];

  @Field(() => Int, {
    nullable: true,
    description:
      'The engine semantics version the replay ran under: replayDecision uses the one the decision was logged with (its engineVersion). Null when that is not one this engine has: identical is then false and the first difference says why.',
  })
  engineSemantics: number | null;
}

@ObjectType()
export class TransitionCount {
  @Field()
  from: string;

  @Field()
  to: string;

  @Field(() => Int)
  count: number;
}

@ObjectType({ description: 'How many decisions of the window a rule matched, as logged and under the candidate.' })
export class RuleImpact {
  @Field(() => ID)
  ruleKey: string;

  @Field(() => Int)
  matchedBefore: number;

  @Field(() => Int)
  matchedAfter: number;
}

@ObjectType({
  description:
    "The window's applications with a reviewer's final answer, and how many of them each side decides right: a decision is right when it rejects exactly when the final answer is REJECTED.",
})
export class ImpactAgreement {
  @Field(() => Int, { description: 'Applications of the window with a final answer.' })
  reviewed: number;

  @Field(() => Int, { description: 'Of those, decided right as logged (by the version that made each decision).' })
  currentRight: number;

  @Field(() => Int, { description: 'Of those, decided right by the candidate.' })
  candidateRight: number;
}

@ObjectType()
export class ImpactReport {
  @Field(() => Int)
  evaluated: number;

  @Field(() => Int, { description: 'Decisions whose outcome differs: decision for applications, severity for violations.' })
  changed: number;

  @Field(() => [TransitionCount])
  transitions: TransitionCount[];

  @Field(() => [RuleImpact], { description: 'Per rule key (sorted): decisions matched as logged and under the candidate.' })
  rules: RuleImpact[];

  @Field(() => [ReplayResult], { description: 'Auditors only: changed decisions in full. Empty for roles that may not read the log.' })
  samples: ReplayResult[];

  @Field(() => ImpactAgreement)
  agreement: ImpactAgreement;
}

@ObjectType({ description: 'A position in the decision log and its chain hash, which commits to every record up to it.' })
export class LogCheckpoint {
  @Field({ description: 'Position in the log (decimal string).' })
  sequence: string;

  @Field()
  hash: string;
}

@InputType({ description: 'A checkpoint from an earlier verifyDecisionLog, kept outside the database.' })
export class LogCheckpointInput {
  @Field({ description: 'Position in the log (decimal string).' })
  @Matches(/^[1-9][0-9]{0,18}$/, { message: 'sequence must be a positive decimal number' })
  sequence: string;

  @Field()
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'hash must be 64 hexadecimal characters (sha256)' })
  hash: string;
}

@ObjectType({
  description:
    "A checkpoint signed with the service's Ed25519 key (CHECKPOINT_SIGNING_KEY): publish or keep it; `decisions verify --checkpoint` checks exports against it.",
})
export class SignedCheckpoint {
  @Field()
  type: 'ccc-policy-checkpoint';

  @Field({ description: 'Position in the log (decimal string).' })
  sequence: string;

  @Field()
  hash: string;

  @Field()
  signedAt: string;

  @Field({ description: 'sha256 of the public key (SPKI DER), first 16 hex digits.' })
  keyId: string;

  @Field({ description: 'The public key, SPKI DER, base64 (trust a copy held elsewhere, or compare keyId).' })
  publicKey: string;

  @Field({ description: 'Ed25519 over "ccc-policy checkpoint v1\\n" + canonical JSON of { sequence, hash, signedAt }, base64.' })
  signature: string;
}

@ObjectType({ description: 'A hash chain whose records reference the decision log (the review log), verified whole with it.' })
export class LinkedChainVerification {
  @Field()
  name: string;

  @Field(() => Int)
  checked: number;

  @Field()
  valid: boolean;

  @Field(() => ID, { nullable: true })
  firstBrokenId: string | null;

  @Field(() => String, { nullable: true, description: 'record-hash, sequence, prev-hash or chain-hash' })
  reason: string | null;
}

@ObjectType()
export class LogVerification {
  @Field(() => Int)
  checked: number;

  @Field()
  valid: boolean;

  @Field(() => ID, { nullable: true })
  firstBrokenId: string | null;

  @Field(() => String, { nullable: true, description: 'record-hash, sequence, prev-hash, chain-hash, missing-tail, checkpoint-missing or checkpoint-mismatch' })
  reason: string | null;

  @Field(() => LogCheckpoint, {
    nullable: true,
    description:
      'The newest record verified (when valid). Keep it outside the database: passed back as `checkpoint` later, it proves history up to it was not rewritten.',
  })
  checkpoint: LogCheckpoint | null;

  @Field(() => SignedCheckpoint, { nullable: true, description: 'The checkpoint, signed: keep it as a file for `decisions verify --checkpoint`.' })
  signedCheckpoint: SignedCheckpoint | null;

  @Field(() => [LinkedChainVerification], {
    description:
      'The chains that reference the log (review-log: appeals and final answers). A broken one makes `valid` false, and (when the log itself is intact) names its record in firstBrokenId, with reason "<chain>: <reason>".',
  })
  linkedChains: LinkedChainVerification[];
}
