/**
 * Semantics 2 normalises a description clause by clause: normalisation drops punctuation and
 * spaces (so that stray spaces and symbols cannot hide a keyword), but a context cue must not
 * reach into the next clause, and a pinyin initial must stay apart from the next ASCII word
 * ("tb sd，hp" is tb, sd and hp, not "tbsdhp"). Clauses and ASCII words are joined with one
 * space, which no normalised keyword contains.
 */
const CLAUSE_BREAK = /[，,。．；;！!？?：:\n\r]+/;
const BETWEEN_ASCII_WORDS = /(?<=[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a])[\s\u3000]+(?=[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a])/;
const ANY_SEPARATOR = new RegExp(`${CLAUSE_BREAK.source}|${BETWEEN_ASCII_WORDS.source}`, 'g');

export const CLAUSE_SEPARATOR = ' ';

export function clauseAwareNormalizer(normalizeText: (text: string) => string): (text: string) => string {
  return (text) => {
    ANY_SEPARATOR.lastIndex = 0;
    if (!ANY_SEPARATOR.test(text)) return normalizeText(text);
    return text
      .split(ANY_SEPARATOR)
      .map(normalizeText)
      .filter((part) => part !== '')
      .join(CLAUSE_SEPARATOR);
  };
}
