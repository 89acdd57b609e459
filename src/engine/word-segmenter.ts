import { dict as jiebaDictionary } from '@node-rs/jieba/dict';

/**
 * Word boundaries for semantics 2: is a keyword found in a description the word it means, or a
 * fragment of a longer word with another meaning (尿酸 in 玻尿酸, 宽带 in 超宽带)?
 *
 * The words are jieba's: its dictionary (the dict.txt of @node-rs/jieba, pinned exactly in
 * package.json, because another dictionary cuts differently and replay depends on it) and its
 * segmentation without HMM (jieba's DAG of dictionary words and maximum-probability route;
 * consecutive single ASCII letters or digits join into one token). The dictionary is extended
 * with the ruleset's own terms (see the constructor).
 *
 * Only the neighbourhood of a hit is segmented: the block of the hit (jieba's blocks: runs of
 * CJK and ASCII word characters) clipped to WINDOW characters each side. That window, and not
 * the whole description, defines the semantics; test/unit/engine/word-segmenter.test.ts checks
 * that it is exactly what @node-rs/jieba cuts for the same window. Most hits never get there:
 * unless dictionary words span both edges of the hit, or one of the ruleset's own words covers
 * it, no segmentation can make it a fragment.
 */
const WINDOW = 2;
/** The frequency a ruleset's keyword enters jieba's dictionary with: a rare word's. */
const RARE_WORD_FREQUENCY = 3;

/** jieba's "han" blocks (jieba-rs RE_HAN_DEFAULT, BMP part): the text it segments with the dictionary. */
const BLOCK_CHAR = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffa-zA-Z0-9+#&._%-]/;
const ASCII_WORD_CHAR = /^[a-zA-Z0-9]$/;

/**
 * Words and their frequencies as a trie in typed arrays: jieba's dictionary holds 349,046 words,
 * and as a Map of strings it would be a 100 MB heap that every garbage collection walks (it
 * slowed evaluations threefold); typed arrays are not walked, and lookups walk code units
 * without slicing strings.
 */
class WordTrie {
  private parents: Int32Array;
  private codes: Uint16Array;
  private children: Int32Array;
  private mask: number;
  /** node -> frequency of the word ending there; 0 for a prefix only */
  private frequencies: Int32Array;
  private nodes = 1;

  constructor(characters: number) {
    let slots = 1024;
    while (slots < characters * 2) slots *= 2;
    this.parents = new Int32Array(slots).fill(-1);
    this.codes = new Uint16Array(slots);
    this.children = new Int32Array(slots);
    this.mask = slots - 1;
    this.frequencies = new Int32Array(characters + 1);
  }

  private slot(node: number, code: number): number {
    let slot = (Math.imul(node, 0x9e3779b1) ^ Math.imul(code, 0x85ebca6b)) & this.mask;
    while (this.parents[slot] !== -1 && (this.parents[slot] !== node || this.codes[slot] !== code)) slot = (slot + 1) & this.mask;
    return slot;
  }

  /** The node reached from `node` by `code`, or -1. */
  child(node: number, code: number): number {
    const slot = this.slot(node, code);
    return this.parents[slot] === -1 ? -1 : this.children[slot];
  }

  frequencyAt(node: number): number {
    return this.frequencies[node];
  }

  add(word: string, frequency: number): void {
    let node = 0;
    for (let i = 0; i < word.length; i++) {
      const code = word.charCodeAt(i);
      const slot = this.slot(node, code);
      if (this.parents[slot] === -1) {
        this.parents[slot] = node;
        this.codes[slot] = code;
        this.children[slot] = this.nodes++;
      }
      node = this.children[slot];
    }
    this.frequencies[node] = frequency;
  }

  /** The word's frequency; 0 when it is not a word. */
  frequencyOf(word: string): number {
    let node = 0;
    for (let i = 0; i < word.length && node >= 0; i++) node = this.child(node, word.charCodeAt(i));
    return node < 0 ? 0 : this.frequencies[node];
  }
}

interface BaseDictionary {
  words: WordTrie;
  total: number;
  /** adjacent code-unit pairs inside some word: where a word can span (see PairFilter) */
  innerPairs: PairFilter;
}

/**
 * A set of code-unit pairs that may answer "present" for an absent pair (a bit per hashed pair),
 * never "absent" for a present one: a false "present" only sends a hit to the exact
 * segmentation, so outcomes do not depend on it, and lookups allocate nothing.
 */
class PairFilter {
  private readonly bits: Uint32Array;
  private readonly shift: number;

  /** 2^bitsLog2 bits: about 16 per pair keeps false "present" answers rare; a small filter stays in cache. */
  constructor(bitsLog2: number) {
    this.bits = new Uint32Array(2 ** (bitsLog2 - 5));
    this.shift = 32 - bitsLog2;
  }

