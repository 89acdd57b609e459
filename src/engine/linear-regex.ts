/**
 * `string.matches()` runs JavaScript's backtracking RegExp, which can take exponential time.
 * A pattern is accepted only when backtracking cannot multiply: no backreferences or
 * lookaround, no quantified group, and at most one choice point in the whole pattern —
 * either one quantifier that chooses a length (`*`, `+`, `?`, `{n,}`, `{n,m}`) or one
 * alternation (`a|b|c`, top level or in one group). Exact counts (`{n}`) on a single atom
 * choose nothing. With no choosing quantifier a search costs at most text length × pattern
 * length steps; with one, text length² × pattern length.
 */
export type RegexCheck = { ok: true; choosingQuantifier: boolean } | { ok: false; message: string };

const QUANTIFIER = /^(?:[*+?]|\{\d+(?:,\d*)?\})/;
const EXACT_COUNT = /^\{\d+\}$/;

export function checkLinearRegex(pattern: string): RegexCheck {
  try {
    new RegExp(pattern);
  } catch (error) {
    return { ok: false, message: `invalid regular expression: ${(error as Error).message}` };
  }
  let choosingQuantifiers = 0;
  // One entry per open group (and the top level): whether it holds a `|`.
  const alternationAt: boolean[] = [false];
  let alternations = 0;
  let inClass = false;
  let previousWasGroup = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || next === 'k')) return { ok: false, message: 'regular expressions may not use backreferences' };
      i += 1;
      previousWasGroup = false;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    const quantifier = QUANTIFIER.exec(pattern.slice(i))?.[0];
    if (quantifier !== undefined) {
      if (previousWasGroup) return { ok: false, message: 'regular expressions may not quantify a group' };
      if (!EXACT_COUNT.test(quantifier)) choosingQuantifiers += 1;
      i += quantifier.length - 1;
      if (pattern[i + 1] === '?') i += 1; // lazy form: the same choice, tried in the other order
      continue;
    }
    previousWasGroup = false;
    if (char === '[') inClass = true;
    else if (char === '(') {
      const group = pattern.slice(i);
      if (/^\(\?<?[=!]/.test(group)) return { ok: false, message: 'regular expressions may not use lookahead or lookbehind' };
      // `(?:` and `(?<name>` open a group like `(`; their `?` quantifies nothing.
      i += (/^\(\?(?::|<[^>]*>)/.exec(group)?.[0].length ?? 1) - 1;
      alternationAt.push(false);
    } else if (char === ')') {
      if (alternationAt.pop()) alternations += 1;
      previousWasGroup = true;
    } else if (char === '|') alternationAt[alternationAt.length - 1] = true;
  }
  if (alternationAt[0]) alternations += 1;
  const choicePoints = choosingQuantifiers + alternations;
  if (choicePoints > 1) {
    return {
      ok: false,
      message: `regular expressions may hold at most one choice point (one *, +, ?, {n,m} or one alternation); this one holds ${choicePoints}`,
    };
  }
  return { ok: true, choosingQuantifier: choosingQuantifiers === 1 };
}
