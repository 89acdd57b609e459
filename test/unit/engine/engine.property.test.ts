import fc from 'fast-check';
import path from 'node:path';
import { canonicalJson } from '../../../src/common/canonical-json';
import { compileRuleset, evaluateNumberApplication, evaluateViolation, normalizeText, UnknownBehaviorError } from '../../../src/engine';
import { compileConditionProgram, planBusinessCondition, WORD_GROUP_HITS } from '../../../src/engine/conditions';
import { CONDITION_INPUT_BOUNDS } from '../../../src/engine/condition-cost';
import { contentHash } from '../../../src/rulesets/content-hash';
import { readRulesetDir } from '../../../src/rulesets/ruleset-files';
import { propertyRuns } from '../../helpers/property-runs';

const seed = readRulesetDir(path.join(__dirname, '../../../rulesets/ccc-access'));
const compiled = compileRuleset(seed.content);
const anyText = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary-ascii' }));

describe('normalizeText, by property', () => {
  it('never throws, is idempotent, and never grows text beyond NFKC expansion', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const once = normalizeText(text);
        expect(normalizeText(once)).toBe(once);
        expect(once).not.toMatch(/\s/);
        expect(once.length).toBeLessThanOrEqual(text.length * CONDITION_INPUT_BOUNDS.normalisationGrowth);
      }),
      { numRuns: propertyRuns(2000) },
    );
  });

  it('normalises a concatenation as the concatenation of the normalised parts (for BMP text without combining marks)', () => {
    const simple = fc.string({ unit: fc.constantFrom(...'物流通知信用卡办理ＡＢＣabc 123，。！贷款發財'.split('')) });
    fc.assert(
      fc.property(simple, simple, (a, b) => {
        expect(normalizeText(a + b)).toBe(normalizeText(a) + normalizeText(b));
      }),
    );
  });
});

describe('the evaluator, by property', () => {
  const facts = fc.oneof(fc.constant(null), fc.dictionary(anyText, fc.jsonValue({ maxDepth: 4 })));
  const enterprise = fc.option(
    fc.record({ id: anyText, status: fc.constantFrom('ACTIVE' as const, 'OFFLINE' as const), seriousViolationCount: fc.nat(50), violationCount: fc.nat(50) }),
    { nil: null },
  );

  it('never throws on any application and always names a decision with a message', () => {
    fc.assert(
      fc.property(
        anyText,
        fc.option(anyText, { nil: null }),
        fc.option(anyText, { nil: null }),
        fc.constantFrom(null, 'INBOUND', 'OUTBOUND'),
        facts,
        enterprise,
        (description, industry, scenario, callDirection, factsValue, standing) => {
          const input = { enterpriseId: standing?.id ?? null, description, industry, scenario, callDirection: callDirection as never, facts: factsValue };
          const outcome = evaluateNumberApplication(compiled, input, { enterprise: standing });
          expect(['ALLOW', 'REVIEW', 'REJECT']).toContain(outcome.decision);
          expect(typeof outcome.message).toBe('string');
          expect(() => canonicalJson(outcome)).not.toThrow();
          // Deterministic: a second run, on a freshly compiled copy, is byte-identical.
          expect(canonicalJson(evaluateNumberApplication(compileRuleset(seed.content), input, { enterprise: standing }))).toBe(canonicalJson(outcome));
        },
      ),
      { numRuns: propertyRuns(300) },
    );
  });

  it('judges any violation report without crashing: a result, or UnknownBehaviorError for a behaviour no rule knows', () => {
    const behaviors = [...new Set(seed.content.violationRules.map((rule) => rule.behavior))];
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...behaviors), anyText),
        fc.boolean(),
        fc.option(anyText, { nil: null }),
        fc.option(anyText, { nil: null }),
        fc.array(
          fc.record({
            severity: fc.constantFrom('CRITICAL', 'SERIOUS', 'GENERAL', 'UNKNOWN'),
            at: fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
          }),
          { maxLength: 6 },
        ),
        enterprise,
        (behavior, verified, declaredBusiness, actualBusiness, priorViolations, standing) => {
          const input = { enterpriseId: 'e1', behavior, verified, declaredBusiness, actualBusiness, occurredAt: null, facts: null };
          const state = { at: '2030-06-01T00:00:00.000Z', enterprise: standing, priorViolations };
          let first: string;
          try {
            first = canonicalJson(evaluateViolation(compiled, input, state));
          } catch (error) {
            expect(error).toBeInstanceOf(UnknownBehaviorError);
            expect(behaviors).not.toContain(behavior);
            return;
          }
          expect(canonicalJson(evaluateViolation(compiled, input, state))).toBe(first);
        },
      ),
      { numRuns: propertyRuns(300) },
    );
  });
});