  /** The filter to hold `pairs` pairs. */
  static forPairs(pairs: number): PairFilter {
    let bitsLog2 = 10;
    while (2 ** bitsLog2 < pairs * 16 && bitsLog2 < 24) bitsLog2++;
    return new PairFilter(bitsLog2);
  }

  private slot(left: number, right: number): number {
    return (Math.imul(left, 0x9e3779b1) ^ Math.imul(right, 0x85ebca6b)) >>> this.shift;
  }

  add(left: number, right: number): void {
    const slot = this.slot(left, right);
    this.bits[slot >>> 5] |= 1 << (slot & 31);
  }

  addWord(word: string): void {
    for (let i = 1; i < word.length; i++) this.add(word.charCodeAt(i - 1), word.charCodeAt(i));
  }

  mayHave(left: number, right: number): boolean {
    const slot = this.slot(left, right);
    return (this.bits[slot >>> 5] & (1 << (slot & 31))) !== 0;
  }
}

let base: BaseDictionary | null = null;

/** Loaded once per process, on the first ruleset compiled under semantics 2. */
function baseDictionary(): BaseDictionary {
  if (base !== null) return base;
  const entries: Array<readonly [string, number]> = [];
  let characters = 0;
  for (const line of Buffer.from(jiebaDictionary).toString('utf8').split('\n')) {
    const [word, frequencyText] = line.split(' ');
    if (!word || !frequencyText) continue;
    entries.push([word, Number(frequencyText)]);
    characters += word.length;
  }
  const words = new WordTrie(characters);
  const innerPairs = new PairFilter(24);
  let total = 0;
  for (const [word, frequency] of entries) {
    total += frequency;
    words.add(word, frequency);
    innerPairs.addWord(word);
  }
  base = { words, total, innerPairs };
  return base;
}

/**
 * segmentBlock's working arrays, shared and grown as needed rather than allocated per call (a
 * typed array costs more to allocate than a short window costs to segment). segmentBlock never
 * runs inside itself, so one pair serves every segmenter.
 */
let routeScores = new Float64Array(64);
let routeEnds = new Int32Array(64);

/** A segmenter over jieba's dictionary plus a ruleset's terms. Immutable once built. */
export class WordSegmenter {
  private readonly base = baseDictionary();
  private readonly extra: WordTrie;
  private readonly extraPairs: PairFilter;
  private readonly logTotal: number;
  /** The terms added to jieba's dictionary and their frequencies, in the order added (what a jieba instance would load). */
  readonly addedWords: ReadonlyArray<readonly [string, number]>;

  /**
   * `terms` (the ruleset's keywords and exclusions) enter at the frequency of a rare word, so that
   * jieba knows them without their outweighing its dictionary (an added 植发 at a common word's
   * frequency would cut 种植发展 as 树种|植发); `distinctWords` at jieba's suggested frequency, so
   * that they are cut as words wherever the text forms them.
   */
  constructor(terms: Iterable<string>, distinctWords: Iterable<string> = []) {
    const added = new Map<string, number>();
    let total = this.base.total;
    const usable = (words: Iterable<string>) =>
      [...new Set(words)].filter((word) => word.length > 1 && [...word].every((char) => BLOCK_CHAR.test(char))).sort();
    const known = (word: string) => this.base.words.frequencyOf(word) > 0;
    // Frequencies are suggested against the dictionary as it is before any word is added, so the order of words does not matter.
    for (const word of usable(distinctWords)) if (!known(word)) added.set(word, this.suggestFrequency(word));
    for (const word of usable(terms)) if (!known(word) && !added.has(word)) added.set(word, RARE_WORD_FREQUENCY);
    const addedCharacters = [...added.keys()].reduce((sum, word) => sum + word.length, 0);
    this.extra = new WordTrie(addedCharacters);
    this.extraPairs = PairFilter.forPairs(addedCharacters);
    for (const [word, frequency] of added) {
      total += frequency;
      this.extra.add(word, frequency);
      this.extraPairs.addWord(word);
    }
    this.addedWords = [...added];
    this.logTotal = Math.log(total);
  }

  /** jieba's suggest_freq(word, tune=false) against the base dictionary: just enough for the word alone to be one token. */
  private suggestFrequency(word: string): number {
    const { total, words } = this.base;
    let product = 1;
    for (const piece of this.segmentBlock(word, false, Math.log(total))) product *= (words.frequencyOf(piece) || 1) / total;
    return Math.max(Math.floor(product * total) + 1, words.frequencyOf(word) || 1);
  }

