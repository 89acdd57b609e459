import fc from 'fast-check';
import { canonicalHash, canonicalJson } from '../../../src/common/canonical-json';
import { propertyRuns } from '../../helpers/property-runs';

/** The same value with every object's members, at every level, in another order. */
function reorder(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((item, i) => reorder(item, seed + i));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    const rotated = entries.length ? [...entries.slice(seed % entries.length), ...entries.slice(0, seed % entries.length)].reverse() : entries;
    const out: Record<string, unknown> = {};
    for (const [key, item] of rotated)
      Object.defineProperty(out, key, { value: reorder(item, seed + 1), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

// Any UTF-16 code units, lone surrogates included: hashing must never throw on them.
const anyString = fc.string({ unit: 'binary' });
const anyJson = fc
  .jsonValue({ maxDepth: 6 })
  .chain((base) =>
    fc.dictionary(anyString, fc.oneof(anyString, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(base))).map((extra) => ({ base, extra })),
  );

describe('canonical JSON, by property', () => {
  it('hashes equally whatever the member order at every depth', () => {
    fc.assert(
      fc.property(anyJson, fc.nat(50), (value, seed) => {
        expect(canonicalHash(reorder(value, seed))).toBe(canonicalHash(value));
      }),
      { numRuns: propertyRuns(500) },
    );
  });

  it('never throws on JSON values with any strings (lone surrogates included) and is a fixed point of parse + canonicalise', () => {
    fc.assert(
      fc.property(anyJson, (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(canonicalHash(value)).toMatch(/^[0-9a-f]{64}$/);
      }),
      { numRuns: propertyRuns(500) },
    );
  });

  it('is injective on member values: different documents, different text', () => {
    fc.assert(
      fc.property(fc.dictionary(anyString, anyString), anyString, anyString, (object, key, value) => {
        fc.pre(object[key] !== value);
        expect(canonicalJson({ ...object, [key]: value })).not.toBe(canonicalJson({ ...object, [key]: `${value}\u0000x` }));
      }),
    );
  });
});
