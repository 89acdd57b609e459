import fc from 'fast-check';
import { canonicalHash, canonicalJson } from '../../../src/common/canonical-json';

describe('canonical JSON (RFC 8785)', () => {
  it('sorts object members by UTF-16 code units and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, { d: 'x', c: 2 }], '\u20ac': 0, '\ud83d\ude00': 1, '\ufb33': 2 })).toBe(
      '{"a":[true,null,{"c":2,"d":"x"}],"b":1,"\u20ac":0,"\ud83d\ude00":1,"\ufb33":2}',
    );
  });

  it('writes numbers in their ECMAScript form, as the RFC requires', () => {
    expect(canonicalJson([1e21, 1e-7, -0, 0.1, 333333333.3333333, 4.5])).toBe('[1e+21,1e-7,0,0.1,333333333.3333333,4.5]');
  });

  it('refuses values JSON cannot represent', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ a: Infinity })).toThrow(TypeError);
  });

  it('hashes equal objects equally whatever their key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse());
        expect(canonicalHash(reversed)).toBe(canonicalHash(object));
      }),
    );
  });

  it('round-trips through JSON.parse to an equal value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
