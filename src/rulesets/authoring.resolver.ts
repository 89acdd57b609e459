import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { RequestContext } from '../common/request-context';
import { AuthoringService } from './authoring.service';
import { PublishingService } from './publishing.service';
import { RulesetService } from './ruleset.service';
import { RuleKindEnum, ValidationIssueType, VersionDiff } from './authoring.types';
import {
  BusinessRuleInput,
  ContextCueInput,
  MAX_CUES,
  MAX_VARIANTS,
  decisionArgument,
  PenaltyMappingInput,
  toCueContent,
  toVariantContent,
  VariantInput,
  toBusinessRuleContent,
  toPenaltyMappingContent,
  toViolationRuleContent,
  ViolationRuleInput,
} from './ruleset.inputs';
import { toRulesetVersion } from './ruleset.mapping';
import { DecisionEnum, Ruleset, RulesetVersion } from './ruleset.types';

/** Rule inputs carry class-validator constraints; other arguments are validated by their services. */
const CLASS_VALIDATION = { forbidUnknownValues: false };

/** Policy authoring: drafts, edits (with expectedRevision), publish, retire, validate, diff. Thin: one service call each. */
@Resolver()
export class AuthoringResolver {
  constructor(
    private readonly authoring: AuthoringService,
    private readonly publishing: PublishingService,
    private readonly rulesets: RulesetService,
  ) {}

  @Authorized('admin')
  @Mutation(() => Ruleset, { description: 'A new ruleset without versions; createDraft then starts its first draft.' })
  createRuleset(
    @Arg('key', () => ID) key: string,
    @Arg('name') name: string,
    @Arg('description', () => String, { nullable: true }) description: string | null,
    @Arg('defaultDecision', () => DecisionEnum, { defaultValue: DecisionEnum.REVIEW }) defaultDecision: DecisionEnum,
    @Arg('defaultMessage', () => String, { nullable: true, description: 'Said when no rule matches; a generic message by default.' })
    defaultMessage: string | null,
    @Arg('makerChecker', () => Boolean, { defaultValue: true, description: 'Whoever edited a draft may not publish it.' })
    makerChecker: boolean,
    @Ctx() context: RequestContext,
  ): Promise<Ruleset> {
    return this.authoring.createRuleset(context, {
      key,
      name,
      description,
      defaultDecision: decisionArgument(defaultDecision, 'defaultDecision'),
      defaultMessage,
      makerChecker,
    });
  }

  @Authorized('editor')
  @Mutation(() => RulesetVersion, { description: 'A draft copying fromVersion (default: the version in effect now; empty when there is none).' })
  async createDraft(
    @Arg('rulesetKey', () => ID) rulesetKey: string,
    @Arg('fromVersion', () => Int, { nullable: true }) fromVersion: number | null,
    @Ctx() context: RequestContext,
  ): Promise<RulesetVersion> {
    return toRulesetVersion(await this.authoring.createDraft(context, rulesetKey, fromVersion));
  }

  @Authorized('editor')
  @Mutation(() => RulesetVersion)
  async setDefaultDecision(
    @Arg('draftId', () => ID) draftId: string,
    @Arg('expectedRevision', () => Int) expectedRevision: number,
    @Arg('decision', () => DecisionEnum) decision: DecisionEnum,
    @Arg('message', () => String, { nullable: true, description: 'Also sets the default message; required when the decision changes.' }) message: string | null,
    @Ctx() context: RequestContext,
  ): Promise<RulesetVersion> {
    return toRulesetVersion(await this.authoring.setDefaultDecision(context, draftId, expectedRevision, decisionArgument(decision, 'decision'), message));
  }

  @Authorized('editor')
  @Mutation(() => RulesetVersion, {
    description:
      "Whether an enterprise's violations from before its last reinstatement (reinstateEnterprise) still count toward escalation. Default true (they count).",
  })
  async setReinstatementPolicy(
    @Arg('draftId', () => ID) draftId: string,
    @Arg('expectedRevision', () => Int) expectedRevision: number,
    @Arg('violationsCountAfterReinstatement', () => Boolean) violationsCountAfterReinstatement: boolean,
    @Ctx() context: RequestContext,
  ): Promise<RulesetVersion> {
    return toRulesetVersion(await this.authoring.setReinstatementPolicy(context, draftId, expectedRevision, violationsCountAfterReinstatement));
  }

