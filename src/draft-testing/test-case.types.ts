import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One test case run against a version.' })
export class TestCaseResultType {
  @Field(() => ID)
  key: string;

  @Field()
  passed: boolean;

  @Field({ description: 'The expected decision, or severity (NONE: no penalty).' })
  expected: string;

  @Field()
  actual: string;

  @Field(() => [ID], { nullable: true })
  expectedRuleKeys: string[] | null;

  @Field(() => [ID])
  matchedRuleKeys: string[];

  @Field(() => String, { nullable: true, description: 'Why it failed, with the rules that matched.' })
  failure: string | null;
}

@ObjectType({ description: "A version's test cases run: results, and the rules no case exercises (coverage)." })
export class TestReportType {
  @Field(() => Int)
  passed: number;

  @Field(() => Int)
  failed: number;

  @Field(() => [TestCaseResultType])
  results: TestCaseResultType[];

  @Field(() => [ID], { description: 'Business and violation rules that no test case matched.' })
  uncoveredRuleKeys: string[];
}
