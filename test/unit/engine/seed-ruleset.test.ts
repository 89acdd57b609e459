import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import fc from 'fast-check';
import * as OpenCC from 'opencc-js';
import { compileRuleset, evaluateNumberApplication, evaluateViolation, normalizeText, validateContent } from '../../../src/engine';
import { readRulesetDir, writeRulesetDir, RulesetFileError } from '../../../src/rulesets/ruleset-files';
import { POLICY_INDUSTRIES } from '../../helpers/policy-table';
import { propertyRuns } from '../../helpers/property-runs';

const SEED_DIR = path.resolve(__dirname, '../../../rulesets/ccc-access');
const FIXTURES = path.resolve(__dirname, '../../fixtures/applications.yaml');
const seed = readRulesetDir(SEED_DIR);
const compiled = compileRuleset(seed.content);
const fixtures = YAML.parse(fs.readFileSync(FIXTURES, 'utf8')) as Array<{ text: string; industry?: string; scenario?: string }>;

describe('the seed ruleset ccc-access', () => {
  it('is valid', () => {
    expect(validateContent(seed.content)).toEqual([]);
    expect(seed).toMatchObject({ key: 'ccc-access', makerChecker: true });
    expect(seed.content).toMatchObject({ defaultDecision: 'REVIEW', defaultMessage: '其他未明确业务以最终申请号码审核为准' });
  });

  it('covers all 19 industries of the source table', () => {
    const industries = new Set(seed.content.businessRules.map((rule) => rule.industry));
    expect([...industries].sort()).toEqual([...POLICY_INDUSTRIES].sort());
  });

  it('rejects with the source wording on every table rule', () => {
    // FLAG rules decide nothing: their messages speak to the reviewer, not the applicant.
    for (const rule of seed.content.businessRules.filter((rule) => rule.key !== 'other.offline-rectification' && rule.effect !== 'FLAG')) {
      expect({ key: rule.key, effect: rule.effect, message: rule.message }).toEqual({
        key: rule.key,
        effect: 'REJECT',
        message: '目前不支持为该业务申请号码，请谅解',
      });
    }
  });

  it.each(seed.content.businessRules.filter((rule) => rule.keywords.length > 0).map((rule) => [rule.key]))(
    'has rule %s matching at least one labelled description',
    (key) => {
      const matched = fixtures.some((fixture) => {
        const outcome = evaluateNumberApplication(
          compiled,
          { description: fixture.text, industry: fixture.industry, scenario: fixture.scenario },
          { enterprise: null },
        );
        // A FLAG rule shows as a signal (of a REVIEW decision), not as a match.
        return [...outcome.matches, ...(outcome.signals ?? [])].some((fired) => fired.ruleKey === key);
      });
      expect(matched).toBe(true);
    },
  );

  it('rejects any application from an enterprise under rectification, with its own message', () => {
    const outcome = evaluateNumberApplication(
      compiled,
      { description: '餐厅订座确认' },
      { enterprise: { id: 'e1', status: 'OFFLINE', seriousViolationCount: 0, violationCount: 1 } },
    );
    expect(outcome.decision).toBe('REJECT');
    expect(outcome.message).toBe('您的企业因违规正在下线整改，整改完成前不支持申请号码');
    expect(outcome.matches.map((match) => match.ruleKey)).toEqual(['other.offline-rectification']);
  });

  it('penalises a verified mismatch into a prohibited business as CRITICAL and into a permitted one as SERIOUS', () => {
    const standing = { id: 'e1', status: 'ACTIVE' as const, seriousViolationCount: 0, violationCount: 0 };
    const judge = (actualBusiness: string) =>
      evaluateViolation(
        compiled,
        { enterpriseId: 'e1', behavior: 'BUSINESS_MISMATCH', verified: true, declaredBusiness: '快递派送通知', actualBusiness },
        { at: '2024-01-01T00:00:00Z', enterprise: standing, priorViolations: [] },
      );
    expect(judge('信用卡办理提额')).toMatchObject({ severity: 'CRITICAL', label: '特大违规', message: '将您的全部业务下线整改' });
    expect(judge('餐厅订座')).toMatchObject({
      severity: 'SERIOUS',
      actions: [
        { code: 'WARNING', label: '警告' },
        { code: 'RECORD_SERIOUS_VIOLATION', label: '记录一次严重违规' },
      ],
    });
  });

  it('judges the actual business of an enterprise already offline as a business, not by its standing', () => {
    const offline = { id: 'e1', status: 'OFFLINE' as const, seriousViolationCount: 0, violationCount: 1 };
    const outcome = evaluateViolation(
      compiled,
      { enterpriseId: 'e1', behavior: 'BUSINESS_MISMATCH', verified: true, declaredBusiness: '快递派送通知', actualBusiness: '餐厅订座' },
      { at: '2024-01-01T00:00:00Z', enterprise: offline, priorViolations: [] },
    );
    expect(outcome.severity).toBe('SERIOUS');
  });

  it('matches its keywords and exclusions when an applicant types them in traditional characters', () => {
    // Traditional text takes a phrase step (Taiwan/HK vocabulary -> mainland) that simplified
    // keywords never see: a keyword containing a regional phrase (e.g. 外拨, 行销) would not
    // match the traditional spelling of itself. Write such keywords in mainland vocabulary.
    // It is enough that the traditional spelling still contains one of the same list's words.
    const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });
    const unmatched = (key: string, words: string[]) =>
      words
        .filter((word) => {
          const typed = normalizeText(toTraditional(word));
          return !words.some((other) => normalizeText(other) !== '' && typed.includes(normalizeText(other)));
        })
        .map((word) => `${key}: ${word} -> ${toTraditional(word)} -> ${normalizeText(toTraditional(word))}`);
    const mismatched = seed.content.businessRules.flatMap((rule) => [...unmatched(rule.key, rule.keywords), ...unmatched(rule.key, rule.excludeKeywords)]);
    expect(mismatched).toEqual([]);
  });

  it('round-trips through writeRulesetDir and readRulesetDir unchanged', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruleset-'));
    try {
      const { content, ...meta } = seed;
      writeRulesetDir(dir, meta, content);
      expect(readRulesetDir(dir)).toEqual(seed);
      expect(JSON.stringify(readRulesetDir(dir))).toBe(JSON.stringify(seed));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the file and field when a ruleset file has the wrong shape', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruleset-'));
    try {
      for (const file of fs.readdirSync(SEED_DIR)) fs.copyFileSync(path.join(SEED_DIR, file), path.join(dir, file));
      fs.writeFileSync(path.join(dir, 'penalties.yaml'), '- { severity: SERIOUS, label: 严重违规, rank: high, actions: [], message: m }\n');
      expect(() => readRulesetDir(dir)).toThrow(RulesetFileError);
      expect(() => readRulesetDir(dir)).toThrow(`${path.join(dir, 'penalties.yaml')}:1:43: [0] (SERIOUS).rank: expected an integer, got "high"`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('determinism', () => {
  const standing = fc.option(
    fc.record({
      id: fc.string(),
      status: fc.constantFrom('ACTIVE' as const, 'OFFLINE' as const),
      seriousViolationCount: fc.nat(20),
      violationCount: fc.nat(20),
    }),
    { nil: null },
  );

  it('gives byte-identical outcomes for the same version and input, and never throws on arbitrary text', () => {
    const fixtureText = fc.constantFrom(...fixtures.map((fixture) => fixture.text));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fixtureText,
          fc.tuple(fixtureText, fc.string()).map(([a, b]) => a + b),
        ),
        fc.option(fc.string(), { nil: null }),
        fc.option(fc.string(), { nil: null }),
        standing,
        fc.dictionary(fc.string(), fc.jsonValue()),
        (description, industry, scenario, enterprise, facts) => {
          const input = { description, industry, scenario, facts };
          const first = JSON.stringify(evaluateNumberApplication(compiled, input, { enterprise }));
          const again = JSON.stringify(evaluateNumberApplication(compileRuleset(seed.content), input, { enterprise }));
          expect(again).toBe(first);
        },
      ),
      { numRuns: propertyRuns(300) },
    );
  });

  it('gives byte-identical violation outcomes for the same input and state', () => {
    fc.assert(
      fc.property(fc.string(), fc.boolean(), standing, (actualBusiness, verified, enterprise) => {
        const input = { enterpriseId: 'e1', behavior: 'BUSINESS_MISMATCH', verified, actualBusiness };
        const state = { at: '2024-01-01T00:00:00Z', enterprise, priorViolations: [{ severity: 'SERIOUS', at: '2023-12-31T00:00:00Z' }] };
        const first = JSON.stringify(evaluateViolation(compiled, input, state));
        // Another report judged in between, a fresh compilation and copies of the arguments: nothing carried over from the first call.
        evaluateViolation(compiled, { ...input, actualBusiness: `${actualBusiness}催收` }, state);
        const again = JSON.stringify(evaluateViolation(compileRuleset(seed.content), structuredClone(input), structuredClone(state)));
        expect(again).toBe(first);
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});
