/**
 * Text PostgreSQL cannot store faithfully. `text` and `jsonb` refuse NUL; a lone UTF-16
 * surrogate is refused by `jsonb` (as a `\ud800` escape) and silently becomes U+FFFD in
 * `text`, so the stored value would no longer match its hash. Both are refused at the door.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this pattern must find
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `value` cannot be stored, or null when it can. */
export function unstorableText(value: string): string | null {
  const match = UNSTORABLE.exec(value);
  if (!match) return null;
  return match[0] === '\u0000' ? 'must not contain NUL characters' : 'must not contain lone UTF-16 surrogates (invalid Unicode)';
}
