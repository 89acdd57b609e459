import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { GraphQLContext } from '../graphql/context';
import { toRulesetVersion } from './ruleset.mapping';
import { Ruleset, RulesetVersion } from './ruleset.types';

@Resolver(() => Ruleset)
export class RulesetResolver {
  @Authorized()
  @Query(() => [Ruleset], { description: 'Every ruleset, by key.' })
  rulesets(@Ctx() { services }: GraphQLContext): Promise<Ruleset[]> {
    return services.rulesets.listRulesets();
  }

  @Authorized()
  @Query(() => Ruleset, { nullable: true })
  ruleset(@Arg('key', () => ID) key: string, @Ctx() { services }: GraphQLContext): Promise<Ruleset | null> {
    return services.rulesets.findRuleset(key);
  }

  @Authorized()
  @Query(() => RulesetVersion, { nullable: true, description: 'A draft or published version by its id.' })
  async rulesetVersion(@Arg('id', () => ID) id: string, @Ctx() { services }: GraphQLContext): Promise<RulesetVersion | null> {
    const version = await services.rulesets.findVersionById(id);
    return version ? toRulesetVersion(version) : null;
  }

  @FieldResolver(() => RulesetVersion, { nullable: true, description: 'The published version in effect now.' })
  async currentVersion(@Root() ruleset: Ruleset, @Ctx() { services }: GraphQLContext): Promise<RulesetVersion | null> {
    const version = await services.rulesets.findVersionInEffect(ruleset.id, new Date());
    return version ? toRulesetVersion(version) : null;
  }

  @FieldResolver(() => RulesetVersion, { nullable: true })
  async version(
    @Root() ruleset: Ruleset,
    @Arg('number', () => Int) number: number,
    @Ctx() { services }: GraphQLContext,
  ): Promise<RulesetVersion | null> {
    const version = await services.rulesets.findVersionByNumber(ruleset.id, number);
    return version ? toRulesetVersion(version) : null;
  }

  @FieldResolver(() => [RulesetVersion], { description: 'Drafts included, newest first.' })
  async versions(@Root() ruleset: Ruleset, @Ctx() { services }: GraphQLContext): Promise<RulesetVersion[]> {
    return (await services.rulesets.listVersions(ruleset.id)).map(toRulesetVersion);
  }
}