describe('content hashing, by property', () => {
  it('is independent of the order of rules, penalties and keywords', () => {
    const content = seed.content;
    fc.assert(
      fc.property(fc.nat(1000), (seedNumber) => {
        const shuffle = <T>(items: T[]): T[] => {
          const copy = [...items];
          let s = seedNumber + 1;
          for (let i = copy.length - 1; i > 0; i--) {
            s = (s * 1103515245 + 12345) % 2147483648;
            const j = s % (i + 1);
            [copy[i], copy[j]] = [copy[j], copy[i]];
          }
          return copy;
        };
        const shuffled = {
          ...content,
          penalties: shuffle(content.penalties),
          violationRules: shuffle(content.violationRules),
          businessRules: shuffle(content.businessRules).map((rule) => ({
            ...rule,
            keywords: shuffle([...rule.keywords, ...rule.keywords.slice(0, 1)]),
            excludeKeywords: shuffle(rule.excludeKeywords),
          })),
        };
        expect(contentHash(shuffled)).toBe(contentHash(content));
      }),
      { numRuns: propertyRuns(100) },
    );
  });
});

describe('planned business conditions, by property', () => {
  // The seed's conditions, run as written by the CEL interpreter and as planned (word groups answered by the keyword pass).
  const conditions = seed.content.businessRules.filter((rule) => rule.condition).map((rule) => rule.condition!);
  const words = [...new Set(conditions.flatMap((condition) => [...condition.matchAll(/"([^"]*)"/g)].map((match) => match[1])))];

  it('decide exactly as the condition written, on descriptions built from the words of the conditions', () => {
    const description = fc
      .array(fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 3 })), { maxLength: 6 })
      .map((parts) => normalizeText(parts.join('')));
    const status = fc.constantFrom('NONE', 'ACTIVE', 'OFFLINE');
    const programs = conditions.map((condition) => ({ written: compileConditionProgram(condition, 'business'), planned: planBusinessCondition(condition) }));
    fc.assert(
      fc.property(description, status, (text, enterpriseStatus) => {
        const context = {
          input: { description: text, rawDescription: text, industry: '', scenario: '', callDirection: '', facts: {} },
          enterprise: { id: '', status: enterpriseStatus, seriousViolationCount: 0n, violationCount: 0n },
        };
        for (const { written, planned } of programs) {
          const hits = planned.wordGroups.map((group) => group.some((word) => text.includes(word)));
          expect(planned.program({ ...context, [WORD_GROUP_HITS]: hits })).toBe(written(context));
        }
      }),
      { numRuns: propertyRuns(500) },
    );
  });

  it('leave conditions without word groups to the interpreter as written', () => {
    const planned = planBusinessCondition('enterprise.status == "OFFLINE" && input.callDirection == "OUTBOUND"');
    expect(planned.wordGroups).toEqual([]);
    const mixed = planBusinessCondition('["甲", "乙"].exists(w, input.description.contains(w)) && !["丙"].exists(x, input.industry.contains(x))');
    expect(mixed.wordGroups).toEqual([['甲', '乙']]);
  });
});
