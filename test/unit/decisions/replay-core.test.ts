import path from 'node:path';
import { canonicalJson } from '../../../src/common/canonical-json';
import { ImpactTally, reevaluate, replayAgainst, type ReplayableRecord } from '../../../src/decisions/replay-core';
import type { FinalAnswer } from '../../../src/decisions/linked-records';
import {
  compileRuleset,
  evaluateNumberApplication,
  evaluateViolation,
  InvalidEvaluationInputError,
  type CompiledRuleset,
  type NumberApplicationInput,
  type ViolationInput,
  type ViolationState,
} from '../../../src/engine';
import { readRulesetDir } from '../../../src/rulesets/ruleset-files';
import { businessRule, ruleset, violationRule } from '../engine/helpers';

const seed = compileRuleset(readRulesetDir(path.resolve(__dirname, '../../../rulesets/ccc-access')).content);
/** What the log stores: canonical JSON through a jsonb round trip. */
const stored = (value: unknown) => JSON.parse(canonicalJson(value));

const AT = '2024-06-30T12:00:00.000Z';
const violationState: ViolationState = {
  at: AT,
  enterprise: { id: 'e1', status: 'ACTIVE', seriousViolationCount: 0, violationCount: 0 },
  priorViolations: [],
};
const violationInput = (behavior: string): ViolationInput => ({ enterpriseId: 'e1', behavior, verified: true, actualBusiness: null });

/** A decision as the log holds it: logged input and state, and the output the version in effect gave. */
function logApplication(
  compiled: CompiledRuleset,
  id: string,
  description: string,
  finalAnswer?: FinalAnswer,
  industry: string | null = null,
): ReplayableRecord {
  const input: NumberApplicationInput = { enterpriseId: null, industry, scenario: null, description, callDirection: null, facts: null };
  const state = { enterprise: null };
  return {
    id,
    kind: 'NUMBER_APPLICATION',
    input: stored(input),
    state: stored(state),
    output: stored(evaluateNumberApplication(compiled, input, state)),
    finalAnswer,
  };
}

function logViolation(compiled: CompiledRuleset, id: string, behavior: string): ReplayableRecord {
  const input = violationInput(behavior);
  return {
    id,
    kind: 'RECORDED_VIOLATION',
    input: stored(input),
    state: stored(violationState),
    output: stored(evaluateViolation(compiled, input, violationState)),
  };
}

const harassmentOnly = compileRuleset(
  ruleset({ violationRules: [violationRule({ key: 'harassment', behavior: 'HARASSMENT_COMPLAINT', severity: 'SERIOUS' })] }),
);
const fraudOnly = compileRuleset(ruleset({ violationRules: [violationRule({ key: 'fraud', behavior: 'FRAUD_COMPLAINT', severity: 'CRITICAL' })] }));

describe('reevaluate', () => {
  it('gives a violation whose behaviour the version no longer knows an error output naming the behaviour and the known ones', () => {
    expect(reevaluate('RECORDED_VIOLATION', fraudOnly, violationInput('HARASSMENT_COMPLAINT'), violationState)).toEqual({
      error: 'unknown violation behaviour "HARASSMENT_COMPLAINT"; known behaviours: FRAUD_COMPLAINT',
    });
  });

  it('lets any other engine failure through instead of logging it as an output', () => {
    expect(() => reevaluate('RECORDED_VIOLATION', harassmentOnly, violationInput('HARASSMENT_COMPLAINT'), { ...violationState, at: 'yesterday' })).toThrow(
      InvalidEvaluationInputError,
    );
  });
});

describe('replayAgainst', () => {
  it('finds a decision replayed against the version that made it identical, with no differences', () => {
    const record = logApplication(seed, 'd-1', '我们是信用卡中心，提醒客户还款');
    expect(replayAgainst(record, { compiled: seed, againstVersion: 3 })).toEqual({
      decisionId: 'd-1',
      againstVersion: 3,
      identical: true,
      original: record.output,
      replayed: record.output,
      differences: [],
      engineSemantics: seed.semantics,
    });
  });

  it('finds a decision the candidate decides otherwise not identical, and names what changed', () => {
    const allowing = compileRuleset(ruleset({ businessRules: [businessRule({ key: 'logistics', keywords: ['快递'], effect: 'ALLOW' })] }));
    const rejecting = compileRuleset(ruleset({ businessRules: [businessRule({ key: 'logistics', keywords: ['快递'], effect: 'REJECT' })] }));
    const result = replayAgainst(logApplication(allowing, 'd-2', '快递到达通知'), { compiled: rejecting, againstVersion: null });
    expect(result).toMatchObject({ decisionId: 'd-2', againstVersion: null, identical: false });
    expect(result.differences).toEqual(['decision ALLOW -> REJECT', 'match logistics effect ALLOW -> REJECT']);
  });

  it('replays a violation whose behaviour the candidate no longer knows as an error output, with what it loses', () => {
    const result = replayAgainst(logViolation(harassmentOnly, 'v-1', 'HARASSMENT_COMPLAINT'), { compiled: fraudOnly, againstVersion: 2 });
    expect(result.identical).toBe(false);
    expect(result.replayed).toEqual({ error: 'unknown violation behaviour "HARASSMENT_COMPLAINT"; known behaviours: FRAUD_COMPLAINT' });
    expect(result.differences).toEqual([
      'replay failed: unknown violation behaviour "HARASSMENT_COMPLAINT"; known behaviours: FRAUD_COMPLAINT',
      'severity SERIOUS -> none',
      'action -WARNING',
      'match -harassment',
    ]);
  });
});