  @Authorized('editor')
  @Mutation(() => RulesetVersion, {
    description: `Replaces the draft's context cues (engine semantics 2; at most ${MAX_CUES}). Checked now as publishing would check them.`,
  })
  async setContextCues(
    @Arg('draftId', () => ID) draftId: string,
    @Arg('expectedRevision', () => Int) expectedRevision: number,
    @Arg('cues', () => [ContextCueInput], { validate: CLASS_VALIDATION }) cues: ContextCueInput[],
    @Ctx() context: RequestContext,
  ): Promise<RulesetVersion> {
    return toRulesetVersion(await this.authoring.setContextCues(context, draftId, expectedRevision, cues.map(toCueContent)));
  }

  @Authorized('editor')
  @Mutation(() => RulesetVersion, {
    description: `Replaces the draft's variant vocabulary (engine semantics 2; at most ${MAX_VARIANTS}). Checked now as publishing would check it.`,
  })
  async setVariants(
    @Arg('draftId', () => ID) draftId: string,
    @Arg('expectedRevision', () => Int) expectedRevision: number,
    @Arg('variants', () => [VariantInput], { validate: CLASS_VALIDATION }) variants: VariantInput[],
    @Ctx() context: RequestContext,
  ): Promise<RulesetVersion> {
    return toRulesetVersion(await this.authoring.setVariants(context, draftId, expectedRevision, variants.map(toVariantContent)));
  }

  @Authorized('editor')
  @Mutation(() => RulesetVersion, {
    description: "Replaces the draft's distinct words: words with a meaning of their own that contain a keyword (engine semantics 2).",
  })
  async setDistinctWords(
    @Arg('draftId', () => ID) draftId: string,
    @Arg('expectedRevision', () => Int) expectedRevision: number,
    @Arg('words', () => [String]) words: string[],
    @Ctx() context: RequestContext,
  ): Promise<RulesetVersion> {
    return toRulesetVersion(await this.authoring.setDistinctWords(context, draftId, expectedRevision, words));
  }

  @Authorized('editor')
  @Mutation(() => RulesetVersion, { description: 'Adds the rule, or replaces the one with the same key. The condition is checked now.' })
  async upsertBusinessRule(
    @Arg('draftId', () => ID) draftId: string,
    @Arg('expectedRevision', () => Int) expectedRevision: number,
    @Arg('rule', () => BusinessRuleInput, { validate: CLASS_VALIDATION }) rule: BusinessRuleInput,
    @Ctx() context: RequestContext,
  ): Promise<RulesetVersion> {
    return toRulesetVersion(await this.authoring.upsertBusinessRule(context, draftId, expectedRevision, toBusinessRuleContent(rule)));
  }

  @Authorized('editor')
  @Mutation(() => RulesetVersion, { description: 'Adds the rule, or replaces the one with the same key. The condition is checked now.' })
  async upsertViolationRule(
    @Arg('draftId', () => ID) draftId: string,
    @Arg('expectedRevision', () => Int) expectedRevision: number,
    @Arg('rule', () => ViolationRuleInput, { validate: CLASS_VALIDATION }) rule: ViolationRuleInput,
    @Ctx() context: RequestContext,
  ): Promise<RulesetVersion> {
    return toRulesetVersion(await this.authoring.upsertViolationRule(context, draftId, expectedRevision, toViolationRuleContent(rule)));
  }