  /**
   * Whether the keyword found at [start, end) is only a fragment of longer words: the words
   * jieba cuts around it reach past it on both sides (尿酸 in 玻尿酸, 刷单 in 牙刷|单价), or it
   * is inside one of the ruleset's own words that contain keywords with another meaning
   * (`ownWords`: 超宽带, 保险柜), or ASCII letters or digits continue it (dk in sdk). A keyword
   * that begins or ends the words around it keeps its meaning (美容 in 美容院, 贷款 in 小额贷款,
   * 好评 in 做好|评, where jieba's general dictionary mis-cuts the trade's word).
   */
  isFragment(text: string, start: number, end: number, ownWords: readonly string[] = []): boolean {
    if (asciiContinues(text, start - 1, start) || asciiContinues(text, end - 1, end)) return true;
    const own = ownWords.length === 0 ? ownWords : ownWordsAround(text, start, text.slice(start, end), ownWords);
    if (own.length === 0 && !(this.edgeMayJoin(text, start) && this.edgeMayJoin(text, end))) return false;
    let from = start;
    while (from > 0 && start - from < WINDOW && BLOCK_CHAR.test(text[from - 1])) from--;
    let to = end;
    while (to < text.length && to - end < WINDOW && BLOCK_CHAR.test(text[to])) to++;
    // The words around the keyword reach past it on both sides: one word holding it (尿酸 in 玻尿酸), or two crossing its edges (刷单 in 牙刷|单价).
    let tokenStart = from;
    let reachesBefore = false;
    for (const token of this.segment(text.slice(from, to))) {
      const tokenEnd = tokenStart + token.length;
      if (tokenStart <= start && tokenEnd > start) {
        if (tokenEnd >= end && own.length > 0 && token !== text.slice(start, end) && own.includes(token)) return true;
        reachesBefore = tokenStart < start;
      }
      if (tokenStart < end && tokenEnd >= end) return reachesBefore && tokenEnd > end;
      tokenStart = tokenEnd;
    }
    return false;
  }

  /** Whether a word of the dictionary spans the edge between text[at - 1] and text[at]. */
  private edgeMayJoin(text: string, at: number): boolean {
    if (at <= 0 || at >= text.length) return false;
    const left = text.charCodeAt(at - 1);
    const right = text.charCodeAt(at);
    return this.base.innerPairs.mayHave(left, right) || this.extraPairs.mayHave(left, right);
  }

  /** jieba's cut(window, hmm = false) of a window that is one block. Exported for the comparison test. */
  segment(block: string): string[] {
    return this.segmentBlock(block, true, this.logTotal);
  }

  private segmentBlock(block: string, withExtra: boolean, logTotal: number): string[] {
    const words = this.base.words;
    const n = block.length;
    // route from the right: best log probability of block[i..] and the end of its first word
    if (routeScores.length <= n) {
      routeScores = new Float64Array(2 * n + 2);
      routeEnds = new Int32Array(2 * n + 2);
    }
    const best = routeScores;
    const wordEnd = routeEnds;
    best[n] = 0;
    for (let i = n - 1; i >= 0; i--) {
      let bestScore = Number.NEGATIVE_INFINITY;
      let bestEnd = i + 1;
      let anyWord = false;
      let baseNode = 0;
      let extraNode = withExtra ? 0 : -1;
      for (let j = i + 1; j <= n; j++) {
        const code = block.charCodeAt(j - 1);
        if (baseNode >= 0) baseNode = words.child(baseNode, code);
        if (extraNode >= 0) extraNode = this.extra.child(extraNode, code);
        if (baseNode < 0 && extraNode < 0) break;
        const frequency = (extraNode >= 0 ? this.extra.frequencyAt(extraNode) : 0) || (baseNode >= 0 ? words.frequencyAt(baseNode) : 0);
        if (frequency === 0) continue;
        anyWord = true;
        const score = Math.log(frequency) - logTotal + best[j];
        // On a tie the longer word wins, as in jieba.
        if (score >= bestScore) {
          bestScore = score;
          bestEnd = j;
        }
      }
      if (!anyWord) {
        bestScore = -logTotal + best[i + 1];
        bestEnd = i + 1;
      }
      best[i] = bestScore;
      wordEnd[i] = bestEnd;
    }
    const tokens: string[] = [];
    let asciiRun = '';
    for (let i = 0; i < n; i = wordEnd[i]) {
      const word = block.slice(i, wordEnd[i]);
      if (word.length === 1 && ASCII_WORD_CHAR.test(word)) {
        asciiRun += word;
        continue;
      }
      if (asciiRun !== '') tokens.push(asciiRun);
      asciiRun = '';
      tokens.push(word);
    }
    if (asciiRun !== '') tokens.push(asciiRun);
    return tokens;
  }
}

/** The ruleset's words that contain the keyword found at `start` and stand in the text around it. */
function ownWordsAround(text: string, start: number, keyword: string, ownWords: readonly string[]): readonly string[] {
  return ownWords.filter((word) => {
    for (let at = word.indexOf(keyword); at >= 0; at = word.indexOf(keyword, at + 1)) if (text.startsWith(word, start - at)) return true;
    return false;
  });
}

/** ASCII_WORD_CHAR by code unit: no one-character string per test. */
function isAsciiWordCode(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function asciiContinues(text: string, left: number, right: number): boolean {
  return left >= 0 && right < text.length && isAsciiWordCode(text.charCodeAt(left)) && isAsciiWordCode(text.charCodeAt(right));
}