/**
 * The version in effect and a candidate that decides four kinds of description otherwise:
 * alpha ALLOW -> REJECT, beta REJECT -> ALLOW, gamma and delta gain a rule (REVIEW -> REJECT,
 * REVIEW -> ALLOW), omega loses its rule but stays REVIEW, anything else stays REVIEW.
 */
const inEffect = compileRuleset(
  ruleset({
    businessRules: [
      businessRule({ key: 'z.alpha', keywords: ['alpha'], effect: 'ALLOW' }),
      businessRule({ key: 'm.beta', keywords: ['beta'], effect: 'REJECT' }),
      businessRule({ key: 'x.omega', keywords: ['omega'], effect: 'REVIEW' }),
    ],
  }),
);
const candidate = compileRuleset(
  ruleset({
    businessRules: [
      businessRule({ key: 'z.alpha', keywords: ['alpha'], effect: 'REJECT' }),
      businessRule({ key: 'm.beta', keywords: ['beta'], effect: 'ALLOW' }),
      businessRule({ key: 'c.gamma', keywords: ['gamma'], effect: 'REJECT' }),
      businessRule({ key: 'd.delta', keywords: ['delta'], effect: 'ALLOW' }),
    ],
  }),
);
/** In this order, so that neither transitions nor rules are first seen in the order the report lists them. */
const window = (): ReplayableRecord[] => [
  logApplication(inEffect, 'a-1', 'alpha', 'REJECTED'),
  logApplication(inEffect, 'g-1', 'gamma'),
  logApplication(inEffect, 'd-1', 'delta'),
  logApplication(inEffect, 'b-1', 'beta', 'REJECTED'),
  logApplication(inEffect, 'a-2', 'alpha', 'APPROVED'),
  logApplication(inEffect, 'o-1', 'omega'),
  logApplication(inEffect, 'n-1', 'nothing', 'APPROVED'),
];

function tallied(records: ReplayableRecord[], mayReadLog: boolean, sampleSize: number, compiled = candidate) {
  const tally = new ImpactTally({ compiled, againstVersion: 4 }, mayReadLog, sampleSize);
  for (const record of records) tally.add(record);
  return { count: tally.count, report: tally.report() };
}

