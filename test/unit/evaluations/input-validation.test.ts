import { BadInputError, IssueDetail } from '../../../src/common/errors';
import { INPUT_LIMITS } from '../../../src/common/limits';
import { validateApplication, validateApplications, validateViolation, ViolationArgs } from '../../../src/evaluations/input-validation';

/** The issues a refusal lists ([] when the call was accepted). */
function issuesOf(run: () => unknown): IssueDetail[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BadInputError);
    return (error as BadInputError).details.issues as IssueDetail[];
  }
  return [];
}

/** Facts whose deepest value sits at `level`: the facts object itself is level 1, its values level 2. */
function valueAtLevel(level: number): Record<string, unknown> {
  let value: unknown = 'leaf';
  for (let at = level; at > 2; at--) value = { inner: value };
  return { inner: value };
}

/** Facts whose JSON is exactly `bytes` bytes long. */
function factsOfBytes(bytes: number): Record<string, string> {
  const overhead = JSON.stringify({ note: '' }).length;
  return { note: 'x'.repeat(bytes - overhead) };
}

const NOW = new Date('2026-12-03T12:00:00.000Z');
const FIVE_MINUTES = 5 * 60 * 1000;
const violation = (overrides: Partial<ViolationArgs> = {}): ViolationArgs => ({ enterpriseId: 'ent-1', behavior: 'FRAUD', verified: true, ...overrides });

describe('validating an application', () => {
  it('returns the canonical logged form: every field present, absent ones null', () => {
    expect(validateApplication({ description: '社区早餐铺，电话订豆浆' })).toEqual({
      enterpriseId: null,
      industry: null,
      scenario: null,
      description: '社区早餐铺，电话订豆浆',
      callDirection: null,
      facts: null,
    });
    const full = {
      enterpriseId: 'ent-1',
      industry: '餐饮',
      scenario: '订餐',
      description: '订餐热线',
      callDirection: 'INBOUND' as const,
      facts: { seats: 20 },
    };
    expect(validateApplication(full)).toEqual(full);
  });

  it('names each bad field by its path, all at once', () => {
    expect(
      issuesOf(() =>
        validateApplication({
          description: '',
          enterpriseId: ' ent ',
          industry: 'a\u0000b',
          scenario: 'x'.repeat(INPUT_LIMITS.labelChars + 1),
          callDirection: 'SIDEWAYS' as never,
          facts: [],
        }),
      ),
    ).toEqual([
      { path: 'input.enterpriseId', message: 'must be a non-empty id without surrounding spaces' },
      { path: 'input.industry', message: 'must not contain NUL characters' },
      { path: 'input.scenario', message: `must be at most ${INPUT_LIMITS.labelChars} characters (got ${INPUT_LIMITS.labelChars + 1})` },
      { path: 'input.description', message: 'must not be empty' },
      { path: 'input.callDirection', message: 'must be INBOUND or OUTBOUND' },
      { path: 'input.facts', message: 'must be a JSON object' },
    ]);
  });

  it('accepts both call directions and treats a missing one as null', () => {
    expect(validateApplication({ description: 'x', callDirection: 'OUTBOUND' }).callDirection).toBe('OUTBOUND');
    expect(validateApplication({ description: 'x', callDirection: 'INBOUND' }).callDirection).toBe('INBOUND');
    expect(validateApplication({ description: 'x', callDirection: null }).callDirection).toBeNull();
    expect(issuesOf(() => validateApplication({ description: 'x', callDirection: 'inbound' as never }))).toEqual([
      { path: 'input.callDirection', message: 'must be INBOUND or OUTBOUND' },
    ]);
  });

  it('bounds the description at its character limit, counting code points', () => {
    expect(validateApplication({ description: '物'.repeat(INPUT_LIMITS.descriptionChars) }).description).toHaveLength(INPUT_LIMITS.descriptionChars);
    expect(issuesOf(() => validateApplication({ description: '😀'.repeat(INPUT_LIMITS.descriptionChars + 1) }))).toEqual([
      { path: 'input.description', message: `must be at most ${INPUT_LIMITS.descriptionChars} characters (got ${INPUT_LIMITS.descriptionChars + 1})` },
    ]);
  });
});

