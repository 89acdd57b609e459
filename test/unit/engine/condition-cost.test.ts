import path from 'node:path';
import { checkCondition, compileRuleset, ConditionError, normalizeText, validateContent } from '../../../src/engine';
import { CONDITION_INPUT_BOUNDS, MAX_CONDITION_STEPS, MAX_EVALUATION_STEPS } from '../../../src/engine/condition-cost';
import { checkLinearRegex } from '../../../src/engine/linear-regex';
import { INPUT_LIMITS } from '../../../src/common/limits';
import { readRulesetDir } from '../../../src/rulesets/ruleset-files';
import { businessRule, ruleset, violationRule } from './helpers';

/** The attack of issue 13: `"0123456789".split("").all(v0, ... .all(v6, true))`, 10^7 evaluations of its body. */
function nestedComprehensions(depth: number, range = '"0123456789".split("")'): string {
  let condition = 'true';
  for (let level = depth - 1; level >= 0; level--) condition = `${range}.all(v${level}, ${condition})`;
  return condition;
}

describe('condition cost limits', () => {
  it('refuses the nested-comprehension attack at its third level, wherever it is checked', () => {
    const attack = nestedComprehensions(7);
    const check = checkCondition(attack, 'business');
    expect(check).toMatchObject({ ok: false, problem: 'over-budget', message: expect.stringMatching(/nested at most 2 deep/) });
    expect(check.ok === false && attack.slice(check.position!)).toMatch(/^"0123456789"\.split\(""\)\.all\(v2,/);

    const content = ruleset({ businessRules: [businessRule({ key: 'attack', keywords: ['词'], condition: attack })] });
    expect(validateContent(content)).toEqual([
      {
        path: 'businessRules[attack].condition',
        message: expect.stringMatching(/^condition over its cost limit at position \d+: comprehensions .* nested at most 2 deep/),
      },
    ]);
    expect(() => compileRuleset(content)).toThrow(ConditionError);
  });

  it('accepts two levels over small ranges and refuses two levels over the description', () => {
    expect(checkCondition(nestedComprehensions(2), 'business')).toMatchObject({ ok: true });
    const quadratic = 'input.rawDescription.split("").exists(a, input.rawDescription.split("").exists(b, a == b))';
    expect(checkCondition(quadratic, 'business')).toMatchObject({
      ok: false,
      problem: 'over-budget',
      message: expect.stringMatching(/steps per evaluation; the limit is 250,000$/),
    });
  });

  it('bounds a comprehension by the size of what it ranges over', () => {
    // One pass over the raw text (4,000 units) fits; over its normal form (up to 64,000) does not.
    expect(checkCondition('input.rawDescription.split("").exists(c, c == "x")', 'business')).toMatchObject({ ok: true });
    expect(checkCondition('input.description.split("").exists(c, c == "x")', 'business')).toMatchObject({ ok: false, problem: 'over-budget' });
    expect(checkCondition('actual.ruleKeys.exists(k, k.startsWith("finance."))', 'violation')).toMatchObject({ ok: true });
  });

  it('refuses conditions that could build huge values', () => {
    // Each bind doubles the string: 4,000 units × 2^9.
    let doubling = 'input.rawDescription';
    for (let level = 0; level < 9; level++) doubling = `cel.bind(s${level}, ${doubling}, s${level} + s${level})`;
    expect(checkCondition(`${doubling}.size() > 0`, 'business')).toMatchObject({
      ok: false,
      problem: 'over-budget',
      message: expect.stringMatching(/build a value of up to [\d,]+ units/),
    });
    expect(checkCondition('input.rawDescription.split("").map(c, input.rawDescription).join("") == ""', 'business')).toMatchObject({
      ok: false,
      problem: 'over-budget',
    });
    expect(checkCondition('cel.bind(s, input.rawDescription + input.industry, s.contains("x"))', 'business')).toMatchObject({ ok: true });
  });

  it('lets matches() take only a literal, linear-time pattern', () => {
    expect(checkCondition('input.industry.matches("^金融[0-9]{3}$")', 'business')).toMatchObject({ ok: true });
    expect(checkCondition('input.industry.matches("a.*z")', 'business')).toMatchObject({ ok: true });
    expect(checkCondition('input.description.matches(input.industry)', 'business')).toMatchObject({
      ok: false,
      problem: 'over-budget',
      message: expect.stringMatching(/string literal pattern/),
    });
    expect(checkCondition('input.facts.text.matches(input.facts.pattern)', 'business')).toMatchObject({ ok: false, problem: 'over-budget' });
    expect(checkCondition('input.industry.matches("(a+)+$")', 'business')).toMatchObject({ ok: false, problem: 'over-budget', position: 23 });
    // One choosing quantifier is quadratic in the text: fine on a label, too much on the description.
    expect(checkCondition('input.description.matches("a.*z")', 'business')).toMatchObject({ ok: false, problem: 'over-budget' });
  });
});

describe('checkLinearRegex', () => {
  it.each([
    ['(a+)+$', /quantify a group/],
    ['(a|aa)*', /quantify a group/],
    ['(ab){3}', /quantify a group/],
    ['(\\w)\\1', /backreferences/],
    ['(?<x>a)\\k<x>', /backreferences/],
    ['a(?=b)', /lookahead or lookbehind/],
    ['(?<!a)b', /lookahead or lookbehind/],
    ['a*a*b', /at most one choice point .* holds 2/],
    ['a?a?a?aaa', /holds 3/],
    ['(a|b)(c|d)', /holds 2/],
    ['a|b.*', /holds 2/],
    ['[', /invalid regular expression/],
  ])('refuses %s', (pattern, message) => {
    expect(checkLinearRegex(pattern)).toEqual({ ok: false, message: expect.stringMatching(message) });
  });

  it.each([
    ['^abc$', false],
    ['\\d{3}-\\d{4}', false],
    ['(?:foo|bar|baz)qux', false],
    ['[(|*+?]x', false],
    ['\\(a\\)+', true],
    ['^[a-z]+@example\\.com$', true],
    ['a.*?b', true],
  ])('accepts %s', (pattern, choosingQuantifier) => {
    expect(checkLinearRegex(pattern)).toEqual({ ok: true, choosingQuantifier });
  });
});

describe('the evaluation budget', () => {
  it('refuses a version whose conditions, each within its limit, together exceed it', () => {
    const expensive = 'input.rawDescription.split("").exists(c, c == "x")';
    const steps = (checkCondition(expensive, 'business') as { steps: number }).steps;
    const within = Math.floor(MAX_EVALUATION_STEPS / steps);
    const rules = (count: number) =>
      Array.from({ length: count }, (_, i) => businessRule({ key: `costly.${String(i).padStart(2, '0')}`, keywords: ['词'], condition: expensive }));

    expect(validateContent(ruleset({ businessRules: rules(within) }))).toEqual([]);
    expect(() => compileRuleset(ruleset({ businessRules: rules(within) }))).not.toThrow();

    const over = ruleset({
      businessRules: rules(within),
      violationRules: [violationRule({ key: 'v.last', condition: 'input.actualBusiness.split("").exists(c, c == "x")' })],
    });
    expect(validateContent(over)).toEqual([
      { path: 'violationRules[v.last].condition', message: expect.stringMatching(/^condition over its cost limit: .* the limit is 1,000,000$/) },
    ]);
    expect(() => compileRuleset(over)).toThrow(/rule v\.last: .*the limit is 1,000,000/);
  });

  it('holds the seed ruleset well inside both limits', () => {
    const seed = readRulesetDir(path.resolve(__dirname, '../../../rulesets/ccc-access')).content;
    const conditions = [
      ...seed.businessRules.map((rule) => [rule.condition, 'business'] as const),
      ...seed.violationRules.map((rule) => [rule.condition, 'violation'] as const),
    ];
    const steps = conditions
      .filter(([condition]) => condition !== null)
      .map(([condition, kind]) => (checkCondition(condition!, kind) as { steps: number }).steps);
    expect(Math.max(...steps)).toBeLessThan(MAX_CONDITION_STEPS / 10);
    expect(steps.reduce((a, b) => a + b, 0)).toBeLessThan(MAX_EVALUATION_STEPS / 2);
  });
});

describe('what the cost bounds assume', () => {
  it('covers everything the service lets a caller send', () => {
    expect(CONDITION_INPUT_BOUNDS.textUnits).toBeGreaterThanOrEqual(2 * INPUT_LIMITS.descriptionChars); // characters outside the BMP take two units
    expect(CONDITION_INPUT_BOUNDS.labelUnits).toBeGreaterThanOrEqual(2 * INPUT_LIMITS.labelChars);
    expect(CONDITION_INPUT_BOUNDS.behaviorUnits).toBeGreaterThanOrEqual(2 * INPUT_LIMITS.behaviorChars);
    expect(CONDITION_INPUT_BOUNDS.idUnits).toBeGreaterThanOrEqual(INPUT_LIMITS.idChars);
    expect(CONDITION_INPUT_BOUNDS.factsUnits).toBeGreaterThanOrEqual(INPUT_LIMITS.factsBytes);
  });

  it('covers the longest normal form of any character', () => {
    let growth = 0;
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      const char = String.fromCodePoint(codePoint);
      growth = Math.max(growth, normalizeText(char).length / char.length);
    }
    expect(growth).toBeLessThanOrEqual(CONDITION_INPUT_BOUNDS.normalisationGrowth);
  });

  it('refuses a version with more business rules than actual.ruleKeys is assumed to hold', () => {
    const content = ruleset({
      businessRules: Array.from({ length: CONDITION_INPUT_BOUNDS.businessRules + 1 }, (_, i) => businessRule({ key: `r${i}`, keywords: [`词${i}`] })),
    });
    expect(validateContent(content)).toEqual([{ path: 'businessRules', message: expect.stringMatching(/at most 10000 business rules/) }]);
  });
});
