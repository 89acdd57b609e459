import * as OpenCC from 'opencc-js';

/**
 * Text normalisation shared by descriptions, keywords and declared labels, so that
 * both sides of every comparison go through exactly the same function:
 * NFKC (full-width -> half-width), lower case, traditional -> simplified Chinese,
 * and removal of everything that is not a letter or a digit (spaces, ASCII and CJK
 * punctuation, symbols).
 *
 * Running OpenCC's phrase converter and String#normalize on every description costs
 * several microseconds, most of the evaluation budget, so all of it is folded into one
 * per-code-unit table built once (lazily, ~150ms). Traditional -> simplified there is per
 * character (軟體 -> 软体), so a description that contains a traditional character also
 * goes through a phrase step: Taiwan/Hong Kong vocabulary -> mainland vocabulary
 * (软体 -> 软件, 网路 -> 网络, 简讯 -> 短信, 行销 -> 营销, 外拨 -> 外呼), see regionalPhrases.
 * Simplified text never reaches it: its cost is one table lookup per code unit, as before.
 */

/**
 * The data a normaliser is built from. Each semantics version has its own, frozen
 * (semantics/v1/normalisation.ts), so that changing a table changes no logged decision's replay.
 */
export interface NormalisationTables {
  /** BMP ranges in which every traditional character OpenCC maps lives. */
  cjkRanges: ReadonlyArray<readonly [number, number]>;
  /** OpenCC dictionaries converted to 'cn', tried in order; the first that changes a character wins. */
  openccSources: ReadonlyArray<'t' | 'tw' | 'hk'>;
  /**
   * Taiwan / Hong Kong vocabulary -> mainland vocabulary, applied (after the per-character
   * conversion, longest match first) only to descriptions that contain a traditional character.
   */
  regionalPhrases: ReadonlyArray<readonly [string, string]>;
  /** Characters the per-character map changes that simplified text uses too: they do not trigger the phrase step. */
  alsoSimplified: ReadonlySet<string>;
}

const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;

/** Marks a code unit whose normal form is not a single BMP character: handled slowly. */
const SLOW_PATH = 0xffff;
/**
 * Marks a traditional character: the description takes the phrase step. U+FFFE is a
 * noncharacter that normalises to nothing, so no real mapping can produce it.
 */
const TRADITIONAL = 0xfffe;
/** Marks a code unit that normalises to nothing (space, punctuation, symbol). */
const DROPPED = 0;

interface NormalisationTable {
  /** code unit -> normalised code unit, DROPPED, TRADITIONAL or SLOW_PATH */
  codeUnits: Uint16Array;
  /** code unit -> its per-character simplified normal form (meaningful where codeUnits says TRADITIONAL) */
  simplified: Uint16Array;
  traditional: Map<string, string>;
  /** first two code units of a normalised regional phrase -> [phrase, mainland phrase], longest first */
  phrases: Map<number, Array<readonly [string, string]>>;
  /** 1 where a code unit starts a phrase */
  phraseStarts: Uint8Array;
}

function buildTraditionalMap(tables: NormalisationTables): Map<string, string> {
  const converters = tables.openccSources.map((from) => OpenCC.Converter({ from, to: 'cn' }));
  const traditional = new Map<string, string>();
  for (const [first, last] of tables.cjkRanges) {
    for (let code = first; code <= last; code++) {
      const char = String.fromCharCode(code);
      for (const convert of converters) {
        const converted = convert(char);
        if (converted !== char) {
          if (converted.length === 1) traditional.set(char, converted);
          break;
        }
      }
    }
  }
  // Follow chains to their end (麼 -> 么 -> 幺), so that normalising twice changes nothing.
  for (const [char, converted] of traditional) {
    let end = converted;
    for (let hops = 0; traditional.has(end) && traditional.get(end) !== char && hops < 4; hops++) end = traditional.get(end)!;
    traditional.set(char, end);
  }
  return traditional;
}

/** NFKC, lower case, letters and digits only; no traditional -> simplified. */
function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(NOT_LETTER_OR_DIGIT, '');
}

function toSimplified(folded: string, traditional: Map<string, string>): string {
  let result = '';
  for (const char of folded) result += traditional.get(char) ?? char;
  return result;
}

