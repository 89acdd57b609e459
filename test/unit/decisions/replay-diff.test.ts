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
    expect(outcomeOf('NUMBER_APPLICATION', null)).toBe('none');
    expect(outcomeOf('RECORDED_VIOLATION', { severity: 'SERIOUS' })).toBe('SERIOUS');
    expect(outcomeOf('VIOLATION', { severity: null })).toBe('none');
    expect(outcomeOf('VIOLATION', { error: 'unknown behaviour' })).toBe('ERROR');
  });

  const violation = {
    severity: 'SERIOUS',
    label: '严重违规',
    escalated: true,
    priorViolations: 1,
    actions: [{ code: 'WARNING' }],
    message: 'm',
    matches: [{ ruleKey: 'harassment', effect: null, severity: 'SERIOUS', evidence: ['behavior: HARASSMENT_COMPLAINT'] }],
  };

  it('names the failure of a replay, and of the original, first', () => {
    const applied = { decision: 'REJECT', message: 'm', matches: [] };
    expect(describeDifferences('NUMBER_APPLICATION', { error: 'boom' }, applied)).toEqual([
      'original failed: boom',
      'decision none -> REJECT',
      'message "none" -> "m"',
    ]);
    expect(describeDifferences('NUMBER_APPLICATION', { error: 'old' }, { error: 'new' })).toEqual(['replay failed: new', 'original failed: old']);
  });

  it('names what a violation whose replay failed loses, but not its prior violations, label or message', () => {
    expect(describeDifferences('RECORDED_VIOLATION', violation, { error: 'unknown violation behaviour "X"' })).toEqual([
      'replay failed: unknown violation behaviour "X"',
      'severity SERIOUS -> none',
      'escalated true -> none',
      'action -WARNING',
      'match -harassment',
    ]);
  });

  it('names a change of prior violations alone when everything else of the violation stayed', () => {
    expect(describeDifferences('RECORDED_VIOLATION', violation, { ...violation, priorViolations: 2 })).toEqual(['priorViolations 1 -> 2']);
  });

  it('counts an escalation missing from one side as not escalated', () => {
    const { escalated: _escalated, ...unmarked } = violation;
    const notEscalated = { ...violation, escalated: false };
    expect(describeDifferences('RECORDED_VIOLATION', unmarked, notEscalated)).toEqual(['output differs in form only (same decision, matches and message)']);
    expect(describeDifferences('RECORDED_VIOLATION', notEscalated, unmarked)).toEqual(['output differs in form only (same decision, matches and message)']);
    expect(describeDifferences('RECORDED_VIOLATION', unmarked, violation)).toEqual(['escalated none -> true']);
  });

  it("names a change of a still-matching rule's effect or severity, and not its unchanged evidence", () => {
    const before = { decision: 'REVIEW', message: 'm', matches: [match('k', 'REVIEW', ['keyword: a'])] };
    const after = { decision: 'REJECT', message: 'm', matches: [match('k', 'REJECT', ['keyword: a'])] };
    expect(describeDifferences('NUMBER_APPLICATION', before, after)).toEqual(['decision REVIEW -> REJECT', 'match k effect REVIEW -> REJECT']);
    const critical = { ...violation, matches: [{ ...violation.matches[0], severity: 'CRITICAL' }] };
    expect(describeDifferences('RECORDED_VIOLATION', violation, critical)).toEqual(['match harassment severity SERIOUS -> CRITICAL']);
  });

  it('lists every piece of evidence of both sides, and counts missing evidence as none', () => {
    const withEvidence = (evidence?: string[]) => ({
      decision: 'REJECT',
      message: 'm',
      matches: [{ ruleKey: 'k', effect: 'REJECT', ...(evidence ? { evidence } : {}) }],
    });
    expect(describeDifferences('NUMBER_APPLICATION', withEvidence(['keyword: a', 'keyword: b']), withEvidence(['keyword: b']))).toEqual([
      'match k evidence [keyword: a; keyword: b] -> [keyword: b]',
    ]);
    expect(describeDifferences('NUMBER_APPLICATION', withEvidence(), withEvidence(['keyword: a']))).toEqual(['match k evidence [] -> [keyword: a]']);
    expect(describeDifferences('NUMBER_APPLICATION', withEvidence(['keyword: a']), withEvidence())).toEqual(['match k evidence [keyword: a] -> []']);
    const formOnly = ['output differs in form only (same decision, matches and message)'];
    expect(describeDifferences('NUMBER_APPLICATION', withEvidence(), withEvidence([]))).toEqual(formOnly);
    expect(describeDifferences('NUMBER_APPLICATION', withEvidence([]), withEvidence())).toEqual(formOnly);
  });

  it('names no signal that both sides raised', () => {
    const signal = { ruleKey: 'flag.arrears', message: 'x', evidence: ['keyword: 欠费'], weight: 1 };
    const before = { decision: 'REVIEW', message: 'm', matches: [], signals: [signal], riskScore: 1 };
    expect(describeDifferences('NUMBER_APPLICATION', before, { ...before, riskScore: 2 })).toEqual(['riskScore 1 -> 2']);
  });

  it('says an output differs in form only when the same matches come in another order', () => {
    const first = match('a', 'REJECT');
    const second = match('b', 'REJECT');
    expect(
      describeDifferences(
        'NUMBER_APPLICATION',
        { decision: 'REJECT', message: 'm', matches: [first, second] },
        { decision: 'REJECT', message: 'm', matches: [second, first] },
      ),
    ).toEqual(['output differs in form only (same decision, matches and message)']);
  });
});