describe('validating the facts of an evaluation', () => {
  const factsIssues = (facts: unknown) => issuesOf(() => validateApplication({ description: 'x', facts }));

  it('accepts JSON objects with strings, finite numbers, booleans, nulls and arrays, unchanged', () => {
    const facts = { name: '门店', seats: 12.5, open: true, closed: false, owner: null, tags: ['a', 1, [null]] };
    expect(validateApplication({ description: 'x', facts }).facts).toEqual(facts);
  });

  it('accepts a value exactly as deep as the limit (the facts object is level 1) and refuses one level deeper', () => {
    expect(factsIssues(valueAtLevel(INPUT_LIMITS.factsDepth))).toEqual([]);
    expect(factsIssues(valueAtLevel(INPUT_LIMITS.factsDepth + 1))).toEqual([
      { path: 'input.facts', message: `must be nested at most ${INPUT_LIMITS.factsDepth} levels deep` },
    ]);
  });

  it('counts arrays as levels too', () => {
    let list: unknown = 1;
    for (let at = INPUT_LIMITS.factsDepth; at > 2; at--) list = [list];
    expect(factsIssues({ list })).toEqual([]);
    expect(factsIssues({ list: [list] })).toEqual([{ path: 'input.facts', message: `must be nested at most ${INPUT_LIMITS.factsDepth} levels deep` }]);
  });

  it('accepts facts of exactly the byte limit and refuses one byte more, saying how many it got', () => {
    expect(factsIssues(factsOfBytes(INPUT_LIMITS.factsBytes))).toEqual([]);
    expect(factsIssues(factsOfBytes(INPUT_LIMITS.factsBytes + 1))).toEqual([
      { path: 'input.facts', message: `must be at most ${INPUT_LIMITS.factsBytes} bytes of JSON (got ${INPUT_LIMITS.factsBytes + 1})` },
    ]);
  });

  it('refuses text the database cannot store, in values and in keys', () => {
    expect(factsIssues({ note: 'a\u0000b' })).toEqual([{ path: 'input.facts', message: 'must not contain NUL characters' }]);
    expect(factsIssues({ 'key\ud800': 1 })).toEqual([{ path: 'input.facts', message: 'must not contain lone UTF-16 surrogates (invalid Unicode)' }]);
    expect(factsIssues({ deep: [{ note: '\udc00' }] })).toEqual([
      { path: 'input.facts', message: 'must not contain lone UTF-16 surrogates (invalid Unicode)' },
    ]);
  });

  it('refuses numbers JSON cannot hold and values that are not JSON', () => {
    expect(factsIssues({ n: Number.POSITIVE_INFINITY })).toEqual([{ path: 'input.facts', message: 'must contain only finite numbers' }]);
    expect(factsIssues({ n: [Number.NaN] })).toEqual([{ path: 'input.facts', message: 'must contain only finite numbers' }]);
    expect(factsIssues({ f: () => 1 })).toEqual([{ path: 'input.facts', message: 'must be JSON' }]);
    expect(factsIssues({ b: 10n })).toEqual([{ path: 'input.facts', message: 'must be JSON' }]);
    expect(factsIssues({ u: undefined })).toEqual([{ path: 'input.facts', message: 'must be JSON' }]);
  });

  it('reports only the first problem of the facts', () => {
    expect(factsIssues({ a: 'x\u0000', b: Number.NaN, c: valueAtLevel(INPUT_LIMITS.factsDepth + 2) })).toEqual([
      { path: 'input.facts', message: 'must not contain NUL characters' },
    ]);
  });

  it('refuses facts that are not an object: a list, a string, a number', () => {
    for (const facts of [[1], 'text', 3, true]) expect(factsIssues(facts)).toEqual([{ path: 'input.facts', message: 'must be a JSON object' }]);
  });
});

describe('validating a batch of applications', () => {
  it('names each bad item by its index', () => {
    expect(issuesOf(() => validateApplications([{ description: 'ok' }, { description: ' ' }, { description: 'ok', callDirection: 'X' as never }]))).toEqual([
      { path: 'inputs[1].description', message: 'must not be empty' },
      { path: 'inputs[2].callDirection', message: 'must be INBOUND or OUTBOUND' },
    ]);
  });

  it('returns every item in canonical form, in order', () => {
    expect(validateApplications([{ description: 'a' }, { description: 'b', industry: '餐饮' }]).map((input) => [input.description, input.industry])).toEqual([
      ['a', null],
      ['b', '餐饮'],
    ]);
  });
});

