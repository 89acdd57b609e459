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
 * per-code-unit table built once (lazily, ~150ms). The price: traditional -> simplified
 * is per character (軟體 -> 软体, not the phrase-level 软件), which is harmless for
 * matching because keywords go through the same table.
 */

// CJK Unified Ideographs (incl. Extension A) and the compatibility block: every
// traditional character OpenCC maps lives in these BMP ranges.
const CJK_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x3400, 0x9fff],
  [0xf900, 0xfaff],
];

const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;

/** Marks a code unit whose normal form is not a single BMP character: handled slowly. */
const SLOW_PATH = 0xffff;
/** Marks a code unit that normalises to nothing (space, punctuation, symbol). */
const DROPPED = 0;

interface NormalisationTable {
  /** code unit -> normalised code unit, DROPPED or SLOW_PATH */
  codeUnits: Uint16Array;
  traditional: Map<string, string>;
}

let table: NormalisationTable | null = null;

function buildTraditionalMap(): Map<string, string> {
  // 't' covers OpenCC's common dictionary; 'tw' and 'hk' add regional variants (裡, 着...).
  const converters = (['t', 'tw', 'hk'] as const).map((from) => OpenCC.Converter({ from, to: 'cn' }));
  const traditional = new Map<string, string>();
  for (const [first, last] of CJK_RANGES) {
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
  return traditional;
}

function slowNormalize(text: string, traditional: Map<string, string>): string {
  const folded = text.normalize('NFKC').toLowerCase().replace(NOT_LETTER_OR_DIGIT, '');
  let result = '';
  for (const char of folded) result += traditional.get(char) ?? char;
  return result;
}

function buildTable(): NormalisationTable {
  const traditional = buildTraditionalMap();
  const codeUnits = new Uint16Array(0x10000);
  for (let code = 0; code < 0x10000; code++) {
    if (code >= 0xd800 && code <= 0xdfff) {
      codeUnits[code] = SLOW_PATH; // surrogate halves: only meaningful as a pair
      continue;
    }
    const normalised = slowNormalize(String.fromCharCode(code), traditional);
    if (normalised.length === 0) codeUnits[code] = DROPPED;
    else if (normalised.length === 1 && normalised.charCodeAt(0) !== SLOW_PATH) codeUnits[code] = normalised.charCodeAt(0);
    else codeUnits[code] = SLOW_PATH; // e.g. ㈱ -> 株 needs NFKC on more than one unit
  }
  return { codeUnits, traditional };
}

export function normalizeText(text: string): string {
  table ??= buildTable();
  const { codeUnits } = table;
  let result = '';
  for (let i = 0; i < text.length; i++) {
    const mapped = codeUnits[text.charCodeAt(i)];
    if (mapped === DROPPED) continue;
    if (mapped === SLOW_PATH) return result + slowNormalize(text.slice(i), table.traditional);
    result += String.fromCharCode(mapped);
  }
  return result;
}

