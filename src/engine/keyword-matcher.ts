/**
 * Aho–Corasick automaton over normalised keywords: one pass over a description finds
 * every keyword, exclusion and condition word of every rule, whatever the number of rules.
 */
export interface KeywordPattern {
  ruleIndex: number;
  /** What the text is to the rule: a keyword, an exclusion, or a word of one of its condition's word groups; or a context cue's word or other-side word (then ruleIndex is the cue's index). */
  kind: 'keyword' | 'exclusion' | 'conditionWord' | 'cue' | 'cuePartner';
  /** Index into the rule's keywords or excludeKeywords, the condition's word group, or the ruleset's cues. */
  index: number;
}

/** Where a keyword or cue word was found: [start, end) in the searched text. */
export interface PatternOccurrence {
  pattern: KeywordPattern;
  start: number;
  end: number;
}

/**
 * Transitions are keyed by UTF-16 code unit, not by one-character strings: most text here is
 * CJK, and `text[i]` of a two-byte character allocates a string every time. Matching code
 * units is exact substring matching all the same (keywords and text are normalised alike).
 */
interface AutomatonNode {
  next: Map<number, number>;
  fail: number;
  /** Patterns ending here, including those reached through failure links. */
  outputs: KeywordPattern[];
  /** The length of the text of each output, in the same order. */
  lengths: number[];
}

export interface KeywordHits {
  /** ruleIndex -> indices of the rule's keywords found */
  keywords: Map<number, Set<number>>;
  /** rules with at least one exclusion found */
  excludedRules: Set<number>;
  /** ruleIndex -> indices of the condition word groups with a word found */
  conditionWords: Map<number, Set<number>>;
}

function addHit(hits: Map<number, Set<number>>, ruleIndex: number, index: number): void {
  let found = hits.get(ruleIndex);
  if (found === undefined) hits.set(ruleIndex, (found = new Set()));
  found.add(index);
}

export class KeywordMatcher {
  private readonly nodes: AutomatonNode[] = [{ next: new Map(), fail: 0, outputs: [], lengths: [] }];

  /** `entries` pairs a normalised, non-empty keyword with the pattern it stands for. */
  constructor(entries: ReadonlyArray<readonly [string, KeywordPattern]>) {
    for (const [text, pattern] of entries) this.insert(text, pattern);
    this.linkFailures();
  }

  private insert(text: string, pattern: KeywordPattern): void {
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const char = text.charCodeAt(i);
      let next = this.nodes[state].next.get(char);
      if (next === undefined) {
        next = this.nodes.length;
        this.nodes.push({ next: new Map(), fail: 0, outputs: [], lengths: [] });
        this.nodes[state].next.set(char, next);
      }
      state = next;
    }
    this.nodes[state].outputs.push(pattern);
    this.nodes[state].lengths.push(text.length);
  }

  private linkFailures(): void {
    const queue: number[] = [...this.nodes[0].next.values()];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head];
      for (const [char, child] of this.nodes[state].next) {
        let fallback = this.nodes[state].fail;
        while (fallback !== 0 && !this.nodes[fallback].next.has(char)) fallback = this.nodes[fallback].fail;
        const target = this.nodes[fallback].next.get(char);
        this.nodes[child].fail = target !== undefined && target !== child ? target : 0;
        this.nodes[child].outputs.push(...this.nodes[this.nodes[child].fail].outputs);
        this.nodes[child].lengths.push(...this.nodes[this.nodes[child].fail].lengths);
        queue.push(child);
      }
    }
  }

  search(text: string): KeywordHits {
    const hits: KeywordHits = { keywords: new Map(), excludedRules: new Set(), conditionWords: new Map() };
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const char = text.charCodeAt(i);
      let next = this.nodes[state].next.get(char);
      while (next === undefined && state !== 0) {
        state = this.nodes[state].fail;
        next = this.nodes[state].next.get(char);
      }
      state = next ?? 0;
      for (const pattern of this.nodes[state].outputs) {
        if (pattern.kind === 'keyword') addHit(hits.keywords, pattern.ruleIndex, pattern.index);
        else if (pattern.kind === 'exclusion') hits.excludedRules.add(pattern.ruleIndex);
        else addHit(hits.conditionWords, pattern.ruleIndex, pattern.index);
      }
    }
    return hits;
  }

  /**
   * Semantics 2: exclusions and condition words as search() finds them, and every keyword and
   * cue word occurrence with its place, for the word-boundary and context checks.
   */
  scan(text: string): { hits: KeywordHits; occurrences: PatternOccurrence[] } {
    const hits: KeywordHits = { keywords: new Map(), excludedRules: new Set(), conditionWords: new Map() };
    const occurrences: PatternOccurrence[] = [];
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const char = text.charCodeAt(i);
      let next = this.nodes[state].next.get(char);
      while (next === undefined && state !== 0) {
        state = this.nodes[state].fail;
        next = this.nodes[state].next.get(char);
      }
      state = next ?? 0;
      const { outputs, lengths } = this.nodes[state];
      for (let k = 0; k < outputs.length; k++) {
        const pattern = outputs[k];
        if (pattern.kind === 'exclusion') hits.excludedRules.add(pattern.ruleIndex);
        else if (pattern.kind === 'conditionWord') addHit(hits.conditionWords, pattern.ruleIndex, pattern.index);
        else occurrences.push({ pattern, start: i + 1 - lengths[k], end: i + 1 });
      }
    }
    return { hits, occurrences };
  }
}
