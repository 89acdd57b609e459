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

/** The automaton while it is built: transitions keyed by UTF-16 code unit. */
interface TrieNode {
  next: Map<number, number>;
  fail: number;
  /** Patterns ending here, including those reached through failure links. */
  outputs: KeywordPattern[];
  /** The length of the text of each output, in the same order. */
  lengths: number[];
}

/**
 * The built automaton lives in typed arrays: this pass runs over every character of every
 * description, and a Map lookup per character (with more per failure link) was a fifth of an
 * evaluation's time. Transitions are keyed by UTF-16 code unit, not by one-character strings:
 * most text here is CJK, and `text[i]` of a two-byte character allocates a string every time.
 * Matching code units is exact substring matching all the same (keywords and text are
 * normalised alike).
 */
export class KeywordMatcher {
  /** code unit -> the state the root moves to on it (0: none) */
  private readonly rootNext = new Int32Array(0x10000);
  /** Other states' transitions, an open-addressing table of (state, code unit) -> state; slots with state -1 are empty. */
  private readonly edgeStates: Int32Array;
  private readonly edgeCodes: Uint16Array;
  private readonly edgeTargets: Int32Array;
  private readonly edgeMask: number;
  private readonly fail: Int32Array;
  /** state -> its outputs: outputPatterns[outputStart[state] .. outputStart[state + 1]), in the order they were found */
  private readonly outputStart: Int32Array;
  private readonly outputPatterns: KeywordPattern[] = [];
  private readonly outputLengths: Int32Array;

  /** `entries` pairs a normalised, non-empty keyword with the pattern it stands for. */
  constructor(entries: ReadonlyArray<readonly [string, KeywordPattern]>) {
    const nodes: TrieNode[] = [{ next: new Map(), fail: 0, outputs: [], lengths: [] }];
    for (const [text, pattern] of entries) insert(nodes, text, pattern);
    linkFailures(nodes);

    let edges = 0;
    for (const node of nodes.slice(1)) edges += node.next.size;
    let slots = 16;
    while (slots < edges * 2) slots *= 2;
    this.edgeStates = new Int32Array(slots).fill(-1);
    this.edgeCodes = new Uint16Array(slots);
    this.edgeTargets = new Int32Array(slots);
    this.edgeMask = slots - 1;
    this.fail = new Int32Array(nodes.length);
    this.outputStart = new Int32Array(nodes.length + 1);
    const lengths: number[] = [];
    nodes.forEach((node, state) => {
      this.fail[state] = node.fail;
      this.outputStart[state] = this.outputPatterns.length;
      this.outputPatterns.push(...node.outputs);
      lengths.push(...node.lengths);
      for (const [code, target] of node.next) {
        if (state === 0) {
          this.rootNext[code] = target;
          continue;
        }
        let slot = edgeSlot(state, code, this.edgeMask);
        while (this.edgeStates[slot] !== -1) slot = (slot + 1) & this.edgeMask;
        this.edgeStates[slot] = state;
        this.edgeCodes[slot] = code;
        this.edgeTargets[slot] = target;
      }
    });
    this.outputStart[nodes.length] = this.outputPatterns.length;
    this.outputLengths = Int32Array.from(lengths);
  }

  /** The state after reading `code` in `state`, following failure links. */
  private step(state: number, code: number): number {
    const { edgeStates, edgeCodes, edgeMask } = this;
    while (state !== 0) {
      for (let slot = edgeSlot(state, code, edgeMask); edgeStates[slot] !== -1; slot = (slot + 1) & edgeMask) {
        if (edgeStates[slot] === state && edgeCodes[slot] === code) return this.edgeTargets[slot];
      }
      state = this.fail[state];
    }
    return this.rootNext[code];
  }

  search(text: string): KeywordHits {
    const hits: KeywordHits = { keywords: new Map(), excludedRules: new Set(), conditionWords: new Map() };
    const { outputStart, outputPatterns } = this;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      state = this.step(state, text.charCodeAt(i));
      for (let k = outputStart[state], last = outputStart[state + 1]; k < last; k++) {
        const pattern = outputPatterns[k];
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
    const { outputStart, outputPatterns, outputLengths } = this;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      state = this.step(state, text.charCodeAt(i));
      for (let k = outputStart[state], last = outputStart[state + 1]; k < last; k++) {
        const pattern = outputPatterns[k];
        if (pattern.kind === 'exclusion') hits.excludedRules.add(pattern.ruleIndex);
        else if (pattern.kind === 'conditionWord') addHit(hits.conditionWords, pattern.ruleIndex, pattern.index);
        else occurrences.push({ pattern, start: i + 1 - outputLengths[k], end: i + 1 });
      }
    }
    return { hits, occurrences };
  }
}

function edgeSlot(state: number, code: number, mask: number): number {
  return (Math.imul(state, 0x9e3779b1) ^ Math.imul(code, 0x85ebca6b)) & mask;
}

function insert(nodes: TrieNode[], text: string, pattern: KeywordPattern): void {
  let state = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    let next = nodes[state].next.get(char);
    if (next === undefined) {
      next = nodes.length;
      nodes.push({ next: new Map(), fail: 0, outputs: [], lengths: [] });
      nodes[state].next.set(char, next);
    }
    state = next;
  }
  nodes[state].outputs.push(pattern);
  nodes[state].lengths.push(text.length);
}

function linkFailures(nodes: TrieNode[]): void {
  const queue: number[] = [...nodes[0].next.values()];
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head];
    for (const [char, child] of nodes[state].next) {
      let fallback = nodes[state].fail;
      while (fallback !== 0 && !nodes[fallback].next.has(char)) fallback = nodes[fallback].fail;
      const target = nodes[fallback].next.get(char);
      nodes[child].fail = target !== undefined && target !== child ? target : 0;
      nodes[child].outputs.push(...nodes[nodes[child].fail].outputs);
      nodes[child].lengths.push(...nodes[nodes[child].fail].lengths);
      queue.push(child);
    }
  }
}
