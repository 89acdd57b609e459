import { ArrayMaxSize, IsOptional, Max, MaxLength, Min } from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { RULE_LIMITS } from '../common/limits';
import { MAX_FLAG_WEIGHT, type RuleEffect } from '../engine/content';
import type { MergeCollection, MergeSide } from './draft-merge';
import { BUSINESS_CONDITION_DOC, DecisionEnum, RulesetVersion } from './ruleset.types';

/** GraphQL shapes of safe policy change: partial edits, rebasing stale drafts. */
export enum MergeSideEnum {
  OURS = 'OURS',
  THEIRS = 'THEIRS',
}
registerEnumType(MergeSideEnum, { name: 'MergeSide', description: 'OURS: the draft being rebased; THEIRS: the latest published version.' });

export enum MergeCollectionEnum {
  businessRules = 'businessRules',
  violationRules = 'violationRules',
  penalties = 'penalties',
  testCases = 'testCases',
  cues = 'cues',
  variants = 'variants',
  defaults = 'defaults',
}
registerEnumType(MergeCollectionEnum, { name: 'MergeCollection' });

@InputType({ description: 'Part of a business rule to change; whatever is left out stays as it is. An empty condition or source removes it.' })
export class BusinessRulePatchInput {
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(RULE_LIMITS.keywords)
  @MaxLength(RULE_LIMITS.short, { each: true })
  addKeywords?: string[] | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(RULE_LIMITS.keywords)
  removeKeywords?: string[] | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(RULE_LIMITS.keywords)
  @MaxLength(RULE_LIMITS.short, { each: true })
  addExcludeKeywords?: string[] | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(RULE_LIMITS.keywords)
  removeExcludeKeywords?: string[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(RULE_LIMITS.short)
  industry?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(RULE_LIMITS.short)
  scenario?: string | null;

  @Field(() => DecisionEnum, { nullable: true, description: 'A rule that stops being FLAG loses its weight.' })
  effect?: RuleEffect | null;

  @Field(() => Int, { nullable: true, description: `FLAG rules: the signal's weight, 1 to ${MAX_FLAG_WEIGHT}.` })
  @IsOptional()
  @Min(1)
  @Max(MAX_FLAG_WEIGHT)
  weight?: number | null;

  @Field(() => String, { nullable: true, description: `${BUSINESS_CONDITION_DOC} "" removes the condition.` })
  @IsOptional()
  @MaxLength(RULE_LIMITS.text)
  condition?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(RULE_LIMITS.text)
  message?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(RULE_LIMITS.text)
  source?: string | null;
}

@InputType({ description: 'Which side a rebase takes for one conflict (field null: a whole item one side removed).' })
export class MergeResolutionInput {
  @Field(() => MergeCollectionEnum)
  collection: MergeCollection;

  @Field(() => ID)
  key: string;

  @Field(() => String, { nullable: true })
  field: string | null;

  @Field(() => MergeSideEnum)
  take: MergeSide;
}

@ObjectType({ description: 'A change both the draft and the latest version made to the same thing, differently.' })
export class MergeConflictType {
  @Field(() => MergeCollectionEnum)
  collection: MergeCollection;

  @Field(() => ID, { description: 'Rule key, penalty severity, test case key, or defaultDecision/defaultMessage.' })
  key: string;

  @Field(() => String, { nullable: true, description: 'The field both changed; null when one side removed the item the other changed.' })
  field: string | null;

  @Field(() => GraphQLJSON, { nullable: true })
  base: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: "The draft's value." })
  ours: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: "The latest published version's value." })
  theirs: unknown;
}

@ObjectType({ description: 'What rebaseDraft did: with conflicts the draft is unchanged.' })
export class RebaseResult {
  @Field(() => RulesetVersion)
  draft: RulesetVersion;

  @Field(() => Int, { nullable: true, description: 'The version the draft is now based on; null when nothing changed.' })
  rebasedOnto: number | null;

  @Field(() => [MergeConflictType])
  conflicts: MergeConflictType[];
}
