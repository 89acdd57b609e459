import fc from 'fast-check';
import { unstorableText } from '../../../src/common/text';
import { propertyRuns } from '../../helpers/property-runs';

describe('unstorableText: what PostgreSQL cannot store faithfully', () => {
  it('flags NUL and lone surrogates, and nothing else', () => {
    expect(unstorableText('a\u0000b')).toMatch(/NUL/);
    expect(unstorableText('x\ud800')).toMatch(/surrogate/);
    expect(unstorableText('\udc00y')).toMatch(/surrogate/);
    expect(unstorableText('\udc00\ud800')).toMatch(/surrogate/);
    expect(unstorableText('😀 \u202e \u0007 物')).toBeNull();
  });

  it('agrees with String.prototype.isWellFormed and a NUL search on any UTF-16 text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.oneof(fc.constantFrom('\u0000', '\ud800', '\udfff', '\ud83d', '\ude00'), fc.string({ unit: 'binary', maxLength: 1 })) }),
        (text) => {
          const expected = text.includes('\u0000') || !(text as string & { isWellFormed(): boolean }).isWellFormed();
          expect(unstorableText(text) !== null).toBe(expected);
        },
      ),
      { numRuns: propertyRuns(2000) },
    );
  });

  it('accepts every well-formed string without NUL (fast-check full Unicode)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(unstorableText(text.replaceAll('\u0000', ''))).toBeNull();
      }),
    );
  });
});
