/**
 * Semantics 2: a ruleset's variant vocabulary (pinyin initials and spellings, homophone
 * misspellings, euphemisms, regional terms) rewritten to canonical terms after normalisation,
 * so that rules name each business once. Leftmost, longest variant first; a variant of ASCII
 * letters and digits only stands alone (dk is a variant, sdk is not a dk).
 */
const ASCII_WORD_CHAR = /[a-z0-9]/;

export class VariantRewriter {
  /** first code unit -> [variant, canonical], longest first */
  private readonly byFirst = new Map<number, Array<readonly [string, string]>>();
  /** 1 where a code unit starts some variant: most characters are passed over with one table read */
  private readonly starts = new Uint8Array(65536);

  /** `pairs` are normalised; a pair whose sides are equal rewrites nothing and is left out. */
  constructor(pairs: ReadonlyArray<readonly [string, string]>) {
    for (const [variant, canonical] of pairs) {
      if (variant === '' || variant === canonical) continue;
      const first = variant.charCodeAt(0);
      this.starts[first] = 1;
      const list = this.byFirst.get(first) ?? [];
      list.push([variant, canonical]);
      this.byFirst.set(first, list);
    }
    for (const list of this.byFirst.values()) list.sort(([a], [b]) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
  }

  get empty(): boolean {
    return this.byFirst.size === 0;
  }

  rewrite(text: string): string {
    if (this.byFirst.size === 0) return text;
    let result = '';
    let copiedTo = 0;
    for (let i = 0; i < text.length;) {
      if (this.starts[text.charCodeAt(i)] === 0) {
        i++;
        continue;
      }
      // Inside an ASCII word no variant starting here stands alone: every one starts with this ASCII character.
      if (i > 0 && isAsciiWordCode(text.charCodeAt(i)) && isAsciiWordCode(text.charCodeAt(i - 1))) {
        i++;
        continue;
      }
      const found = this.variantAt(text, i);
      if (found === undefined) {
        i++;
        continue;
      }
      result += text.slice(copiedTo, i) + found[1];
      i += found[0].length;
      copiedTo = i;
    }
    return copiedTo === 0 ? text : result + text.slice(copiedTo);
  }

  /** The first variant (longest first) that starts at `at` and stands alone there. */
  private variantAt(text: string, at: number): readonly [string, string] | undefined {
    const candidates = this.byFirst.get(text.charCodeAt(at));
    if (candidates === undefined) return undefined;
    for (const candidate of candidates) if (text.startsWith(candidate[0], at) && standsAlone(text, candidate[0], at)) return candidate;
    return undefined;
  }
}

/** The characters of ASCII_WORD_CHAR, by code unit. */
function isAsciiWordCode(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39);
}

function standsAlone(text: string, variant: string, at: number): boolean {
  const joinsBefore = ASCII_WORD_CHAR.test(variant[0]) && at > 0 && ASCII_WORD_CHAR.test(text[at - 1]);
  const end = at + variant.length;
  const joinsAfter = ASCII_WORD_CHAR.test(variant[variant.length - 1]) && end < text.length && ASCII_WORD_CHAR.test(text[end]);
  return !joinsBefore && !joinsAfter;
}
