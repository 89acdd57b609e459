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
const WINDOW = 4;
/** The frequency a ruleset's keyword enters jieba's dictionary with: a rare word's. */
const RARE_WORD_FREQUENCY = 3;

/** jieba's "han" blocks (jieba-rs RE_HAN_DEFAULT, BMP part): the text it segments with the dictionary. */
const BLOCK_CHAR = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffa-zA-Z0-9+#&._%-]/;
const ASCII_WORD_CHAR = /^[a-zA-Z0-9]$/;

interface BaseDictionary {
  /** word -> frequency; prefixes of words that are not words themselves map to 0 */
  frequencies: Map<string, number>;
  total: number;
  /** adjacent code-unit pairs inside some word (c1 * 65536 + c2): where a word can span */
  innerPairs: Set<number>;
}

let base: BaseDictionary | null = null;

/** `known`: whether a dictionary under this one already has the text (then a prefix must not shadow its frequency). */
function addWord(frequencies: Map<string, number>, innerPairs: Set<number>, word: string, frequency: number, known: (text: string) => boolean = () => false): void {
  frequencies.set(word, frequency);
  for (let i = 1; i < word.length; i++) {
    const prefix = word.slice(0, i);
    if (!frequencies.has(prefix) && !known(prefix)) frequencies.set(prefix, 0);
    innerPairs.add(word.charCodeAt(i - 1) * 65536 + word.charCodeAt(i));
  }
}

/** Loaded once per process, on the first ruleset compiled under semantics 2. */
function baseDictionary(): BaseDictionary {
  if (base !== null) return base;
  const frequencies = new Map<string, number>();
  const innerPairs = new Set<number>();
  let total = 0;
  for (const line of Buffer.from(jiebaDictionary).toString('utf8').split('\n')) {
    const [word, frequencyText] = line.split(' ');
    if (!word || !frequencyText) continue;
    const frequency = Number(frequencyText);
    total += frequency;
    addWord(frequencies, innerPairs, word, frequency);
  }
  base = { frequencies, total, innerPairs };
  return base;
}

/** A segmenter over jieba's dictionary plus a ruleset's terms. Immutable once built. */
export class WordSegmenter {
  private readonly base = baseDictionary();
  private readonly extra = new Map<string, number>();
  private readonly extraPairs = new Set<number>();
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
    const usable = (words: Iterable<string>) => [...new Set(words)].filter((word) => word.length > 1 && [...word].every((char) => BLOCK_CHAR.test(char))).sort();
    // Frequencies are suggested against the dictionary as it is before any word is added, so the order of words does not matter.
    for (const word of usable(distinctWords)) if ((this.base.frequencies.get(word) ?? 0) === 0) added.set(word, this.suggestFrequency(word));
    for (const word of usable(terms)) if ((this.base.frequencies.get(word) ?? 0) === 0 && !added.has(word)) added.set(word, RARE_WORD_FREQUENCY);
    for (const [word, frequency] of added) {
      total += frequency;
      addWord(this.extra, this.extraPairs, word, frequency, (text) => this.base.frequencies.has(text));
    }
    this.addedWords = [...added];
    this.logTotal = Math.log(total);
  }

  private frequency(word: string): number | undefined {
    return this.extra.get(word) ?? this.base.frequencies.get(word);
  }

  /** jieba's suggest_freq(word, tune=false) against the base dictionary: just enough for the word alone to be one token. */
  private suggestFrequency(word: string): number {
    const { total, frequencies } = this.base;
    let product = 1;
    for (const piece of this.segmentBlock(word, frequencies, Math.log(total))) product *= (frequencies.get(piece) || 1) / total;
    return Math.max(Math.floor(product * total) + 1, frequencies.get(word) || 1);
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
    const keyword = text.slice(start, end);
    const own = ownWords.filter((word) => {
      for (let at = word.indexOf(keyword); at >= 0; at = word.indexOf(keyword, at + 1)) if (text.startsWith(word, start - at)) return true;
      return false;
    });
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
        if (tokenEnd >= end && token !== keyword && own.includes(token)) return true;
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
    const pair = text.charCodeAt(at - 1) * 65536 + text.charCodeAt(at);
    return this.base.innerPairs.has(pair) || this.extraPairs.has(pair);
  }

  /** jieba's cut(window, hmm = false) of a window that is one block. Exported for the comparison test. */
  segment(block: string): string[] {
    return this.segmentBlock(block, null, this.logTotal);
  }

  private segmentBlock(block: string, only: Map<string, number> | null, logTotal: number): string[] {
    const lookup = only ? (word: string) => only.get(word) : (word: string) => this.frequency(word);
    const n = block.length;
    // route from the right: best log probability of block[i..] and the end of its first word
    const best = new Float64Array(n + 1);
    const wordEnd = new Int32Array(n);
    for (let i = n - 1; i >= 0; i--) {
      let bestScore = Number.NEGATIVE_INFINITY;
      let bestEnd = i + 1;
      let anyWord = false;
      for (let j = i + 1; j <= n; j++) {
        const frequency = lookup(block.slice(i, j));
        if (frequency === undefined) break;
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

function asciiContinues(text: string, left: number, right: number): boolean {
  return left >= 0 && right < text.length && ASCII_WORD_CHAR.test(text[left]) && ASCII_WORD_CHAR.test(text[right]);
}
