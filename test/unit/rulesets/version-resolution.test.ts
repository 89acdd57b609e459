import { nextSwitchAfter, PublishedVersionMeta, versionInEffect } from '../../../src/rulesets/version-catalogue';
import { validateApplication, validateApplications, validateViolation } from '../../../src/evaluations/input-validation';

const v = (number: number, effectiveFrom: number, retiredAt: number | null = null): PublishedVersionMeta => ({
  id: `v${number}`,
  number,
  contentHash: String(number).repeat(64).slice(0, 64),
  effectiveFrom,
  retiredAt,
});

describe('the version in effect', () => {
  // v2 was live from 200 and retired at 400; v4 is scheduled for 1000.
  const versions = [v(1, 100), v(2, 200, 400), v(3, 300), v(4, 1000)];

  it('is the latest effective, unretired version at that time', () => {
    expect(versionInEffect(versions, 50, 2000)).toBeNull();
    expect(versionInEffect(versions, 150, 2000)?.number).toBe(1);
    expect(versionInEffect(versions, 350, 2000)?.number).toBe(3);
    expect(versionInEffect([v(1, 100), v(2, 200, 400)], 450, 450)?.number).toBe(1);
    expect(versionInEffect(versions, 2000, 2000)?.number).toBe(4);
  });

  it('leaves a retired version out of every time, also times it was live at', () => {
    expect(versionInEffect(versions, 250, 2000)?.number).toBe(1);
    expect(versionInEffect([v(1, 100, 500), v(2, 200, 400)], 250, 2000)).toBeNull();
  });

  it('still sees a version whose retirement is later than the time it is asked at', () => {
    expect(versionInEffect(versions, 250, 399)?.number).toBe(2);
  });

  it('knows when it may next change: a scheduled effective time or retirement', () => {
    expect(nextSwitchAfter(versions, 350)).toBe(400);
    expect(nextSwitchAfter(versions, 450)).toBe(1000);
    expect(nextSwitchAfter(versions, 2000)).toBe(Number.POSITIVE_INFINITY);
  });

  it('counts a switch at exactly `at` as already made: the next one is later', () => {
    expect(nextSwitchAfter(versions, 1000)).toBe(Number.POSITIVE_INFINITY);
    expect(nextSwitchAfter(versions, 400)).toBe(1000);
    expect(nextSwitchAfter([v(1, 100, 600), v(2, 300)], 300)).toBe(600);
  });

  it('puts a version in effect from exactly its effective time, and out from exactly its retirement', () => {
    expect(versionInEffect([v(1, 100), v(2, 200)], 200, 2000)?.number).toBe(2);
    expect(versionInEffect([v(1, 100), v(2, 200, 400)], 300, 400)?.number).toBe(1);
    expect(versionInEffect([v(1, 100), v(2, 200, 400)], 300, 399)?.number).toBe(2);
  });

  it('chooses the latest effective time whatever the order of the list, and the higher number on a tie', () => {
    expect(versionInEffect([v(3, 300), v(1, 100), v(2, 200)], 2000, 2000)?.number).toBe(3);
    expect(versionInEffect([v(2, 100), v(1, 100)], 2000, 2000)?.number).toBe(2);
    expect(versionInEffect([v(1, 100), v(2, 100)], 2000, 2000)?.number).toBe(2);
  });
});

describe('evaluation input validation', () => {
  it('keeps a valid application in its logged form, absent fields null', () => {
    expect(validateApplication({ description: '家政' })).toEqual({
      enterpriseId: null,
      industry: null,
      scenario: null,
      description: '家政',
      callDirection: null,
      facts: null,
    });
  });

  it('lists every problem with its path', () => {
    expect(() => validateApplications([{ description: '' }, { description: 'x', facts: 'no' }])).toThrow(
      expect.objectContaining({
        code: 'BAD_USER_INPUT',
        details: {
          issues: [
            { path: 'inputs[0].description', message: 'must not be empty' },
            { path: 'inputs[1].facts', message: 'must be a JSON object' },
          ],
        },
      }),
    );
  });

  it('bounds facts by size and refuses NUL anywhere', () => {
    expect(() => validateApplication({ description: 'x', facts: { big: 'x'.repeat(17 * 1024) } })).toThrow(/bytes/);
    expect(() => validateApplication({ description: 'x', facts: { ['a\u0000']: 1 } })).toThrow(/NUL/);
  });

  it('normalises a violation report and requires its enterprise and behaviour', () => {
    expect(validateViolation({ enterpriseId: 'e1', behavior: 'BLIND_CALLING', verified: true, occurredAt: new Date('2025-01-02T03:04:05Z') })).toMatchObject({
      occurredAt: '2025-01-02T03:04:05.000Z',
      declaredBusiness: null,
      facts: null,
    });
    expect(() => validateViolation({ enterpriseId: '', behavior: '', verified: true })).toThrow(/enterpriseId.*behavior|behavior.*enterpriseId/);
  });

  it('refuses a violation that occurred in the future, beyond a few minutes of clock skew', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const at = (iso: string) => ({ enterpriseId: 'e1', behavior: 'BLIND_CALLING', verified: true, occurredAt: new Date(iso) });
    expect(validateViolation(at('2026-06-01T00:04:00Z'), now).occurredAt).toBe('2026-06-01T00:04:00.000Z');
    expect(() => validateViolation(at('2026-06-02T00:00:00Z'), now)).toThrow(/input\.occurredAt must not be more than five minutes in the future/);
    expect(() => validateViolation(at('1969-12-31T00:00:00Z'), now)).toThrow(/after 1970/);
  });
});
