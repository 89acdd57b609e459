import { RulesetVersionView } from './ruleset-version.view';
import { DecisionEnum, RulesetVersion, VersionStatusEnum } from './ruleset.types';

/** A version view as its GraphQL object. */
export function toRulesetVersion(view: RulesetVersionView): RulesetVersion {
  const { content } = view;
  return {
    id: view.id,
    rulesetKey: view.rulesetKey,
    number: view.number,
    status: view.status as VersionStatusEnum,
    revision: view.revision,
    contentHash: view.contentHash,
    parentNumber: view.parentNumber,
    changelog: view.changelog,
    effectiveFrom: view.effectiveFrom,
    createdBy: view.createdBy,
    createdAt: view.createdAt,
    publishedBy: view.publishedBy,
    publishedAt: view.publishedAt,
    engineSemantics: view.engineSemantics,
    retiredAt: view.retiredAt,
    editors: view.editors,
    defaultDecision: content.defaultDecision as DecisionEnum,
    defaultMessage: content.defaultMessage,
    businessRules: content.businessRules.map((rule) => ({ ...rule, effect: rule.effect as DecisionEnum })),
    violationRules: content.violationRules,
    penalties: content.penalties,
    content,
  };
}
