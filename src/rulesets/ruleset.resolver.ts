import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { RequestContext } from '../common/request-context';
import { RulesetService } from './ruleset.service';
import { toRulesetVersion } from './ruleset.mapping';
import { Ruleset, RulesetVersion } from './ruleset.types';

@Resolver(() => Ruleset)
export class RulesetResolver {
  constructor(private readonly reads: RulesetService) {}

  @Authorized()
  @Query(() => [Ruleset], { description: 'Every ruleset, by key.' })
  rulesets(): Promise<Ruleset[]> {
    return this.reads.listRulesets();
  }

  @Authorized()
  @Query(() => Ruleset, { nullable: true })
  ruleset(@Arg('key', () => ID) key: string): Promise<Ruleset | null> {
    return this.reads.findRuleset(key);
  }

  @Authorized()
  @Query(() => RulesetVersion, { nullable: true, description: 'A draft or published version by its id.' })
  async rulesetVersion(@Arg('id', () => ID) id: string): Promise<RulesetVersion | null> {
    const version = await this.reads.findVersionById(id);
    return version ? toRulesetVersion(version) : null;
  }

  @FieldResolver(() => RulesetVersion, { nullable: true, description: 'The published version in effect now.' })
  async currentVersion(@Root() ruleset: Ruleset, @Ctx() context: RequestContext): Promise<RulesetVersion | null> {
    const version = await this.reads.findVersionInEffect(ruleset.id, context.now);
    return version ? toRulesetVersion(version) : null;
  }

  @FieldResolver(() => RulesetVersion, { nullable: true })
  async version(@Root() ruleset: Ruleset, @Arg('number', () => Int) number: number): Promise<RulesetVersion | null> {
    const version = await this.reads.findVersionByNumber(ruleset.id, number);
    return version ? toRulesetVersion(version) : null;
  }

  @FieldResolver(() => [RulesetVersion], { description: 'Drafts included, newest first.' })
  async versions(@Root() ruleset: Ruleset): Promise<RulesetVersion[]> {
    return (await this.reads.listVersions(ruleset.id)).map(toRulesetVersion);
  }
}
