import { RulesetVersionView } from './ruleset-version.view';
import { CueKindEnum, CueSideEnum, RulesetVersion, VariantKindEnum } from './ruleset.types';

/** A version view as its GraphQL object. */
export function toRulesetVersion(view: RulesetVersionView): RulesetVersion {
  const { content } = view;
  return {
    id: view.id,
    rulesetKey: view.rulesetKey,
    number: view.number,
    status: view.status,
    revision: view.revision,
    contentHash: view.contentHash,
    parentNumber: view.parentNumber,
    revertsTo: view.revertsTo,
    changelog: view.changelog,
    effectiveFrom: view.effectiveFrom,
    createdBy: view.createdBy,
    createdAt: view.createdAt,
    publishedBy: view.publishedBy,
    publishedAt: view.publishedAt,
    engineSemantics: view.engineSemantics,
    retiredAt: view.retiredAt,
    editors: view.editors,
    defaultDecision: content.defaultDecision,
    defaultMessage: content.defaultMessage,
    businessRules: content.businessRules,
    violationRules: content.violationRules,
    penalties: content.penalties,
    testCases: content.testCases ?? [],
    violationsCountAfterReinstatement: content.violationsCountAfterReinstatement !== false,
    cues: (content.cues ?? []).map((cue) => ({
      ...cue,
      kind: cue.kind as CueKindEnum,
      side: cue.side as CueSideEnum,
      otherSide: cue.otherSide ?? [],
      note: cue.note ?? null,
    })),
    variants: (content.variants ?? []).map((variant) => ({ ...variant, kind: variant.kind as VariantKindEnum })),
    distinctWords: content.distinctWords ?? [],
    content,
  };
}
