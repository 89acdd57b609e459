import { Arg, Args, ArgsType, Authorized, Ctx, Field, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { GraphQLContext } from '../graphql/context';
import { NumberApplicationEvaluation, NumberApplicationInput, ViolationEvaluation, ViolationInput } from './evaluation.types';

@ArgsType()
class PinArgs {
  @Field(() => ID, { defaultValue: 'ccc-access' })
  rulesetKey: string;

  @Field(() => Int, { nullable: true, description: 'Pin a published version by number (retired versions too).' })
  version?: number | null;

  @Field(() => String, { nullable: true, description: 'Pin a published version by content hash.' })
  contentHash?: string | null;

  @Field(() => Date, { nullable: true, description: 'The version in effect at this time.' })
  asOf?: Date | null;
}

const pinsOf = ({ version, contentHash, asOf }: PinArgs) => ({ version, contentHash, asOf });

/** Evaluations: thin mapping onto EvaluationService; every result names its logged decision. */
@Resolver()
export class EvaluationResolver {
  @Authorized('evaluator')
  @Query(() => NumberApplicationEvaluation, { description: 'Decides a number application; with no pin, the version in effect now.' })
  evaluateNumberApplication(
    @Args(() => PinArgs) pins: PinArgs,
    @Arg('input', () => NumberApplicationInput) input: NumberApplicationInput,
    @Ctx() context: GraphQLContext,
  ): Promise<NumberApplicationEvaluation> {
    return context.services.evaluations.evaluateNumberApplication(context, pins.rulesetKey, pinsOf(pins), input) as Promise<NumberApplicationEvaluation>;
  }

  @Authorized('evaluator')
  @Query(() => [NumberApplicationEvaluation], { description: 'Up to 1,000 applications against one resolved version, logged together.' })
  evaluateNumberApplications(
    @Args(() => PinArgs) pins: PinArgs,
    @Arg('inputs', () => [NumberApplicationInput]) inputs: NumberApplicationInput[],
    @Ctx() context: GraphQLContext,
  ): Promise<NumberApplicationEvaluation[]> {
    return context.services.evaluations.evaluateNumberApplications(context, pins.rulesetKey, pinsOf(pins), inputs) as Promise<NumberApplicationEvaluation[]>;
  }

  @Authorized('evaluator')
  @Query(() => ViolationEvaluation, { description: 'Judges a reported violation against the recorded history, without recording it.' })
  evaluateViolation(
    @Args(() => PinArgs) pins: PinArgs,
    @Arg('input', () => ViolationInput) input: ViolationInput,
    @Ctx() context: GraphQLContext,
  ): Promise<ViolationEvaluation> {
    return context.services.evaluations.evaluateViolation(context, pins.rulesetKey, pinsOf(pins), input) as Promise<ViolationEvaluation>;
  }

  @Authorized('evaluator')
  @Mutation(() => ViolationEvaluation, { description: 'Evaluates and records a violation; changes the enterprise standing in the same transaction.' })
  recordViolation(
    @Args(() => PinArgs) pins: PinArgs,
    @Arg('input', () => ViolationInput) input: ViolationInput,
    @Ctx() context: GraphQLContext,
  ): Promise<ViolationEvaluation> {
    return context.services.evaluations.recordViolation(context, pins.rulesetKey, pinsOf(pins), input) as Promise<ViolationEvaluation>;
  }
}
