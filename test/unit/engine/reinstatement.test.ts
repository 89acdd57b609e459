import { compileRuleset, evaluateViolation, validateContent, type RulesetContent, type ViolationState } from '../../../src/engine';
import { contentHash, orderContent } from '../../../src/rulesets/content-hash';
import { ruleset, violationRule } from './helpers';

/** Two SERIOUS violations within 30 days escalate to CRITICAL; the enterprise was reinstated on June 10th. */
const content = (overrides: Partial<RulesetContent> = {}): RulesetContent =>
  ruleset({
    violationRules: [violationRule({ key: 'h', behavior: 'HARASSMENT_COMPLAINT', severity: 'SERIOUS' })],
    penalties: [ruleset().penalties[0], { ...ruleset().penalties[1], escalation: { count: 2, withinDays: 30, toSeverity: 'CRITICAL' } }],
    ...overrides,
  });
const REINSTATED = '2024-06-10T00:00:00.000Z';
const state = (reinstatedAt: string | undefined, priorAt: string): ViolationState => ({
  at: '2024-06-30T12:00:00.000Z',
  enterprise: { id: 'e1', status: 'ACTIVE', seriousViolationCount: 1, violationCount: 1, ...(reinstatedAt ? { reinstatedAt } : {}) },
  priorViolations: [{ severity: 'SERIOUS', at: priorAt }],
});
const judge = (compiledContent: RulesetContent, judgedState: ViolationState) =>
  evaluateViolation(compileRuleset(compiledContent), { enterpriseId: 'e1', behavior: 'HARASSMENT_COMPLAINT', verified: true }, judgedState);

describe('violations before a reinstatement', () => {
  it('still count toward escalation by default (the setting absent)', () => {
    expect(judge(content(), state(REINSTATED, '2024-06-05T00:00:00Z'))).toMatchObject({ severity: 'CRITICAL', escalated: true });
    expect(judge(content({ violationsCountAfterReinstatement: true }), state(REINSTATED, '2024-06-05T00:00:00Z')).escalated).toBe(true);
  });

  it('do not count when the ruleset says so; violations after the reinstatement still do', () => {
    const forgiving = content({ violationsCountAfterReinstatement: false });
    expect(judge(forgiving, state(REINSTATED, '2024-06-05T00:00:00Z'))).toMatchObject({ severity: 'SERIOUS', escalated: false, priorViolations: 1 });
    expect(judge(forgiving, state(REINSTATED, '2024-06-20T00:00:00Z'))).toMatchObject({ severity: 'CRITICAL', escalated: true });
  });

  it('all count for a standing without reinstatedAt, as in state logged before reinstatement existed', () => {
    const forgiving = content({ violationsCountAfterReinstatement: false });
    expect(judge(forgiving, state(undefined, '2024-06-05T00:00:00Z')).escalated).toBe(true);
  });
});

describe('the violationsCountAfterReinstatement setting in the content document', () => {
  it('is left out when absent or true, so existing content keeps its hash', () => {
    const plain = content();
    expect(orderContent(plain)).not.toHaveProperty('violationsCountAfterReinstatement');
    expect(contentHash({ ...plain, violationsCountAfterReinstatement: true })).toBe(contentHash(plain));
  });

  it('is kept, and hashed, when false', () => {
    const forgiving = content({ violationsCountAfterReinstatement: false });
    expect(orderContent(forgiving)).toHaveProperty('violationsCountAfterReinstatement', false);
    expect(contentHash(forgiving)).not.toBe(contentHash(content()));
  });

  it('must be a boolean', () => {
    const wrong = { ...content(), violationsCountAfterReinstatement: 'no' } as unknown as RulesetContent;
    expect(validateContent(wrong)).toEqual([{ path: 'violationsCountAfterReinstatement', message: 'must be true or false (absent: true)' }]);
    expect(validateContent(content({ violationsCountAfterReinstatement: false }))).toEqual([]);
  });
});
