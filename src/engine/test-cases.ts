import { type CompiledRuleset } from './compile';
import type { RulesetContent, TestCaseContent } from './content';
import { evaluateNumberApplication, evaluateViolation } from './evaluate';
import { UnknownBehaviorError } from './errors';
import type { EnterpriseStanding, RuleMatchOutcome, ValidationIssue } from './types';

/** What one test case got, beside what it expected. */
export interface TestCaseResult {
  key: string;
  passed: boolean;
  /** The expected decision (applications) or severity (violations; `NONE` for no penalty). */
  expected: string;
  actual: string;
  expectedRuleKeys: string[] | null;
  matchedRuleKeys: string[];
  /** Why it failed, in words; null when it passed. */
  failure: string | null;
}

export interface TestReport {
  passed: number;
  failed: number;
  results: TestCaseResult[];
  /** Business and violation rules no test case matched: behaviour nothing tests. */
  uncoveredRuleKeys: string[];
}

const TEST_ENTERPRISE_ID = 'test-case';

function standingOf(testCase: TestCaseContent): EnterpriseStanding | null {
  return testCase.enterprise ? { id: TEST_ENTERPRISE_ID, ...testCase.enterprise } : null;
}

/** The outcome's label and matches: the decision of an application, the severity (or NONE) of a violation. */
function decide(compiled: CompiledRuleset, testCase: TestCaseContent): { actual: string; matches: Pick<RuleMatchOutcome, 'ruleKey'>[] } {
  const enterprise = standingOf(testCase);
  if (testCase.application) {
    const input = { ...testCase.application, enterpriseId: enterprise ? TEST_ENTERPRISE_ID : null };
    const outcome = evaluateNumberApplication(compiled, input, { enterprise });
    // A FLAG rule is tested like any rule: a case may expect its signal (on a REVIEW decision).
    const signals = (outcome.signals ?? []).map((signal) => ({ ruleKey: signal.ruleKey }));
    return { actual: outcome.decision, matches: [...outcome.matches, ...signals] };
  }
  const violation = testCase.violation!;
  try {
    const outcome = evaluateViolation(
      compiled,
      { enterpriseId: TEST_ENTERPRISE_ID, ...violation, occurredAt: violation.at },
      { at: violation.at, enterprise, priorViolations: violation.priorViolations },
    );
    return { actual: outcome.severity ?? 'NONE', matches: outcome.matches };
  } catch (error) {
    if (error instanceof UnknownBehaviorError) return { actual: `unknown behaviour ${violation.behavior}`, matches: [] };
    throw error;
  }
}

/** Runs one case: the outcome must be the expected one, and every expected rule key must match. */
export function runTestCase(compiled: CompiledRuleset, testCase: TestCaseContent): TestCaseResult {
  const expected = testCase.application ? (testCase.expectedDecision ?? 'none given') : (testCase.expectedSeverity ?? 'NONE');
  const { actual, matches } = decide(compiled, testCase);
  const matchedRuleKeys = matches.map((match) => match.ruleKey);
  const missing = (testCase.expectedRuleKeys ?? []).filter((key) => !matchedRuleKeys.includes(key));
  const problems = [
    ...(actual === expected ? [] : [`expected ${expected}, got ${actual}`]),
    ...(missing.length === 0 ? [] : [`expected rule(s) ${missing.join(', ')} to match`]),
  ];
  const failure = problems.length === 0 ? null : `${problems.join('; ')} (matched: ${matchedRuleKeys.join(', ') || 'none'})`;
  return { key: testCase.key, passed: failure === null, expected, actual, expectedRuleKeys: testCase.expectedRuleKeys, matchedRuleKeys, failure };
}

/** Runs every test case of the content against its compiled form, and says which rules none of them exercises. */
export function runTestCases(compiled: CompiledRuleset, content: RulesetContent): TestReport {
  const results = (content.testCases ?? []).map((testCase) => runTestCase(compiled, testCase));
  const matched = new Set(results.flatMap((result) => result.matchedRuleKeys));
  const ruleKeys = [...content.businessRules, ...content.violationRules].map((rule) => rule.key);
  const passed = results.filter((result) => result.passed).length;
  return { passed, failed: results.length - passed, results, uncoveredRuleKeys: ruleKeys.filter((key) => !matched.has(key)).sort() };
}

/**
 * The failing test cases of a report, as the problems publishing refuses. Run only on valid
 * content: the test results of content with other problems would say nothing.
 */
export function failingCaseIssues(report: TestReport): ValidationIssue[] {
  return report.results
    .filter((result) => !result.passed)
    .map((result) => ({ path: `testCases[${result.key}]`, message: `test case fails: ${result.failure}` }));
}
