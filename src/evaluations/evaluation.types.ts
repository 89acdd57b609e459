import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LoggedVersionFields } from '../decisions/decision.types';
import type { Decision } from '../engine';
import { VersionStatus } from '../rulesets/ruleset-version.view';
import { DecisionEnum, PenaltyAction, VersionStatusEnum } from '../rulesets/ruleset.types';

export enum CallDirectionEnum {
  INBOUND = 'INBOUND',
  OUTBOUND = 'OUTBOUND',
}
registerEnumType(CallDirectionEnum, { name: 'CallDirection' });

@InputType('NumberApplicationInput', { description: 'An enterprise applying for a phone number, in its own words.' })
export class NumberApplicationInputType {
  @Field(() => ID, { nullable: true, description: "When given, the enterprise's recorded standing is read (an OFFLINE enterprise is rejected by rule)." })
  enterpriseId?: string | null;

  @Field(() => String, { nullable: true, description: 'Declared 行业大类 (may be missing or wrong).' })
  industry?: string | null;

  @Field(() => String, { nullable: true, description: 'Declared 场景 (may be missing or wrong).' })
  scenario?: string | null;

  @Field({ description: 'Free-text business description: non-empty, at most 2,000 characters.' })
  description: string;

  @Field(() => CallDirectionEnum, { nullable: true })
  callDirection?: CallDirectionEnum | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'A JSON object (at most 16 KiB, 8 levels) that conditions may consult as input.facts.' })
  facts?: unknown;
}

@InputType('ViolationInput', { description: 'A reported violation by an enterprise.' })
export class ViolationInputType {
  @Field(() => ID)
  enterpriseId: string;

  @Field({ description: 'Behaviour code, e.g. FRAUD_COMPLAINT.' })
  behavior: string;

  @Field({ description: 'Only verified incidents are penalised.' })
  verified: boolean;

  @Field(() => String, { nullable: true })
  declaredBusiness?: string | null;

  @Field(() => String, { nullable: true, description: "For BUSINESS_MISMATCH: judged by the same version's business rules." })
  actualBusiness?: string | null;

  @Field(() => Date, { nullable: true })
  occurredAt?: Date | null;

  @Field(() => GraphQLJSON, { nullable: true })
  facts?: unknown;
}

@ObjectType({ description: 'A rule that matched, with the evidence for it.' })
export class RuleMatch {
  @Field(() => ID)
  ruleKey: string;

  @Field(() => DecisionEnum, { nullable: true })
  effect: Decision | null;

  @Field(() => String, { nullable: true })
  severity: string | null;

  @Field(() => String, { nullable: true })
  industry: string | null;

  @Field(() => String, { nullable: true })
  scenario: string | null;

  @Field(() => String, { nullable: true })
  behavior: string | null;

  @Field()
  message: string;

  @Field(() => [String], { description: 'What matched: keywords, declared fields, conditions.' })
  evidence: string[];
}

@ObjectType({
  description:
    'Something for the reviewer of a REVIEW decision that decides nothing by itself: a FLAG rule that matched, a keyword a context cue neutralised (`cue` names the cue, engine semantics 2), or a declared industry the description contradicts.',
})
export class Signal {
  @Field(() => ID)
  ruleKey: string;

  @Field()
  message: string;

  @Field(() => [String], { description: 'What matched: keywords, declared fields, conditions.' })
  evidence: string[];

  @Field(() => Int, { description: "What the signal adds to the decision's risk score." })
  weight: number;

  @Field(() => String, { nullable: true, description: 'The context cue that turned a keyword hit into this signal, when one did.' })
  cue?: string;
}

/** What every evaluation answer carries: its logged decision and the exact version that made it. */
@ObjectType()
abstract class LoggedEvaluation extends LoggedVersionFields {
  @Field(() => ID, { description: 'The logged decision (written before this answer was sent).' })
  decisionId: string;

  @Field(() => VersionStatusEnum, { description: 'RETIRED when a retired version was pinned explicitly.' })
  versionStatus: VersionStatus;

  @Field(() => Date)
  evaluatedAt: Date;
}

/** Adds what an application's answer says, the decision and the rules behind it, to a class of answer (type-graphql mixin). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeScript's mixin pattern requires a constructor taking any[]
type AnswerClass = abstract new (...args: any[]) => object;

function WithApplicationDecision<Base extends AnswerClass>(base: Base) {
  @ObjectType()
  abstract class ApplicationDecision extends base {
    @Field(() => DecisionEnum)
    decision: Decision;

    @Field()
    message: string;

    @Field(() => [RuleMatch])
    matches: RuleMatch[];

    @Field(() => [Signal], {
      nullable: true,
      description: 'REVIEW decisions only: the signals of FLAG rules, context cues and contradicted declarations; null when there are none.',
    })
    signals?: Signal[];

    @Field(() => Int, { nullable: true, description: "REVIEW decisions only: the sum of the signals' weights; null when there are no signals." })
    riskScore?: number;
  }
  return ApplicationDecision;
}

@ObjectType()
export class NumberApplicationEvaluation extends WithApplicationDecision(LoggedEvaluation) {}

/** What names the draft a playground answer came from. */
@ObjectType()
abstract class DraftReference {
  @Field({ description: 'Always true: this decision was made by a draft and is not in the decision log.' })
  draft: boolean;

  @Field(() => ID)
  draftId: string;

  @Field(() => ID)
  rulesetKey: string;

  @Field(() => Int, { description: 'The draft revision that decided.' })
  revision: number;

  @Field({ description: 'Content hash of the draft as it decided.' })
  contentHash: string;
}

@ObjectType({ description: "A draft's decision for an application, for trying the draft: nothing is logged, so there is no decisionId." })
export class DraftEvaluation extends WithApplicationDecision(DraftReference) {}

@ObjectType()
export class ViolationEvaluation extends LoggedEvaluation {
  @Field(() => String, { nullable: true, description: 'null when nothing applies (e.g. unverified).' })
  severity: string | null;

  @Field(() => String, { nullable: true })
  label: string | null;

  @Field(() => [PenaltyAction])
  actions: PenaltyAction[];

  @Field()
  message: string;

  @Field(() => [RuleMatch])
  matches: RuleMatch[];

  @Field(() => Int, { description: 'Violations recorded against the enterprise before this one.' })
  priorViolations: number;

  @Field({ description: 'True when an escalation rule raised the severity.' })
  escalated: boolean;
}
