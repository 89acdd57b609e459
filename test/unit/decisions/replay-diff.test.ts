import { describeDifferences, outcomeOf } from '../../../src/decisions/replay-diff';

const match = (ruleKey: string, effect: string | null, evidence = ['keyword: x']) => ({ ruleKey, effect, severity: null, evidence });

describe('replay differences in domain terms', () => {
  it('is empty for identical outputs, whatever the key order', () => {
    expect(
      describeDifferences('NUMBER_APPLICATION', { decision: 'REVIEW', message: 'm', matches: [] }, { matches: [], message: 'm', decision: 'REVIEW' }),
    ).toEqual([]);
  });

  it('names decision changes and added or removed matches', () => {
    const before = { decision: 'REVIEW', message: 'a', matches: [] };
    const after = { decision: 'REJECT', message: 'b', matches: [match('finance.credit-card', 'REJECT')] };
    expect(describeDifferences('NUMBER_APPLICATION', before, after)).toEqual(['decision REVIEW -> REJECT', 'match +finance.credit-card', 'message "a" -> "b"']);
    expect(describeDifferences('NUMBER_APPLICATION', after, before)).toContain('match -finance.credit-card');
  });

  it('names signals gained or lost and the risk score change (a flag changes no decision)', () => {
    const before = { decision: 'REVIEW', message: 'm', matches: [] };
    const after = { ...before, signals: [{ ruleKey: 'flag.arrears', message: 'x', evidence: ['keyword: 欠费'], weight: 2 }], riskScore: 2 };
    expect(describeDifferences('NUMBER_APPLICATION', before, after)).toEqual(['signal +flag.arrears', 'riskScore 0 -> 2']);
    expect(describeDifferences('NUMBER_APPLICATION', after, before)).toEqual(['signal -flag.arrears', 'riskScore 2 -> 0']);
  });

  it('names severity, escalation and action changes of violations', () => {
    const before = { severity: 'SERIOUS', label: '严重违规', escalated: false, priorViolations: 2, actions: [{ code: 'WARNING' }], message: 'm', matches: [] };
    const after = {
      severity: 'CRITICAL',
      label: '特大违规',
      escalated: true,
      priorViolations: 2,
      actions: [{ code: 'OFFLINE_ALL_BUSINESS' }],
      message: 'm',
      matches: [],
    };
    expect(describeDifferences('RECORDED_VIOLATION', before, after)).toEqual([
      'severity SERIOUS -> CRITICAL',
      'escalated false -> true',
      'action +OFFLINE_ALL_BUSINESS',
      'action -WARNING',
      'label 严重违规 -> 特大违规',
    ]);
  });

  it('reports changed evidence of a rule that still matches', () => {
    const before = { decision: 'REJECT', message: 'm', matches: [match('k', 'REJECT', ['keyword: a'])] };
    const after = { decision: 'REJECT', message: 'm', matches: [match('k', 'REJECT', ['keyword: a', 'keyword: b'])] };
    expect(describeDifferences('NUMBER_APPLICATION', before, after)).toEqual(['match k evidence [keyword: a] -> [keyword: a; keyword: b]']);
  });

  it('compares the outcome of an application by decision and of a violation by severity', () => {
    expect(outcomeOf('NUMBER_APPLICATION', { decision: 'REJECT' })).toBe('REJECT');
    expect(outcomeOf('VIOLATION', { severity: null })).toBe('none');
    expect(outcomeOf('VIOLATION', { error: 'unknown behaviour' })).toBe('ERROR');
  });
});