function buildTable(tables: NormalisationTables): NormalisationTable {
  const traditional = buildTraditionalMap(tables);
  const codeUnits = new Uint16Array(0x10000);
  const simplified = new Uint16Array(0x10000);
  for (let code = 0; code < 0x10000; code++) {
    if (code >= 0xd800 && code <= 0xdfff) {
      codeUnits[code] = SLOW_PATH; // surrogate halves: only meaningful as a pair
      continue;
    }
    const folded = fold(String.fromCharCode(code));
    const normalised = toSimplified(folded, traditional);
    if (normalised.length === 0) codeUnits[code] = DROPPED;
    else if (normalised.length === 1 && normalised.charCodeAt(0) < TRADITIONAL) {
      codeUnits[code] = normalised !== folded && !tables.alsoSimplified.has(folded) ? TRADITIONAL : normalised.charCodeAt(0);
      simplified[code] = normalised.charCodeAt(0);
    } else codeUnits[code] = SLOW_PATH; // e.g. ㈱ -> 株 needs NFKC on more than one unit
  }

  const phrases = new Map<number, Array<readonly [string, string]>>();
  const phraseStarts = new Uint8Array(0x10000);
  for (const [regional, mainland] of tables.regionalPhrases) {
    const key = toSimplified(fold(regional), traditional);
    const pair = pairKey(key, 0);
    const entries = phrases.get(pair) ?? [];
    entries.push([key, toSimplified(fold(mainland), traditional)]);
    entries.sort((a, b) => b[0].length - a[0].length);
    phrases.set(pair, entries);
    phraseStarts[key.charCodeAt(0)] = 1;
  }
  return { codeUnits, simplified, traditional, phrases, phraseStarts };
}

const pairKey = (text: string, at: number): number => text.charCodeAt(at) * 0x10000 + text.charCodeAt(at + 1);

/** Longest match first, left to right; replaced text is not scanned again. */
function replacePhrases(text: string, { phrases, phraseStarts }: NormalisationTable): string {
  let result = '';
  let copiedUpTo = 0;
  let i = 0;
  outer: while (i < text.length - 1) {
    if (phraseStarts[text.charCodeAt(i)] === 1) {
      const entries = phrases.get(pairKey(text, i));
      if (entries !== undefined) {
        for (const [regional, mainland] of entries) {
          if (text.startsWith(regional, i)) {
            result += text.slice(copiedUpTo, i) + mainland;
            i += regional.length;
            copiedUpTo = i;
            continue outer;
          }
        }
      }
    }
    i++;
  }
  return copiedUpTo === 0 ? text : result + text.slice(copiedUpTo);
}

/** Text with at least one traditional character: per-character conversion, then regional phrases. */
function normalizeTraditional(text: string, current: NormalisationTable): string {
  const { codeUnits, simplified } = current;
  let result = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const mapped = codeUnits[unit];
    if (mapped === DROPPED) continue;
    if (mapped === SLOW_PATH) {
      result += toSimplified(fold(text.slice(i)), current.traditional);
      break;
    }
    result += String.fromCharCode(mapped === TRADITIONAL ? simplified[unit] : mapped);
  }
  return replacePhrases(result, current);
}

/** Normalises one text with a table built (once, on first use) from the given tables. */
export function createNormalizer(tables: NormalisationTables): (text: string) => string {
  let built: NormalisationTable | null = null;
  return (text) => normalizeWith((built ??= buildTable(tables)), text);
}

/**
 * Characters that are their own normal form are copied in runs (`text.slice`), not one by one:
 * most of a description is, and text that is already normal comes back as the same string.
 */
function normalizeWith(table: NormalisationTable, text: string): string {
  const { codeUnits } = table;
  let result = '';
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const mapped = codeUnits[unit];
    if (mapped === DROPPED) {
      if (i > runStart) result += text.slice(runStart, i);
      runStart = i + 1;
      continue;
    }
    if (mapped >= TRADITIONAL) {
      if (mapped === TRADITIONAL) return normalizeTraditional(text, table);
      const rest = fold(text.slice(i));
      const converted = toSimplified(rest, table.traditional);
      // The slow tail may hold traditional characters too (after NFKC, or past a surrogate pair).
      return converted === rest ? result + text.slice(runStart, i) + rest : normalizeTraditional(text, table);
    }
    if (mapped === unit) continue;
    result += text.slice(runStart, i) + String.fromCharCode(mapped);
    runStart = i + 1;
  }
  return runStart === 0 ? text : result + text.slice(runStart);
}
