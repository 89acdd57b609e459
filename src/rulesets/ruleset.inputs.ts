import { ArrayMaxSize, IsOptional, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import {
  DECISIONS,
  MAX_CUE_WINDOW,
  MAX_FLAG_WEIGHT,
  type BusinessRuleContent,
  type CueContent,
  type Decision,
  type EscalationContent,
  type PenaltyActionContent,
  type PenaltyMappingContent,
  type VariantContent,
  type ViolationRuleContent,
} from '../engine/content';
import { BadInputError } from '../common/errors';
import { CONTEXT_LIMITS, RULE_LIMITS } from '../common/limits';
import { BUSINESS_CONDITION_DOC, CueKindEnum, CueSideEnum, DecisionEnum, VariantKindEnum, VIOLATION_CONDITION_DOC } from './ruleset.types';

/** Rule keys: stable identifiers such as `finance.credit-card`. */
export const RULE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** Severities and behaviour codes: `CRITICAL`, `FRAUD_COMPLAINT`. */
const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const { text: TEXT, short: SHORT, keywords: MAX_KEYWORDS } = RULE_LIMITS;

/** What every rule input has: its key, where in the policy it comes from, and why it is as it is. */
@InputType()
abstract class RuleInputBase {
  @Field(() => ID)
  @Matches(RULE_KEY, { message: 'key must be letters, digits, dots, dashes or underscores (at most 100)' })
  key: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(TEXT)
  source?: string | null;

  @Field(() => String, { nullable: true, description: 'Why the rule is as it is; omit for none.' })
  @IsOptional()
  @MaxLength(TEXT)
  note?: string | null;
}

@InputType({ description: 'A business rule to add, or to replace the one with the same key.' })
export class BusinessRuleInput extends RuleInputBase {
  @Field({ description: '行业大类' })
  @MinLength(1)
  @MaxLength(SHORT)
  industry: string;

  @Field({ description: '场景' })
  @MinLength(1)
  @MaxLength(SHORT)
  scenario: string;

  @Field(() => DecisionEnum, { description: 'ALLOW, REVIEW or REJECT decide; FLAG decides nothing and attaches a signal to a REVIEW decision.' })
  effect: DecisionEnum;

  @Field(() => Int, {
    nullable: true,
    description: `FLAG rules only: what the signal adds to a REVIEW decision's risk score, 1 to ${MAX_FLAG_WEIGHT} (omit for 1).`,
  })
  @IsOptional()
  @Min(1)
  @Max(MAX_FLAG_WEIGHT)
  weight?: number | null;

  @Field(() => [String])
  @ArrayMaxSize(MAX_KEYWORDS)
  @MaxLength(SHORT, { each: true })
  keywords: string[];

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_KEYWORDS)
  @MaxLength(SHORT, { each: true })
  excludeKeywords?: string[] | null;

  @Field(() => String, { nullable: true, description: BUSINESS_CONDITION_DOC })
  @IsOptional()
  @MaxLength(TEXT)
  condition?: string | null;

  @Field()
  @MinLength(1)
  @MaxLength(TEXT)
  message: string;

  @Field(() => [String], { nullable: true, description: 'Engine semantics 2: keywords of this rule that match inside any word.' })
  @IsOptional()
  @ArrayMaxSize(MAX_KEYWORDS)
  @MaxLength(SHORT, { each: true })
  matchInsideWords?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Engine semantics 2: true when the keywords are prohibited in any context (no cue neutralises them).' })
  @IsOptional()
  anyContext?: boolean | null;
}

@InputType({
  description:
    'A context cue (engine semantics 2): a keyword with one of its words within `window` characters, on its side and in its clause, does not decide; it becomes a signal.',
})
export class ContextCueInput {
  @Field(() => ID)
  @Matches(RULE_KEY, { message: 'key must be letters, digits, dots, dashes or underscores (at most 100)' })
  key: string;

  @Field(() => CueKindEnum)
  kind: CueKindEnum;

  @Field(() => CueSideEnum)
  side: CueSideEnum;

  @Field(() => Int, { description: `Characters between the cue word and the keyword, 0 to ${MAX_CUE_WINDOW}.` })
  @Min(0)
  @Max(MAX_CUE_WINDOW)
  window: number;

  @Field(() => [String])
  @ArrayMaxSize(MAX_KEYWORDS)
  @MaxLength(SHORT, { each: true })
  words: string[];

  @Field(() => [String], { nullable: true, description: 'BEFORE or AFTER only: one of these must stand on the other side too.' })
  @IsOptional()
  @ArrayMaxSize(MAX_KEYWORDS)
  @MaxLength(SHORT, { each: true })
  otherSide?: string[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(TEXT)
  note?: string | null;
}

@InputType({ description: 'A variant spelling rewritten to its canonical term before matching (engine semantics 2).' })
export class VariantInput {
  @Field()
  @MinLength(1)
  @MaxLength(SHORT)
  variant: string;

