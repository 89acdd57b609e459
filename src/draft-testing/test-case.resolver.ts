import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { RequestContext } from '../common/request-context';
import { AuthoringService } from '../rulesets/authoring.service';
import { toRulesetVersion } from '../rulesets/ruleset.mapping';
import { RulesetService } from '../rulesets/ruleset.service';
import { RulesetVersion } from '../rulesets/ruleset.types';
import { TestCaseInput, ViolationTestCaseInput } from './test-case.inputs';
import { toApplicationTestCase, toViolationTestCase } from './test-case.mapping';
import { TestReportType } from './test-case.types';

const CLASS_VALIDATION = { forbidUnknownValues: false };

/** Test cases that belong to a version: edited in drafts like rules, run by validateDraft, testDraft and publishDraft. Thin. */
@Resolver()
export class TestCaseResolver {
  constructor(
    private readonly authoring: AuthoringService,
    private readonly rulesets: RulesetService,
  ) {}

  @Authorized('editor')
  @Mutation(() => RulesetVersion, { description: 'Adds an application test case to the draft, or replaces the one with the same key.' })
  async upsertTestCase(
    @Arg('draftId', () => ID) draftId: string,
    @Arg('expectedRevision', () => Int) expectedRevision: number,
    @Arg('testCase', () => TestCaseInput, { validate: CLASS_VALIDATION }) testCase: TestCaseInput,
    @Ctx() context: RequestContext,
  ): Promise<RulesetVersion> {
    return toRulesetVersion(await this.authoring.upsertTestCase(context, draftId, expectedRevision, toApplicationTestCase(testCase)));
  }

  @Authorized('editor')
  @Mutation(() => RulesetVersion, { description: 'Adds a violation test case to the draft, or replaces the one with the same key.' })
  async upsertViolationTestCase(
    @Arg('draftId', () => ID) draftId: string,
    @Arg('expectedRevision', () => Int) expectedRevision: number,
    @Arg('testCase', () => ViolationTestCaseInput, { validate: CLASS_VALIDATION }) testCase: ViolationTestCaseInput,
    @Ctx() context: RequestContext,
  ): Promise<RulesetVersion> {
    return toRulesetVersion(await this.authoring.upsertTestCase(context, draftId, expectedRevision, toViolationTestCase(testCase)));
  }

  @Authorized('editor')
  @Mutation(() => RulesetVersion, { description: 'Removes the test case with this key from the draft.' })
  async removeTestCase(
    @Arg('draftId', () => ID) draftId: string,
    @Arg('expectedRevision', () => Int) expectedRevision: number,
    @Arg('key', () => ID) key: string,
    @Ctx() context: RequestContext,
  ): Promise<RulesetVersion> {
    return toRulesetVersion(await this.authoring.removeTestCase(context, draftId, expectedRevision, key));
  }

  @Authorized()
  @Query(() => TestReportType, { description: "Runs a draft's (or version's) test cases: each result, and the rules no case exercises." })
  testDraft(@Arg('draftId', () => ID) draftId: string, @Ctx() context: RequestContext): Promise<TestReportType> {
    return this.rulesets.testDraft(context, draftId);
  }
}
