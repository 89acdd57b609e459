import { CLAUSE_SEPARATOR } from './clauses';
import type { CompiledCue, ContextReading } from './compile';
import type { KeywordHits, KeywordMatcher, PatternOccurrence } from './keyword-matcher';

/** A keyword found as whole words but governed by a context cue: it does not decide, it is a signal. */
export interface NeutralisedHit {
  keywordIndex: number;
  cue: CompiledCue;
  /** The cue word as written in the cue. */
  cueWord: string;
}

export interface ContextHits extends KeywordHits {
  /** ruleIndex -> its hits that a cue neutralised (only rules with no other hit are signalled) */
  neutralised: Map<number, NeutralisedHit[]>;
}

/** A cue reaches no further than its clause (the description is normalised clause by clause). */
function sameClause(text: string, from: number, to: number): boolean {
  const separator = text.indexOf(CLAUSE_SEPARATOR, from);
  return separator < 0 || separator >= to;
}

/** A cue word on one side of the hit, within the window and the clause; it may share characters with the keyword (不卖 before 卖烟). */
function near(text: string, window: number, word: PatternOccurrence, hit: PatternOccurrence, side: 'BEFORE' | 'AFTER'): boolean {
  if (side === 'BEFORE') return word.start < hit.start && word.end <= hit.end && hit.start - word.end <= window && sameClause(text, word.end, hit.start);
  return word.end > hit.end && word.start >= hit.start && word.start - hit.end <= window && sameClause(text, hit.end, word.start);
}

function governsOnSide(
  text: string,
  cue: CompiledCue,
  cueAt: PatternOccurrence,
  partners: readonly PatternOccurrence[],
  hit: PatternOccurrence,
  side: 'BEFORE' | 'AFTER',
): boolean {
  if (!near(text, cue.window, cueAt, hit, side)) return false;
  if (!cue.needsOtherSide) return true;
  const otherSide = side === 'BEFORE' ? 'AFTER' : 'BEFORE';
  for (const partner of partners) if (partner.pattern.ruleIndex === cueAt.pattern.ruleIndex && near(text, cue.window, partner, hit, otherSide)) return true;
  return false;
}

function governs(
  text: string,
  cues: readonly CompiledCue[],
  cueAt: PatternOccurrence,
  partners: readonly PatternOccurrence[],
  hit: PatternOccurrence,
): boolean {
  const cue = cues[cueAt.pattern.ruleIndex];
  if (cue.side !== 'AFTER' && governsOnSide(text, cue, cueAt, partners, hit, 'BEFORE')) return true;
  return cue.side !== 'BEFORE' && governsOnSide(text, cue, cueAt, partners, hit, 'AFTER');
}

/**
 * Semantics 2's keyword pass: a keyword counts where it is not a fragment of a longer word (or its
 * rule lets it match inside words) and no cue governs it; a governed one is kept apart as neutralised.
 * Rules that opt out of cues (`anyContext`) are never neutralised.
 */
export function readInContext(
  matcher: KeywordMatcher,
  reading: ContextReading,
  rules: ReadonlyArray<{ insideWords: ReadonlySet<number>; anyContext: boolean }>,
  text: string,
): ContextHits {
  const { hits, occurrences } = matcher.scan(text);
  const keywords: PatternOccurrence[] = [];
  const cueOccurrences: PatternOccurrence[] = [];
  const partners: PatternOccurrence[] = [];
  for (const occurrence of occurrences) {
    const kind = occurrence.pattern.kind;
    (kind === 'keyword' ? keywords : kind === 'cue' ? cueOccurrences : partners).push(occurrence);
  }
  const neutralised = new Map<number, NeutralisedHit[]>();
  for (const occurrence of keywords) {
    const { pattern } = occurrence;
    const rule = rules[pattern.ruleIndex];
    if (!rule.insideWords.has(pattern.index)) {
      const distinctWords = reading.distinctWordsOf[pattern.ruleIndex][pattern.index];
      if (reading.segmenter.isFragment(text, occurrence.start, occurrence.end, distinctWords)) continue;
    }
    let governing: PatternOccurrence | undefined;
    if (!rule.anyContext) {
      for (const cueAt of cueOccurrences) {
        if (governs(text, reading.cues, cueAt, partners, occurrence)) {
          governing = cueAt;
          break;
        }
      }
    }
    if (governing === undefined) {
      let found = hits.keywords.get(pattern.ruleIndex);
      if (found === undefined) hits.keywords.set(pattern.ruleIndex, (found = new Set()));
      found.add(pattern.index);
      continue;
    }
    const cue = reading.cues[governing.pattern.ruleIndex];
    const list = neutralised.get(pattern.ruleIndex) ?? [];
    list.push({ keywordIndex: pattern.index, cue, cueWord: cue.words[governing.pattern.index] });
    neutralised.set(pattern.ruleIndex, list);
  }
  return { keywords: hits.keywords, excludedRules: hits.excludedRules, conditionWords: hits.conditionWords, neutralised };
}
