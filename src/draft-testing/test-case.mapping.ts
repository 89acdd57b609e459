import { Issues } from '../common/issues';
import type { TestCaseContent, TestStandingContent } from '../engine';
import { validateApplication, validateViolation } from '../evaluations/input-validation';
import type { TestCaseInput, TestStandingInput, ViolationTestCaseInput } from './test-case.inputs';

const standingOf = (input: TestStandingInput | null | undefined): TestStandingContent | null =>
  input ? { status: input.status, violationCount: input.violationCount, seriousViolationCount: input.seriousViolationCount } : null;

/** An application test case as stored: the input in its canonical, validated form. */
export function toApplicationTestCase(input: TestCaseInput): TestCaseContent {
  const application = validateApplication({ ...input.input, enterpriseId: null });
  return {
    key: input.key,
    application: {
      description: application.description,
      industry: application.industry ?? null,
      scenario: application.scenario ?? null,
      callDirection: application.callDirection ?? null,
      facts: application.facts ?? null,
    },
    violation: null,
    enterprise: standingOf(input.enterprise),
    expectedDecision: input.expectedDecision,
    expectedSeverity: null,
    expectedRuleKeys: input.expectedRuleKeys ?? null,
  };
}

/** A violation test case as stored: times as ISO strings, the report validated as for evaluation. */
export function toViolationTestCase(input: ViolationTestCaseInput): TestCaseContent {
  const issues = new Issues();
  if (Number.isNaN(input.at.getTime())) issues.add('testCase.at', 'is not a valid time');
  (input.priorViolations ?? []).forEach((prior, index) => {
    if (Number.isNaN(prior.at.getTime()) || prior.at > input.at) issues.add(`testCase.priorViolations[${index}].at`, 'must be a valid time before `at`');
  });
  issues.throwIfAny();
  const violation = validateViolation({ ...input.input, enterpriseId: 'test-case', occurredAt: null }, input.at);
  return {
    key: input.key,
    application: null,
    violation: {
      behavior: violation.behavior,
      verified: violation.verified,
      declaredBusiness: violation.declaredBusiness ?? null,
      actualBusiness: violation.actualBusiness ?? null,
      facts: violation.facts ?? null,
      at: input.at.toISOString(),
      priorViolations: (input.priorViolations ?? []).map((prior) => ({ severity: prior.severity, at: prior.at.toISOString() })),
    },
    enterprise: standingOf(input.enterprise),
    expectedDecision: null,
    expectedSeverity: input.expectedSeverity ?? null,
    expectedRuleKeys: input.expectedRuleKeys ?? null,
  };
}
