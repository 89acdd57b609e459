import { createHash } from 'node:crypto';

/**
 * RFC 8785 (JCS) canonical JSON: object members sorted by UTF-16 code units, no
 * whitespace, strings and numbers in their ECMAScript JSON forms. Written here because
 * the npm implementations are ES-module-only with no require() entry; JCS is exactly
 * JSON.stringify's primitives plus sorted members.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('JSON has no representation for NaN or Infinity');
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`JSON has no representation for a ${typeof value}`);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ',';
      const item = value[i];
      text += item === undefined || typeof item === 'function' ? 'null' : canonicalJson(item);
    }
    return `${text}]`;
  }
  const maybeJson = value as { toJSON?: () => unknown };
  if (typeof maybeJson.toJSON === 'function') return canonicalJson(maybeJson.toJSON());
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let text = '{';
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined || typeof member === 'function') continue;
    text += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
    first = false;
  }
  return `${text}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
