import { canonicalHash } from '../common/canonical-json';
import { RulesetContent } from '../engine/content';

const byKey = <T extends { key: string }>(a: T, b: T) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
const uniqueSorted = (values: string[]) => [...new Set(values)].sort();

/**
 * The order-free form of a version's content: rules sorted by key, penalties by severity,
 * keyword lists as sorted sets. Stored content is kept in this form, so equal policies
 * have equal documents and equal hashes whatever order they were entered in.
 */
export function orderContent(content: RulesetContent): RulesetContent {
  return {
    defaultDecision: content.defaultDecision,
    defaultMessage: content.defaultMessage,
    businessRules: content.businessRules
      .map((rule) => ({
        ...rule,
        keywords: uniqueSorted(rule.keywords),
        excludeKeywords: uniqueSorted(rule.excludeKeywords),
        ...(rule.matchInsideWords ? { matchInsideWords: uniqueSorted(rule.matchInsideWords) } : {}),
      }))
      .sort(byKey),
    violationRules: [...content.violationRules].sort(byKey),
    penalties: [...content.penalties].sort((a, b) => (a.severity < b.severity ? -1 : a.severity > b.severity ? 1 : 0)),
    // Present only when there are some: content from before test cases keeps its document and hash.
    ...(content.testCases?.length
      ? {
          testCases: content.testCases
            .map((testCase) => ({ ...testCase, expectedRuleKeys: testCase.expectedRuleKeys && uniqueSorted(testCase.expectedRuleKeys) }))
            .sort(byKey),
        }
      : {}),
    // The default (true) is left out, so that content from before the setting existed keeps its document and hash.
    ...(content.violationsCountAfterReinstatement === false ? { violationsCountAfterReinstatement: false } : {}),
    // Present only when there are some, for the same reason.
    ...(content.cues?.length
      ? {
          cues: content.cues
            .map((cue) => ({ ...cue, words: uniqueSorted(cue.words), ...(cue.otherSide ? { otherSide: uniqueSorted(cue.otherSide) } : {}) }))
            .sort(byKey),
        }
      : {}),
    ...(content.variants?.length ? { variants: [...content.variants].sort((a, b) => (a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0)) } : {}),
    ...(content.distinctWords?.length ? { distinctWords: uniqueSorted(content.distinctWords) } : {}),
  };
}

/** sha256 hex of the RFC 8785 canonical JSON of the ordered content. */
export function contentHash(content: RulesetContent): string {
  return canonicalHash(orderContent(content));
}