  @Authorized('editor')
  @Mutation(() => RulesetVersion, { description: 'Adds the mapping, or replaces the one with the same severity.' })
  async upsertPenaltyMapping(
    @Arg('draftId', () => ID) draftId: string,
    @Arg('expectedRevision', () => Int) expectedRevision: number,
    @Arg('penalty', () => PenaltyMappingInput, { validate: CLASS_VALIDATION }) penalty: PenaltyMappingInput,
    @Ctx() context: RequestContext,
  ): Promise<RulesetVersion> {
    return toRulesetVersion(await this.authoring.upsertPenaltyMapping(context, draftId, expectedRevision, toPenaltyMappingContent(penalty)));
  }

  @Authorized('editor')
  @Mutation(() => RulesetVersion, {
    description:
      'Removes the business or violation rule with this key, or the penalty mapping of this severity. A key naming more than one of them needs `kind`.',
  })
  async removeRule(
    @Arg('draftId', () => ID) draftId: string,
    @Arg('expectedRevision', () => Int) expectedRevision: number,
    @Arg('key', () => ID) key: string,
    @Arg('kind', () => RuleKindEnum, { nullable: true, description: 'Which kind to remove; needed only when the key names more than one.' })
    kind: RuleKindEnum | null,
    @Ctx() context: RequestContext,
  ): Promise<RulesetVersion> {
    return toRulesetVersion(await this.authoring.removeRule(context, draftId, expectedRevision, key, kind));
  }

  @Authorized('publisher')
  @Mutation(() => RulesetVersion, { description: 'Freezes the draft as the next version. effectiveFrom defaults to now; a future time schedules it.' })
  async publishDraft(
    @Arg('draftId', () => ID) draftId: string,
    @Arg('expectedRevision', () => Int) expectedRevision: number,
    @Arg('changelog') changelog: string,
    @Arg('effectiveFrom', () => Date, { nullable: true }) effectiveFrom: Date | null,
    @Ctx() context: RequestContext,
  ): Promise<RulesetVersion> {
    return toRulesetVersion(await this.publishing.publishDraft(context, draftId, { expectedRevision, changelog, effectiveFrom }));
  }

  @Authorized('publisher')
  @Mutation(() => Boolean, { description: 'Deletes a draft (its edit trail stays). Published versions are retired instead.' })
  discardDraft(
    @Arg('draftId', () => ID) draftId: string,
    @Arg('expectedRevision', () => Int, { nullable: true }) expectedRevision: number | null,
    @Ctx() context: RequestContext,
  ): Promise<boolean> {
    return this.authoring.discardDraft(context, draftId, expectedRevision);
  }

  @Authorized('publisher')
  @Mutation(() => RulesetVersion, {
    description:
      'Takes a published version out of currentVersion/asOf resolution without deleting it. Retiring the version in effect now is CONFLICT unless another published version would be in effect after it.',
  })
  async retireVersion(
    @Arg('rulesetKey', () => ID) rulesetKey: string,
    @Arg('number', () => Int) number: number,
    @Arg('force', () => Boolean, {
      defaultValue: false,
      description:
        'Admins only (FORBIDDEN otherwise): retire the version in effect even though none would be in effect after it; the trail records it as forced.',
    })
    force: boolean,
    @Ctx() context: RequestContext,
  ): Promise<RulesetVersion> {
    return toRulesetVersion(await this.publishing.retireVersion(context, rulesetKey, number, { force }));
  }

  @Authorized()
  @Query(() => [ValidationIssueType], { description: 'Every problem publishDraft would refuse; empty when the draft is publishable.' })
  validateDraft(@Arg('draftId', () => ID) draftId: string, @Ctx() context: RequestContext): Promise<ValidationIssueType[]> {
    return this.rulesets.validateDraft(context, draftId);
  }

  @Authorized()
  @Query(() => VersionDiff, { description: 'Changes from version `from` (0: empty) to version `to` or to a draft.' })
  diffVersions(
    @Arg('rulesetKey', () => ID) rulesetKey: string,
    @Arg('from', () => Int) from: number,
    @Arg('to', () => Int, { nullable: true }) to: number | null,
    @Arg('draftId', () => ID, { nullable: true }) draftId: string | null,
  ): Promise<VersionDiff> {
    return this.rulesets.diffVersions(rulesetKey, from, to, draftId);
  }
}