describe('ImpactTally', () => {
  it('counts every replayed decision, and as changed those whose outcome differs', () => {
    const { count, report } = tallied(window(), true, 10);
    expect(count).toBe(7);
    expect(report.evaluated).toBe(7);
    expect(report.changed).toBe(5);
  });

  it('lists the outcome transitions most frequent first, then by from and to outcome', () => {
    expect(tallied(window(), true, 10).report.transitions).toEqual([
      { from: 'ALLOW', to: 'REJECT', count: 2 },
      { from: 'REJECT', to: 'ALLOW', count: 1 },
      { from: 'REVIEW', to: 'ALLOW', count: 1 },
      { from: 'REVIEW', to: 'REJECT', count: 1 },
    ]);
  });

  it('counts per rule the decisions it matched as logged and under the candidate, in rule key order', () => {
    expect(tallied(window(), true, 10).report.rules).toEqual([
      { ruleKey: 'c.gamma', matchedBefore: 0, matchedAfter: 1 },
      { ruleKey: 'd.delta', matchedBefore: 0, matchedAfter: 1 },
      { ruleKey: 'm.beta', matchedBefore: 1, matchedAfter: 1 },
      { ruleKey: 'x.omega', matchedBefore: 1, matchedAfter: 0 },
      { ruleKey: 'z.alpha', matchedBefore: 2, matchedAfter: 2 },
    ]);
  });

  it("counts a signal's rule as matched like a match's", () => {
    const flagging = compileRuleset(ruleset({ businessRules: [businessRule({ key: 'flag.alpha', keywords: ['alpha'], effect: 'FLAG', weight: 2 })] }));
    const { report } = tallied([logApplication(inEffect, 'a-1', 'alpha')], true, 10, flagging);
    expect(report.rules).toEqual([
      { ruleKey: 'flag.alpha', matchedBefore: 0, matchedAfter: 1 },
      { ruleKey: 'z.alpha', matchedBefore: 1, matchedAfter: 0 },
    ]);
  });

  it('counts a rule once per decision when it both matched and raised a signal', () => {
    // The description names a finance rule while the declared industry is medicine: the rule matches and its contradiction is signalled.
    const declaring = compileRuleset(
      ruleset({
        businessRules: [
          businessRule({ key: 'finance.loan', industry: '金融', keywords: ['loan'], effect: 'ALLOW' }),
          businessRule({ key: 'medical.clinic', industry: '医疗', keywords: ['clinic'], effect: 'ALLOW' }),
        ],
      }),
    );
    const record = logApplication(declaring, 'l-1', 'loan', undefined, '医疗');
    expect(record.output).toMatchObject({ decision: 'REVIEW', matches: [{ ruleKey: 'finance.loan' }], signals: [{ ruleKey: 'finance.loan' }] });
    expect(tallied([record], true, 10, declaring).report.rules).toEqual([{ ruleKey: 'finance.loan', matchedBefore: 1, matchedAfter: 1 }]);
  });

  it('compares both sides with the final answers of the reviewed decisions only', () => {
    // a-1 REJECTED: ALLOW wrong, REJECT right; b-1 REJECTED: REJECT right, ALLOW wrong;
    // a-2 APPROVED: ALLOW right, REJECT wrong; n-1 APPROVED: REVIEW right on both sides.
    expect(tallied(window(), true, 10).report.agreement).toEqual({ reviewed: 4, currentRight: 3, candidateRight: 2 });
  });

  it('samples the first changed decisions up to the sample size, each as a replay result', () => {
    const { samples } = tallied(window(), true, 2).report;
    expect(samples.map((sample) => sample.decisionId)).toEqual(['a-1', 'g-1']);
    expect(samples[0]).toMatchObject({
      againstVersion: 4,
      identical: false,
      differences: ['decision ALLOW -> REJECT', 'match z.alpha effect ALLOW -> REJECT'],
    });
    expect(samples[1].differences).toEqual(['decision REVIEW -> REJECT', 'match +c.gamma', `message "${inEffect.defaultMessage}" -> "message of c.gamma"`]);
  });

  it('gives a role that may not read the log no samples, and the same counts', () => {
    const reader = tallied(window(), true, 10).report;
    const other = tallied(window(), false, 10).report;
    expect(other.samples).toEqual([]);
    expect({ ...other, samples: reader.samples }).toEqual(reader);
  });

  it("shows a candidate of a role that may not read the log the normalised description as the applicant's text", () => {
    const probing = compileRuleset(
      ruleset({
        businessRules: [
          businessRule({ key: 'probe.raw', keywords: [], condition: 'input.rawDescription != input.description' }),
          businessRule({ key: 'loan', keywords: ['loan'] }),
        ],
      }),
    );
    // As typed, neither is its normalised form (loan): full-width letters, a capital.
    const records = [logApplication(inEffect, 'l-1', 'ＬＯＡＮ'), logApplication(inEffect, 'l-2', 'Loan')];
    const rules = (mayReadLog: boolean) => tallied(records, mayReadLog, 10, probing).report.rules;
    expect(rules(true)).toEqual([
      { ruleKey: 'loan', matchedBefore: 0, matchedAfter: 2 },
      { ruleKey: 'probe.raw', matchedBefore: 0, matchedAfter: 2 },
    ]);
    // The keyword still matches the normalised text; the raw text is out of reach, so the probe never matches.
    expect(rules(false)).toEqual([{ ruleKey: 'loan', matchedBefore: 0, matchedAfter: 2 }]);
  });

  it('tallies violations by severity for a role that may not read the log as for one that may, a behaviour the candidate no longer knows as ERROR', () => {
    const records = [logViolation(harassmentOnly, 'v-1', 'HARASSMENT_COMPLAINT'), logViolation(harassmentOnly, 'v-2', 'HARASSMENT_COMPLAINT')];
    for (const mayReadLog of [true, false]) {
      const { report } = tallied(records, mayReadLog, 10, fraudOnly);
      expect(report).toMatchObject({
        evaluated: 2,
        changed: 2,
        transitions: [{ from: 'SERIOUS', to: 'ERROR', count: 2 }],
        rules: [{ ruleKey: 'harassment', matchedBefore: 2, matchedAfter: 0 }],
      });
    }
  });
});