  @Field()
  @MinLength(1)
  @MaxLength(SHORT)
  canonical: string;

  @Field(() => VariantKindEnum)
  kind: VariantKindEnum;
}

export const MAX_CUES = CONTEXT_LIMITS.cues;
export const MAX_VARIANTS = CONTEXT_LIMITS.variants;

export function toCueContent(input: ContextCueInput): CueContent {
  return {
    key: input.key,
    kind: input.kind,
    side: input.side,
    window: input.window,
    words: [...input.words],
    ...(input.otherSide?.length ? { otherSide: [...input.otherSide] } : {}),
    ...(input.note ? { note: input.note } : {}),
  };
}

export function toVariantContent(input: VariantInput): VariantContent {
  return { variant: input.variant, canonical: input.canonical, kind: input.kind };
}

@InputType({ description: 'A violation rule to add, or to replace the one with the same key.' })
export class ViolationRuleInput extends RuleInputBase {
  @Field({ description: 'Behaviour code, e.g. FRAUD_COMPLAINT.' })
  @Matches(CODE, { message: 'behavior must be an upper-case code such as FRAUD_COMPLAINT' })
  behavior: string;

  @Field()
  @MinLength(1)
  @MaxLength(SHORT)
  title: string;

  @Field({ description: 'A severity defined by a PenaltyMapping.' })
  @Matches(CODE, { message: 'severity must be an upper-case code such as CRITICAL' })
  severity: string;

  @Field(() => String, { nullable: true, description: VIOLATION_CONDITION_DOC })
  @IsOptional()
  @MaxLength(TEXT)
  condition?: string | null;
}

@InputType()
export class PenaltyActionInput {
  @Field()
  @Matches(CODE, { message: 'action code must be an upper-case code such as OFFLINE_ALL' })
  code: string;

  @Field()
  @MinLength(1)
  @MaxLength(SHORT)
  label: string;
}

@InputType()
export class EscalationInput {
  @Field(() => Int)
  @Min(1)
  @Max(10_000)
  count: number;

  @Field(() => Int)
  @Min(1)
  @Max(3650)
  withinDays: number;

  @Field()
  @Matches(CODE, { message: 'toSeverity must be an upper-case code such as CRITICAL' })
  toSeverity: string;
}

@InputType({ description: 'A penalty mapping to add, or to replace the one with the same severity.' })
export class PenaltyMappingInput {
  @Field()
  @Matches(CODE, { message: 'severity must be an upper-case code such as CRITICAL' })
  severity: string;

  @Field()
  @MinLength(1)
  @MaxLength(SHORT)
  label: string;

  @Field(() => Int, { description: 'Higher is more severe.' })
  @Min(0)
  @Max(1000)
  rank: number;

  @Field(() => [PenaltyActionInput])
  @ArrayMaxSize(50)
  @ValidateNested()
  actions: PenaltyActionInput[];

  @Field()
  @MinLength(1)
  @MaxLength(TEXT)
  message: string;

  @Field(() => EscalationInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  escalation?: EscalationInput | null;
}

export function toBusinessRuleContent(input: BusinessRuleInput): BusinessRuleContent {
  return {
    key: input.key,
    industry: input.industry,
    scenario: input.scenario,
    effect: input.effect,
    keywords: [...input.keywords],
    excludeKeywords: [...(input.excludeKeywords ?? [])],
    condition: input.condition ?? null,
    message: input.message,
    source: input.source ?? null,
    ...(input.note ? { note: input.note } : {}),
    ...(input.matchInsideWords?.length ? { matchInsideWords: [...input.matchInsideWords] } : {}),
    ...(input.anyContext ? { anyContext: true } : {}),
    ...(input.weight != null ? { weight: input.weight } : {}),
  };
}

/** FLAG shares the schema's Decision enum (a rule's effect is a Decision in the contract) but decides nothing: refused where a decision is meant. */
export function decisionArgument(value: DecisionEnum, path: string): Decision {
  if (!(DECISIONS as readonly string[]).includes(value)) {
    throw new BadInputError(`${value} is a rule effect, not a decision; expected one of ${DECISIONS.join(', ')}`, { path });
  }
  return value as Decision;
}

export function toViolationRuleContent(input: ViolationRuleInput): ViolationRuleContent {
  return {
    key: input.key,
    behavior: input.behavior,
    title: input.title,
    severity: input.severity,
    condition: input.condition ?? null,
    source: input.source ?? null,
    ...(input.note ? { note: input.note } : {}),
  };
}

export function toPenaltyMappingContent(input: PenaltyMappingInput): PenaltyMappingContent {
  const escalation: EscalationContent | null = input.escalation
    ? { count: input.escalation.count, withinDays: input.escalation.withinDays, toSeverity: input.escalation.toSeverity }
    : null;
  return {
    severity: input.severity,
    label: input.label,
    rank: input.rank,
    actions: input.actions.map((action): PenaltyActionContent => ({ code: action.code, label: action.label })),
    message: input.message,
    escalation,
  };
}