describe('validating a violation report', () => {
  it('returns the canonical logged form with the behaviour trimmed and the time in ISO 8601', () => {
    expect(validateViolation(violation({ behavior: '  FRAUD  ', occurredAt: new Date('2026-12-01T08:00:00Z') }), NOW)).toEqual({
      enterpriseId: 'ent-1',
      behavior: 'FRAUD',
      verified: true,
      declaredBusiness: null,
      actualBusiness: null,
      occurredAt: '2026-12-01T08:00:00.000Z',
      facts: null,
    });
    expect(validateViolation(violation({ verified: false, declaredBusiness: '餐饮', actualBusiness: '贷款' }), NOW)).toMatchObject({
      verified: false,
      declaredBusiness: '餐饮',
      actualBusiness: '贷款',
      occurredAt: null,
    });
    expect(validateViolation(violation({ occurredAt: null }), NOW).occurredAt).toBeNull();
  });

  it('requires the enterprise and the behaviour, and a boolean verified', () => {
    expect(issuesOf(() => validateViolation({ enterpriseId: null as never, behavior: null as never, verified: 'yes' as never }, NOW))).toEqual([
      { path: 'input.behavior', message: 'is required' },
      { path: 'input.enterpriseId', message: 'is required' },
      { path: 'input.verified', message: 'must be true or false' },
    ]);
  });

  it('bounds the behaviour and the two business descriptions', () => {
    expect(
      issuesOf(() =>
        validateViolation(
          violation({
            behavior: 'B'.repeat(INPUT_LIMITS.behaviorChars + 1),
            declaredBusiness: 'd'.repeat(INPUT_LIMITS.descriptionChars + 1),
            actualBusiness: 'a\u0000',
          }),
          NOW,
        ),
      ),
    ).toEqual([
      { path: 'input.behavior', message: `must be at most ${INPUT_LIMITS.behaviorChars} characters (got ${INPUT_LIMITS.behaviorChars + 1})` },
      { path: 'input.declaredBusiness', message: `must be at most ${INPUT_LIMITS.descriptionChars} characters (got ${INPUT_LIMITS.descriptionChars + 1})` },
      { path: 'input.actualBusiness', message: 'must not contain NUL characters' },
    ]);
  });

  it('accepts an occurrence up to five minutes ahead of now, for clock differences, and refuses one millisecond more', () => {
    const limit = new Date(NOW.getTime() + FIVE_MINUTES);
    expect(validateViolation(violation({ occurredAt: limit }), NOW).occurredAt).toBe(limit.toISOString());
    expect(issuesOf(() => validateViolation(violation({ occurredAt: new Date(limit.getTime() + 1) }), NOW))).toEqual([
      { path: 'input.occurredAt', message: `must not be more than five minutes in the future, allowed for clock differences (now is ${NOW.toISOString()})` },
    ]);
  });

  it('accepts an occurrence from the first instant of 1970 and refuses an earlier one', () => {
    expect(validateViolation(violation({ occurredAt: new Date('1970-01-01T00:00:00.000Z') }), NOW).occurredAt).toBe('1970-01-01T00:00:00.000Z');
    expect(issuesOf(() => validateViolation(violation({ occurredAt: new Date('1969-12-31T23:59:59.999Z') }), NOW))).toEqual([
      { path: 'input.occurredAt', message: 'must be a time after 1970' },
    ]);
  });

  it('refuses an invalid date and a value that is not a time', () => {
    expect(issuesOf(() => validateViolation(violation({ occurredAt: new Date(Number.NaN) }), NOW))).toEqual([
      { path: 'input.occurredAt', message: 'is not a valid time' },
    ]);
    expect(issuesOf(() => validateViolation(violation({ occurredAt: '2026-12-01' as never }), NOW))).toEqual([
      { path: 'input.occurredAt', message: 'must be a time' },
    ]);
  });

  it('checks the facts of a violation like those of an application', () => {
    expect(issuesOf(() => validateViolation(violation({ facts: valueAtLevel(INPUT_LIMITS.factsDepth + 1) }), NOW))).toEqual([
      { path: 'input.facts', message: `must be nested at most ${INPUT_LIMITS.factsDepth} levels deep` },
    ]);
    expect(validateViolation(violation({ facts: { calls: 3 } }), NOW).facts).toEqual({ calls: 3 });
  });
});
