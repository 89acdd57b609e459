import { agreesWithFinalAnswer } from '../decisions/linked-records';
import type { RuleEffect } from '../engine';
import type { ReviewedDecision } from './review-log.store';

/** How one rule of a version did on the decisions of the window. */
export interface RuleQuality {
  ruleKey: string;
  effect: RuleEffect;
  /** Decisions it matched (deciding rules) or flagged (FLAG rules). */
  fired: number;
  /** Of those, the ones with a final answer. */
  reviewed: number;
  /** REJECT rules: appealed decisions it matched that the reviewer finally REJECTED (the appeal failed). */
  appealsUpheld: number;
  /** REJECT rules: appealed decisions it matched that the reviewer finally APPROVED (the rule was wrong). */
  appealsOverturned: number;
  /** REJECT rules: upheld / (upheld + overturned). FLAG rules: finally REJECTED / reviewed. null without data. */
  precision: number | null;
  /** Final REJECTED answers naming this rule for a decision it did not match: what it misses. */
  missed: number;
}

export interface VersionQuality {
  versionNumber: number;
  /** Number-application decisions the version made in the window. */
  decisions: number;
  reviewed: number;
  /** Reviewed decisions whose automatic decision agrees with the final answer. */
  agreeing: number;
  agreement: number | null;
  appeals: number;
  appealsUpheld: number;
  appealsOverturned: number;
  /** REVIEW decisions finally REJECTED: rejects the rules missed. */
  reviewsRejected: number;
  reviewsApproved: number;
  rules: RuleQuality[];
  /** Rules of the version that matched or flagged no decision of the window. */
  neverFired: string[];
}

export interface PolicyQualityReport {
  decisions: number;
  reviewed: number;
  agreeing: number;
  agreement: number | null;
  versions: VersionQuality[];
}

const rate = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

/**
 * The quality figures of a window, from what the log counted and the reviewed decisions.
 * Agreement: a decision agrees with its final answer when it rejects exactly when the
 * reviewer finally rejected (agreesWithFinalAnswer).
 */
export function policyQuality(
  counts: { versions: Map<number, number>; rules: Map<number, Map<string, number>> },
  reviewed: ReviewedDecision[],
  rulesOf: Map<number, { key: string; effect: RuleEffect }[]>,
): PolicyQualityReport {
  const versionNumbers = [...new Set([...counts.versions.keys(), ...reviewed.map((decision) => decision.versionNumber)])].sort((a, b) => a - b);
  const versions = versionNumbers.map((versionNumber): VersionQuality => {
    const ofVersion = reviewed.filter((decision) => decision.versionNumber === versionNumber);
    const appealed = ofVersion.filter((decision) => decision.appealed);
    const reviews = ofVersion.filter((decision) => decision.automaticDecision === 'REVIEW');
    const agreeing = ofVersion.filter((decision) => agreesWithFinalAnswer(decision.automaticDecision, decision.outcome)).length;
    const fired = counts.rules.get(versionNumber) ?? new Map<string, number>();
    const rules = (rulesOf.get(versionNumber) ?? []).map((rule): RuleQuality => {
      const hit = (decision: ReviewedDecision) => (rule.effect === 'FLAG' ? decision.signalRuleKeys : decision.matchedRuleKeys).includes(rule.key);
      const reviewedHits = ofVersion.filter(hit);
      const upheld = appealed.filter((decision) => hit(decision) && decision.outcome === 'REJECTED').length;
      const overturned = appealed.filter((decision) => hit(decision) && decision.outcome === 'APPROVED').length;
      const precision =
        rule.effect === 'FLAG'
          ? rate(reviewedHits.filter((decision) => decision.outcome === 'REJECTED').length, reviewedHits.length)
          : rule.effect === 'REJECT'
            ? rate(upheld, upheld + overturned)
            : null;
      return {
        ruleKey: rule.key,
        effect: rule.effect,
        fired: fired.get(rule.key) ?? 0,
        reviewed: reviewedHits.length,
        appealsUpheld: upheld,
        appealsOverturned: overturned,
        precision,
        missed: ofVersion.filter((decision) => decision.outcome === 'REJECTED' && decision.namedRuleKeys.includes(rule.key) && !hit(decision)).length,
      };
    });
    return {
      versionNumber,
      decisions: counts.versions.get(versionNumber) ?? 0,
      reviewed: ofVersion.length,
      agreeing,
      agreement: rate(agreeing, ofVersion.length),
      appeals: appealed.length,
      appealsUpheld: appealed.filter((decision) => decision.outcome === 'REJECTED').length,
      appealsOverturned: appealed.filter((decision) => decision.outcome === 'APPROVED').length,
      reviewsRejected: reviews.filter((decision) => decision.outcome === 'REJECTED').length,
      reviewsApproved: reviews.filter((decision) => decision.outcome === 'APPROVED').length,
      rules,
      neverFired: rules.filter((rule) => rule.fired === 0).map((rule) => rule.ruleKey),
    };
  });
  const total = (field: 'decisions' | 'reviewed' | 'agreeing') => versions.reduce((sum, version) => sum + version[field], 0);
  return {
    decisions: total('decisions'),
    reviewed: total('reviewed'),
    agreeing: total('agreeing'),
    agreement: rate(total('agreeing'), total('reviewed')),
    versions,
  };
}
