/**
 * Semantics 2 normalises a description clause by clause: normalisation drops punctuation and
 * spaces (so that stray spaces and symbols cannot hide a keyword), but a context cue must not
 * reach into the next clause, and a pinyin initial must stay apart from the next ASCII word
 * ("tb sd，hp" is tb, sd and hp, not "tbsdhp"). Clauses and ASCII words are joined with one
 * space, which no normalised keyword contains.
 */
export const CLAUSE_SEPARATOR = ' ';

/** code unit -> CLAUSE_BREAK or SPACE (a table: this runs on every character of every description) */
const CLAUSE_BREAK = 1;
const SPACE = 2;
const SEPARATORS = new Uint8Array(65536);
for (const char of '，,。．；;！!？?：:\n\r') SEPARATORS[char.charCodeAt(0)] = CLAUSE_BREAK;
for (const code of [0x20, 0x09, 0x3000]) SEPARATORS[code] = SPACE;

/** ASCII or full-width letters and digits: the words a space keeps apart. */
function isAsciiWordChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0xff10 && code <= 0xff19) ||
    (code >= 0xff21 && code <= 0xff3a) ||
    (code >= 0xff41 && code <= 0xff5a)
  );
}

export function clauseAwareNormalizer(normalizeText: (text: string) => string): (text: string) => string {
  return (text) => {
    let result = '';
    let pieceStart = 0;
    const emit = (end: number): void => {
      const piece = normalizeText(text.slice(pieceStart, end));
      if (piece !== '') result = result === '' ? piece : result + CLAUSE_SEPARATOR + piece;
    };
    for (let i = 0; i < text.length; i++) {
      const separator = SEPARATORS[text.charCodeAt(i)];
      if (separator === 0) continue;
      if (separator === CLAUSE_BREAK) {
        emit(i);
        pieceStart = i + 1;
      } else if (i > 0 && isAsciiWordChar(text.charCodeAt(i - 1))) {
        let next = i + 1;
        while (next < text.length && SEPARATORS[text.charCodeAt(next)] === SPACE) next++;
        if (next < text.length && isAsciiWordChar(text.charCodeAt(next))) {
          emit(i);
          pieceStart = next;
          i = next - 1;
        }
      }
    }
    if (pieceStart === 0) return normalizeText(text);
    emit(text.length);
    return result;
  };
}
