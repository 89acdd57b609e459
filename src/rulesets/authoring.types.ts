import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

/** What removeRule removes when a key names more than one thing; the same names as RuleChange.kind. */
export enum RuleKindEnum {
  BUSINESS_RULE = 'BUSINESS_RULE',
  VIOLATION_RULE = 'VIOLATION_RULE',
  PENALTY = 'PENALTY',
}
registerEnumType(RuleKindEnum, { name: 'RuleKind', description: 'A business rule, a violation rule, or a penalty mapping (named by its severity).' });

export enum IssueLevelEnum {
  ERROR = 'ERROR',
  WARNING = 'WARNING',
}
registerEnumType(IssueLevelEnum, {
  name: 'IssueLevel',
  description: 'ERROR blocks publishing; WARNING needs attention first (a stale draft must be rebased).',
});

@ObjectType('ValidationIssue', { description: 'One problem that would stop a draft from being published.' })
export class ValidationIssueType {
  @Field({ description: 'Where, e.g. businessRules[finance.credit-card].condition, testCases[loan-ad]' })
  path: string;

  @Field()
  message: string;

  @Field(() => IssueLevelEnum)
  level: 'ERROR' | 'WARNING';
}

@ObjectType({ description: 'One added, removed or changed rule, penalty mapping or default.' })
export class RuleChange {
  @Field(() => ID, {
    description: 'Rule key, penalty severity, or a ruleset-wide setting: defaultDecision, defaultMessage, violationsCountAfterReinstatement.',
  })
  key: string;

  @Field({ description: 'BUSINESS_RULE, VIOLATION_RULE, PENALTY, TEST_CASE, CUE, VARIANT, DISTINCT_WORDS or DEFAULT (a ruleset-wide setting)' })
  kind: string;

  @Field({ description: 'In domain terms, e.g. "金融/信用卡: keywords +办卡 -刷卡".' })
  change: string;

  @Field({ description: 'ADDED, REMOVED or CHANGED' })
  action: string;

  @Field(() => GraphQLJSON, { nullable: true })
  before: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  after: unknown;
}

@ObjectType({ description: 'Differences between two versions, or between a version and a draft.' })
export class VersionDiff {
  @Field(() => Int, { description: '0 stands for the empty ruleset before version 1.' })
  from: number;

  @Field(() => Int, { nullable: true, description: 'null when comparing against a draft' })
  to: number | null;

  @Field(() => ID, { nullable: true })
  draftId: string | null;

  @Field()
  fromHash: string;

  @Field()
  toHash: string;

  @Field(() => [RuleChange])
  changes: RuleChange[];
}
