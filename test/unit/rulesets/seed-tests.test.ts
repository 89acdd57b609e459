import path from 'node:path';
import { compileRuleset, evaluateNumberApplication, runTestCases, validateContent } from '../../../src/engine';
import { readRulesetDir } from '../../../src/rulesets/ruleset-files';

const { content } = readRulesetDir(path.resolve(__dirname, '../../../rulesets/ccc-access'));

describe("the seed ruleset's own test cases (rulesets/ccc-access/tests.yaml)", () => {
  it('are well-formed and all pass, so the seed publishes', () => {
    expect(validateContent(content)).toEqual([]);
    const report = runTestCases(compileRuleset(content), content);
    expect(report.results.filter((result) => !result.passed)).toEqual([]);
  });

  it('exercise every business rule (policy row) and every violation behaviour at least once', () => {
    const report = runTestCases(compileRuleset(content), content);
    expect(report.uncoveredRuleKeys).toEqual([]);
    const behaviours = new Set(content.violationRules.map((rule) => rule.behavior));
    const tested = new Set((content.testCases ?? []).flatMap((testCase) => (testCase.violation ? [testCase.violation.behavior] : [])));
    expect([...behaviours].filter((behaviour) => !tested.has(behaviour))).toEqual([]);
  });

  it('exercise every context cue: some case of each is a REVIEW with a signal naming the cue', () => {
    const compiled = compileRuleset(content);
    const signalled = new Set(
      (content.testCases ?? []).flatMap((testCase) => {
        if (!testCase.application || testCase.expectedDecision !== 'REVIEW') return [];
        const outcome = evaluateNumberApplication(compiled, testCase.application, { enterprise: null });
        return (outcome.signals ?? []).flatMap((signal) => (signal.cue ? [signal.cue] : []));
      }),
    );
    expect((content.cues ?? []).map((cue) => cue.key).filter((key) => !signalled.has(key))).toEqual([]);
  });
});
