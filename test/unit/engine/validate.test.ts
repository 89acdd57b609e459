import { checkCondition, validateContent } from '../../../src/engine';
import { businessRule, ruleset, violationRule } from './helpers';

const issuePaths = (content: Parameters<typeof validateContent>[0]) => validateContent(content).map((issue) => issue.path);

describe('validateContent', () => {
  it('finds nothing wrong with a well-formed ruleset', () => {
    expect(validateContent(ruleset({ businessRules: [businessRule({ key: 'a', keywords: ['贷款'] })] }))).toEqual([]);
  });

  it('reports duplicate keys across business and violation rules', () => {
    const content = ruleset({
      businessRules: [businessRule({ key: 'dup', keywords: ['a'] }), businessRule({ key: 'dup', keywords: ['b'] })],
      violationRules: [violationRule({ key: 'dup' })],
    });
    expect(issuePaths(content)).toEqual(['businessRules[dup].key', 'violationRules[dup].key']);
  });

  it('reports a rule with neither keywords nor condition, and blank keywords', () => {
    const content = ruleset({
      businessRules: [businessRule({ key: 'empty' }), businessRule({ key: 'blank', keywords: ['ok', ' ，'], excludeKeywords: [''] })],
    });
    expect(issuePaths(content)).toEqual(['businessRules[empty].keywords', 'businessRules[blank].keywords[1]', 'businessRules[blank].excludeKeywords[0]']);
  });

  it('reports an unknown effect, empty messages, labels and titles', () => {
    const content = ruleset({
      defaultMessage: ' ',
      businessRules: [businessRule({ key: 'x', keywords: ['a'], message: '', effect: 'DENY' as never })],
      violationRules: [violationRule({ key: 'v', title: '' })],
      penalties: [{ ...ruleset().penalties[0], label: '' }, ruleset().penalties[1]],
    });
    expect(issuePaths(content)).toEqual([
      'defaultMessage',
      'businessRules[x].effect',
      'businessRules[x].message',
      'violationRules[v].title',
      'penalties[CRITICAL].label',
    ]);
  });

  it('reports a bad condition with the position of the error', () => {
    const issues = validateContent(ruleset({ businessRules: [businessRule({ key: 'c', condition: 'enterprise.status ==' })] }));
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe('businessRules[c].condition');
    expect(issues[0].message).toMatch(/position \d+/);
  });

  it('reports severities without a penalty mapping, for violation rules and escalation targets', () => {
    const content = ruleset({
      violationRules: [violationRule({ key: 'v', severity: 'MINOR' })],
      penalties: [{ ...ruleset().penalties[0], escalation: { count: 2, withinDays: 30, toSeverity: 'EXTREME' } }, ruleset().penalties[1]],
    });
    expect(issuePaths(content)).toEqual(['violationRules[v].severity', 'penalties[CRITICAL].escalation.toSeverity']);
  });

  it('reports duplicate severities and escalation counts or windows below 1', () => {
    const content = ruleset({
      penalties: [
        ruleset().penalties[0],
        { ...ruleset().penalties[1], escalation: { count: 0, withinDays: 0, toSeverity: 'CRITICAL' } },
        { ...ruleset().penalties[1] },
      ],
    });
    expect(issuePaths(content)).toEqual(['penalties[SERIOUS].escalation.count', 'penalties[SERIOUS].escalation.withinDays', 'penalties[SERIOUS].severity']);
  });

  it('reports an escalation to a less severe (lower-ranked) mapping, and accepts equal or higher ranks', () => {
    const [critical, serious] = ruleset().penalties;
    const downward = ruleset({ penalties: [{ ...critical, escalation: { count: 2, withinDays: 30, toSeverity: 'SERIOUS' } }, serious] });
    const issues = validateContent(downward);
    expect(issues.map((issue) => issue.path)).toEqual(['penalties[CRITICAL].escalation.toSeverity']);
    expect(issues[0].message).toMatch(/less severe than "CRITICAL" \(rank 2\)/);

    const upward = ruleset({ penalties: [critical, { ...serious, escalation: { count: 2, withinDays: 30, toSeverity: 'CRITICAL' } }] });
    expect(validateContent(upward)).toEqual([]);
    const level = ruleset({ penalties: [critical, { ...serious, rank: 2, escalation: { count: 2, withinDays: 30, toSeverity: 'CRITICAL' } }] });
    expect(validateContent(level)).toEqual([]);
  });

  it('reports escalation loops', () => {
    const content = ruleset({
      penalties: [
        { ...ruleset().penalties[0], escalation: { count: 2, withinDays: 30, toSeverity: 'SERIOUS' } },
        { ...ruleset().penalties[1], escalation: { count: 2, withinDays: 30, toSeverity: 'CRITICAL' } },
      ],
    });
    const loops = validateContent(content).filter((issue) => issue.message.startsWith('escalation loop'));
    expect(loops.map((issue) => issue.path)).toEqual(['penalties[CRITICAL].escalation.toSeverity', 'penalties[SERIOUS].escalation.toSeverity']);
  });
});

describe('checkCondition', () => {
  it('accepts a boolean condition over the declared variables', () => {
    expect(checkCondition('enterprise.status == "OFFLINE" && input.facts.x == 1', 'business')).toEqual({ ok: true, steps: expect.any(Number) });
    expect(checkCondition('actual.prohibited && priorViolations > 2', 'violation')).toEqual({ ok: true, steps: expect.any(Number) });
  });

  it('reports a syntax error with its character offset', () => {
    expect(checkCondition('1 +', 'business')).toEqual({ ok: false, problem: 'invalid', message: expect.any(String), position: 3 });
  });

  it('reports a misspelt field as a type error at the field', () => {
    expect(checkCondition('enterprise.stauts == "x"', 'business')).toMatchObject({ ok: false, position: 11 });
  });

  it('rejects variables of the other kind and non-boolean results', () => {
    expect(checkCondition('actual.prohibited', 'business').ok).toBe(false);
    expect(checkCondition('enterprise.violationCount + 1', 'business')).toMatchObject({ ok: false, message: expect.stringContaining('bool') });
  });
});
