import { ArrayMaxSize, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import type { Decision } from '../engine/content';
import { NumberApplicationInputType, ViolationInputType } from '../evaluations/evaluation.types';
import { RULE_KEY } from '../rulesets/ruleset.inputs';
import { DecisionEnum } from '../rulesets/ruleset.types';

export enum StandingStatusEnum {
  ACTIVE = 'ACTIVE',
  OFFLINE = 'OFFLINE',
}
registerEnumType(StandingStatusEnum, { name: 'StandingStatus', description: 'ACTIVE, or OFFLINE (下线整改).' });

@InputType({ description: "The enterprise's recorded standing a test case is decided with (conditions read it as `enterprise`)." })
export class TestStandingInput {
  @Field(() => StandingStatusEnum)
  status: 'ACTIVE' | 'OFFLINE';

  @Field(() => Int, { defaultValue: 0 })
  @Min(0)
  @Max(1_000_000)
  violationCount: number;

  @Field(() => Int, { defaultValue: 0 })
  @Min(0)
  @Max(1_000_000)
  seriousViolationCount: number;
}

@InputType({ description: 'A violation recorded before the one a test case judges.' })
export class PriorViolationInput {
  @Field()
  severity: string;

  @Field(() => Date)
  at: Date;
}

@InputType({ description: 'A number application and the decision this version must make for it.' })
export class TestCaseInput {
  @Field(() => ID)
  @Matches(RULE_KEY, { message: 'key must be letters, digits, dots, dashes or underscores (at most 100)' })
  key: string;

  @Field(() => NumberApplicationInputType, { description: 'As for evaluation (enterpriseId is ignored: give `enterprise` for a standing).' })
  input: NumberApplicationInputType;

  @Field(() => DecisionEnum)
  expectedDecision: Decision;

  @Field(() => [ID], { nullable: true, description: 'Rules that must be among the matches.' })
  @IsOptional()
  @ArrayMaxSize(100)
  expectedRuleKeys?: string[] | null;

  @Field(() => TestStandingInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  enterprise?: TestStandingInput | null;
}

@InputType({ description: 'A violation report, the history it is judged against, and the severity this version must give it.' })
export class ViolationTestCaseInput {
  @Field(() => ID)
  @Matches(RULE_KEY, { message: 'key must be letters, digits, dots, dashes or underscores (at most 100)' })
  key: string;

  @Field(() => ViolationInputType, { description: 'enterpriseId and occurredAt are ignored: `at` is when it is judged.' })
  input: ViolationInputType;

  @Field(() => Date, { description: 'When the report is judged: escalation windows count back from it.' })
  at: Date;

  @Field(() => [PriorViolationInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(1000)
  priorViolations?: PriorViolationInput[] | null;

  @Field(() => TestStandingInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  enterprise?: TestStandingInput | null;

  @Field(() => String, { nullable: true, description: 'The severity expected; null expects no penalty.' })
  expectedSeverity?: string | null;

  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(100)
  expectedRuleKeys?: string[] | null;
}
