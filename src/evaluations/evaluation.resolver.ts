import { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, ArgsType, Authorized, Ctx, Field, ID, Info, Int, Mutation, Query, Resolver } from 'type-graphql';
import { RequestContext } from '../common/request-context';
import { EvaluationField } from './evaluation-fields';
import { EvaluationService } from './evaluation.service';
import { DraftEvaluation, NumberApplicationEvaluation, NumberApplicationInputType, ViolationEvaluation, ViolationInputType } from './evaluation.types';

@ArgsType()
class PinArgs {
  @Field(() => ID, { defaultValue: 'ccc-access' })
  rulesetKey: string;

  @Field(() => Int, { nullable: true, description: 'Pin a published version by number (retired versions too).' })
  version?: number | null;

  @Field(() => String, { nullable: true, description: 'Pin a published version by content hash.' })
  contentHash?: string | null;

  @Field(() => Date, { nullable: true, description: 'The version in effect at this time, leaving out retired versions; a future time is BAD_USER_INPUT.' })
  asOf?: Date | null;
}

const requestOf = <Args>({ rulesetKey, version, contentHash, asOf }: PinArgs, args: Args, info: GraphQLResolveInfo) => ({
  responseKey: String(info.path.key),
  rulesetKey,
  pins: { version, contentHash, asOf },
  args,
});

/** Evaluations: thin mapping onto EvaluationService; every result names its logged decision. */
@Resolver()
export class EvaluationResolver {
  constructor(private readonly evaluations: EvaluationService) {}

  @Authorized('evaluator')
  @EvaluationField({ kind: 'application' })
  @Query(() => NumberApplicationEvaluation, { description: 'Decides a number application; with no pin, the version in effect now.' })
  evaluateNumberApplication(
    @Args(() => PinArgs) pins: PinArgs,
    @Arg('input', () => NumberApplicationInputType) input: NumberApplicationInputType,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<NumberApplicationEvaluation> {
    return this.evaluations.evaluateNumberApplication(context, requestOf(pins, input, info));
  }

  @Authorized('evaluator')
  @EvaluationField({ kind: 'application', batchArgument: 'inputs' })
  @Query(() => [NumberApplicationEvaluation], { description: 'Up to 1,000 applications against one resolved version, logged together.' })
  evaluateNumberApplications(
    @Args(() => PinArgs) pins: PinArgs,
    @Arg('inputs', () => [NumberApplicationInputType]) inputs: NumberApplicationInputType[],
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<NumberApplicationEvaluation[]> {
    return this.evaluations.evaluateNumberApplications(context, requestOf(pins, inputs, info));
  }

  @Authorized('editor', 'publisher')
  @Query(() => DraftEvaluation, {
    description: 'The draft playground: decides an application against a draft, with evidence, and writes nothing to the decision log (no decisionId).',
  })
  evaluateDraft(
    @Arg('draftId', () => ID) draftId: string,
    @Arg('input', () => NumberApplicationInputType) input: NumberApplicationInputType,
    @Ctx() context: RequestContext,
  ): Promise<DraftEvaluation> {
    return this.evaluations.evaluateDraft(context, draftId, input);
  }

  @Authorized('evaluator')
  @EvaluationField({ kind: 'violation' })
  @Query(() => ViolationEvaluation, { description: 'Judges a reported violation against the recorded history, without recording it.' })
  evaluateViolation(
    @Args(() => PinArgs) pins: PinArgs,
    @Arg('input', () => ViolationInputType) input: ViolationInputType,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ViolationEvaluation> {
    return this.evaluations.evaluateViolation(context, requestOf(pins, input, info));
  }

  @Authorized('evaluator')
  @EvaluationField({ kind: 'violation' })
  @Mutation(() => ViolationEvaluation, { description: 'Evaluates and records a violation; changes the enterprise standing in the same transaction.' })
  recordViolation(
    @Args(() => PinArgs) pins: PinArgs,
    @Arg('input', () => ViolationInputType) input: ViolationInputType,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ViolationEvaluation> {
    return this.evaluations.recordViolation(context, requestOf(pins, input, info));
  }
}
