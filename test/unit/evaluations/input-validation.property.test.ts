import fc from 'fast-check';
import { canonicalJson } from '../../../src/common/canonical-json';
import { BadInputError } from '../../../src/common/errors';
import { unstorableText } from '../../../src/common/text';
import { INPUT_LIMITS, MAX_EVALUATIONS_PER_REQUEST } from '../../../src/common/limits';
import { validateApplication, validateApplications, validateViolation } from '../../../src/evaluations/input-validation';
import { propertyRuns } from '../../helpers/property-runs';

const hostileText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('', ' ', 'a\u0000b', 'x\ud800', '\udc00', "'; DROP TABLE x; --", '\u202eabc', '😀'.repeat(1500), '物'.repeat(2001)),
);
const anything = fc.oneof(
  hostileText,
  fc.anything({ maxDepth: 12 }),
  fc.constant(undefined),
  fc.constant(null),
  fc.double(),
  fc.constant(Number.POSITIVE_INFINITY),
);

/** Every string inside a JSON value, keys included. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((item) => strings(item, out));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      strings(item, out);
    }
  }
  return out;
}

function depth(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depth));
}

/** Either a BadInputError with issues, or a storable, bounded, canonicalisable value. */
function checkOutcome(run: () => unknown): void {
  let output: unknown;
  try {
    output = run();
  } catch (error) {
    expect(error).toBeInstanceOf(BadInputError);
    const issues = (error as BadInputError).details.issues as { path: string; message: string }[] | undefined;
    if (issues) expect(issues.length).toBeGreaterThan(0);
    return;
  }
  for (const text of strings(output)) expect(unstorableText(text)).toBeNull();
  expect(() => canonicalJson(output)).not.toThrow();
}

describe('input validators, by property', () => {
  it('never crash on arbitrary applications: they refuse with BAD_USER_INPUT or return storable, bounded input', () => {
    fc.assert(
      fc.property(
        fc.record(
          { description: anything, industry: anything, scenario: anything, enterpriseId: anything, callDirection: anything, facts: anything },
          { requiredKeys: [] },
        ),
        (args) => {
          checkOutcome(() => {
            const input = validateApplication(args as never);
            expect([...input.description].length).toBeLessThanOrEqual(INPUT_LIMITS.descriptionChars);
            if (input.facts) {
              expect(Buffer.byteLength(JSON.stringify(input.facts))).toBeLessThanOrEqual(INPUT_LIMITS.factsBytes);
              expect(depth(input.facts)).toBeLessThanOrEqual(INPUT_LIMITS.factsDepth);
            }
            return input;
          });
        },
      ),
      { numRuns: propertyRuns(1000) },
    );
  });

  it('never crash on arbitrary violation reports', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            enterpriseId: anything,
            behavior: anything,
            verified: anything,
            declaredBusiness: anything,
            actualBusiness: anything,
            occurredAt: fc.oneof(fc.date(), fc.constant(new Date(Number.NaN)), fc.constant(null)),
            facts: anything,
          },
          { requiredKeys: [] },
        ),
        (args) => checkOutcome(() => validateViolation(args as never)),
      ),
      { numRuns: propertyRuns(1000) },
    );
  });

  it('judge a batch exactly as its items one by one', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ description: hostileText }), { maxLength: 5 }), (items) => {
        const each = items.every((item) => {
          try {
            validateApplication(item);
            return true;
          } catch {
            return false;
          }
        });
        if (each) expect(validateApplications(items)).toEqual(items.map((item) => validateApplication(item)));
        else expect(() => validateApplications(items)).toThrow(BadInputError);
      }),
    );
  });

  it('accept a batch of exactly the per-request limit and refuse one more', () => {
    const valid = Array.from({ length: MAX_EVALUATIONS_PER_REQUEST }, (_, i) => ({ description: `第${i}号门店的会员回访` }));
    expect(validateApplications(valid)).toHaveLength(MAX_EVALUATIONS_PER_REQUEST);
    // The limit holds in the service whatever the transport in front of it lets through.
    const oneTooMany = [...valid, { description: 'one more' }];
    expect(() => validateApplications(oneTooMany)).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', details: { limit: MAX_EVALUATIONS_PER_REQUEST } }),
    );
    expect(() => validateApplications(oneTooMany)).toThrow(`at most ${MAX_EVALUATIONS_PER_REQUEST} inputs; this one holds ${MAX_EVALUATIONS_PER_REQUEST + 1}`);
  });
});
