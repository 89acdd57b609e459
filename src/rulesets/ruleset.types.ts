import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import type { Decision, RuleEffect } from '../engine/content';
import type { VersionStatus } from './ruleset-version.view';

export enum DecisionEnum {
  ALLOW = 'ALLOW',
  REVIEW = 'REVIEW',
  REJECT = 'REJECT',
  FLAG = 'FLAG',
}
registerEnumType(DecisionEnum, {
  name: 'Decision',
  description:
    'ALLOW < REVIEW < REJECT; the strongest matching effect wins. FLAG is a rule effect only: a FLAG rule decides nothing, it attaches a signal to a REVIEW decision; no decision is ever FLAG.',
});

export enum VersionStatusEnum {
  DRAFT = 'DRAFT',
  PUBLISHED = 'PUBLISHED',
  RETIRED = 'RETIRED',
}
registerEnumType(VersionStatusEnum, { name: 'VersionStatus' });

/** What a condition can read, shown in GraphiQL's docs beside every condition field. */
export const BUSINESS_CONDITION_DOC =
  'CEL, true for the rule to apply. input.description (string, NORMALISED: lower case, simplified, half-width, no spaces or punctuation; literals compared with it must be normalised too), input.rawDescription (as sent), input.industry, input.scenario, input.callDirection ("" when omitted), input.facts (map); enterprise.status (ACTIVE, OFFLINE or NONE), enterprise.violationCount, enterprise.seriousViolationCount (int). No clock. Checked (syntax, types, cost, literals) when saved.';
export const VIOLATION_CONDITION_DOC =
  "CEL, true for the rule to apply. input.behavior, input.verified, input.declaredBusiness, input.actualBusiness, input.facts; actual.decision, actual.prohibited, actual.ruleKeys (this version's verdict on the actual business); enterprise.*; priorViolations (int). No clock.";

@ObjectType({ description: 'A rule of the number-application table: keywords, exclusions and an optional CEL condition.' })
export class BusinessRule {
  @Field(() => ID, { description: 'Stable across versions.' })
  key: string;

  @Field({ description: '行业大类' })
  industry: string;

  @Field({ description: '场景' })
  scenario: string;

  @Field(() => DecisionEnum)
  effect: RuleEffect;

  @Field(() => Int, { nullable: true, description: "FLAG rules: what the signal adds to a REVIEW decision's risk score (null: 1)." })
  weight?: number;

  @Field(() => [String], {
    description:
      'Substrings of the normalised description (simplified, half-width, lower case, no spaces or punctuation); any one fires the rule. See docs/writing-business-rules.md.',
  })
  keywords: string[];

  @Field(() => [String], { description: 'Any one of these in the normalised description stops the rule (legitimate look-alikes).' })
  excludeKeywords: string[];

  @Field(() => String, { nullable: true, description: BUSINESS_CONDITION_DOC })
  condition: string | null;

  @Field()
  message: string;

  @Field(() => String, { nullable: true, description: 'Where in the source policy the rule comes from.' })
  source: string | null;

  @Field(() => String, { nullable: true, description: 'Why the rule is as it is (what it catches, what it fences off); part of the content, kept by export.' })
  note?: string;

  @Field(() => [String], { nullable: true, description: 'Engine semantics 2: keywords that match inside any word; null for none.' })
  matchInsideWords?: string[];

  @Field(() => Boolean, { nullable: true, description: 'Engine semantics 2: true when no context cue neutralises the keywords; null otherwise.' })
  anyContext?: boolean;
}

@ObjectType({ description: 'A violation behaviour and the severity it carries.' })
export class ViolationRule {
  @Field(() => ID)
  key: string;

  @Field({ description: 'Behaviour code, e.g. FRAUD_COMPLAINT.' })
  behavior: string;

  @Field()
  title: string;

  @Field({ description: 'A severity defined by a PenaltyMapping.' })
  severity: string;

  @Field(() => String, { nullable: true, description: VIOLATION_CONDITION_DOC })
  condition: string | null;

  @Field(() => String, { nullable: true, description: 'Where in the source policy the rule comes from.' })
  source: string | null;

  @Field(() => String, { nullable: true, description: 'Why the rule is as it is; part of the content, kept by export.' })
  note?: string;
}

@ObjectType()
export class PenaltyAction {
  @Field()
  code: string;

  @Field()
  label: string;
}

@ObjectType({ description: 'count recorded violations of a severity within withinDays escalate to toSeverity.' })
export class Escalation {
  @Field(() => Int)
  count: number;

  @Field(() => Int)
  withinDays: number;

  @Field()
  toSeverity: string;
}

@ObjectType()
export class PenaltyMapping {
  @Field()
  severity: string;

  @Field()
  label: string;

  @Field(() => Int, { description: 'Higher is more severe.' })
  rank: number;

  @Field(() => [PenaltyAction])
  actions: PenaltyAction[];

