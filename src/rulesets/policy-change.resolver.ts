import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { RequestContext } from '../common/request-context';
import { AuthoringService } from './authoring.service';
import { VersionDiff } from './authoring.types';
import { BusinessRulePatchInput, MergeResolutionInput, RebaseResult } from './change.types';
import { PublishingService } from './publishing.service';
import { toRulesetVersion } from './ruleset.mapping';
import { RulesetService } from './ruleset.service';
import { RulesetVersion } from './ruleset.types';

const CLASS_VALIDATION = { forbidUnknownValues: false };

/** Safe policy change: partial edits, rebasing stale drafts, rollback, the diff a publisher reviews. Thin. */
@Resolver()
export class PolicyChangeResolver {
  constructor(
    private readonly authoring: AuthoringService,
    private readonly publishing: PublishingService,
    private readonly rulesets: RulesetService,
  ) {}

  @Authorized('editor')
  @Mutation(() => RulesetVersion, { description: 'Changes part of a business rule (keywords in or out, single fields) without resending it.' })
  async editBusinessRule(
    @Arg('draftId', () => ID) draftId: string,
    @Arg('expectedRevision', () => Int) expectedRevision: number,
    @Arg('key', () => ID) key: string,
    @Arg('patch', () => BusinessRulePatchInput, { validate: CLASS_VALIDATION }) patch: BusinessRulePatchInput,
    @Ctx() context: RequestContext,
  ): Promise<RulesetVersion> {
    return toRulesetVersion(await this.authoring.editBusinessRule(context, draftId, expectedRevision, key, patch));
  }

  @Authorized('editor')
  @Mutation(() => RebaseResult, {
    description:
      "Brings a draft copied from an older version onto the latest published one (three-way merge: both sides' changes kept). Conflicts leave the draft unchanged; resolutions say which side wins.",
  })
  async rebaseDraft(
    @Arg('draftId', () => ID) draftId: string,
    @Arg('expectedRevision', () => Int) expectedRevision: number,
    @Arg('resolutions', () => [MergeResolutionInput], { nullable: true }) resolutions: MergeResolutionInput[] | null,
    @Ctx() context: RequestContext,
  ): Promise<RebaseResult> {
    const result = await this.authoring.rebaseDraft(context, draftId, expectedRevision, resolutions ?? []);
    return { ...result, draft: toRulesetVersion(result.draft) };
  }

  @Authorized('editor', 'publisher')
  @Mutation(() => RulesetVersion, {
    description:
      "Rollback: a draft holding version `version`'s content, based on the latest version (published at once when the caller may publish and the ruleset has no maker-checker). Its changelog says which version it reverts to.",
  })
  async revertToVersion(
    @Arg('rulesetKey', () => ID) rulesetKey: string,
    @Arg('version', () => Int) version: number,
    @Arg('changelog') changelog: string,
    @Ctx() context: RequestContext,
  ): Promise<RulesetVersion> {
    return toRulesetVersion(await this.publishing.revertToVersion(context, rulesetKey, version, changelog));
  }

  @Authorized()
  @Query(() => VersionDiff, { description: 'What publishing the draft would change: its differences from the latest published version.' })
  diffDraft(@Arg('draftId', () => ID) draftId: string): Promise<VersionDiff> {
    return this.rulesets.diffDraft(draftId);
  }
}
