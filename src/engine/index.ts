/**
 * The pure evaluator: compiled ruleset version + input + caller-supplied state -> outcome.
 * No database, no clock, no randomness: identical arguments give byte-identical outcomes,
 * which is what makes decision replay possible.
 */
export * from './content';
export type * from './types';
export { compileRuleset } from './compile';
export type { CompiledRuleset } from './compile';
export { evaluateNumberApplication, evaluateViolation, UNVERIFIED_MESSAGE, NO_VIOLATION_RULE_MESSAGE } from './evaluate';
export { validateContent } from './validate';
export { failingCaseIssues, runTestCase, runTestCases } from './test-cases';
export type { TestCaseResult, TestReport } from './test-cases';
export { checkCondition, literalProblem } from './conditions';
export type { ConditionCheck, ConditionKind } from './conditions';
export { ENGINE_SEMANTICS, ENGINE_VERSION, normalizeText, semanticsOfEngineVersion } from './semantics';
export { ConditionError, UnknownBehaviorError, InvalidEvaluationInputError, UnknownSemanticsError } from './errors';