  @Field()
  message: string;

  @Field(() => Escalation, { nullable: true })
  escalation: Escalation | null;
}

export enum CueKindEnum {
  NEGATION = 'NEGATION',
  HISTORY = 'HISTORY',
  PREMISES = 'PREMISES',
  CLIENTELE = 'CLIENTELE',
  PAYMENT = 'PAYMENT',
  INTERNAL = 'INTERNAL',
}
registerEnumType(CueKindEnum, { name: 'CueKind', description: 'What a context cue says about a keyword near it: it is there, but not the business.' });

export enum CueSideEnum {
  BEFORE = 'BEFORE',
  AFTER = 'AFTER',
  AROUND = 'AROUND',
}
registerEnumType(CueSideEnum, { name: 'CueSide' });

export enum VariantKindEnum {
  PINYIN = 'PINYIN',
  HOMOPHONE = 'HOMOPHONE',
  EUPHEMISM = 'EUPHEMISM',
  TRADITIONAL = 'TRADITIONAL',
}
registerEnumType(VariantKindEnum, { name: 'VariantKind' });

@ObjectType({ description: 'A context cue (engine semantics 2).' })
export class ContextCue {
  @Field(() => ID)
  key: string;

  @Field(() => CueKindEnum)
  kind: CueKindEnum;

  @Field(() => CueSideEnum)
  side: CueSideEnum;

  @Field(() => Int)
  window: number;

  @Field(() => [String])
  words: string[];

  @Field(() => [String], { description: 'Words of which one must stand on the other side of the keyword too; empty for none.' })
  otherSide: string[];

  @Field(() => String, { nullable: true })
  note: string | null;
}

@ObjectType({ description: 'A variant spelling and the canonical term it is read as (engine semantics 2).' })
export class Variant {
  @Field()
  variant: string;

  @Field()
  canonical: string;

  @Field(() => VariantKindEnum)
  kind: VariantKindEnum;
}

@ObjectType({ description: 'A draft or a published (immutable) version of a ruleset.' })
export class RulesetVersion {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  rulesetKey: string;

  @Field(() => Int, { nullable: true, description: 'null while DRAFT' })
  number: number | null;

  @Field(() => VersionStatusEnum)
  status: VersionStatus;

  @Field(() => Int, { description: '+1 on every draft edit' })
  revision: number;

  @Field({ description: 'sha256 hex of the RFC 8785 canonical JSON of the content' })
  contentHash: string;

  @Field(() => Int, { nullable: true, description: 'The published version this draft was copied from (or last rebased onto).' })
  parentNumber: number | null;

  @Field(() => Int, { nullable: true, description: 'A rollback (revertToVersion): the version whose content this restores.' })
  revertsTo: number | null;

  @Field(() => String, { nullable: true })
  changelog: string | null;

  @Field(() => Date, { nullable: true })
  effectiveFrom: Date | null;

  @Field()
  createdBy: string;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => String, { nullable: true })
  publishedBy: string | null;

  @Field(() => Date, { nullable: true })
  publishedAt: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: 'The engine semantics version it was published with (decisions record theirs as engineVersion); null while DRAFT.',
  })
  engineSemantics: number | null;

  @Field(() => Date, { nullable: true })
  retiredAt: Date | null;

  @Field(() => [String], { description: 'Everyone who edited this version while it was a draft.' })
  editors: string[];

  @Field(() => DecisionEnum)
  defaultDecision: Decision;

  @Field({ description: 'Message given when no rule matches.' })
  defaultMessage: string;

  @Field(() => [BusinessRule])
  businessRules: BusinessRule[];

  @Field(() => [ViolationRule])
  violationRules: ViolationRule[];

  @Field(() => [PenaltyMapping])
  penalties: PenaltyMapping[];

  @Field(() => GraphQLJSON, { description: 'Test cases of this version (input, expected outcome, rule keys that must match); publishing runs them.' })
  testCases: unknown[];

  @Field({
    description:
      "Whether an enterprise's violations from before its last reinstatement still count toward escalation (the content leaves out the default, true).",
  })
  violationsCountAfterReinstatement: boolean;

  @Field(() => [ContextCue], { description: 'Context cues (engine semantics 2).' })
  cues: ContextCue[];

  @Field(() => [Variant], { description: 'Variant vocabulary (engine semantics 2).' })
  variants: Variant[];

  @Field(() => [String], { description: 'Words with a meaning of their own that contain a keyword (engine semantics 2).' })
  distinctWords: string[];

  @Field(() => GraphQLJSON, { description: 'The hashed content document itself.' })
  content: unknown;
}

@ObjectType({ description: 'A named policy with numbered versions.' })
export class Ruleset {
  @Field(() => ID)
  key: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field({ description: 'When true, whoever edited a draft may not publish it.' })
  makerChecker: boolean;

  id: string;
}
