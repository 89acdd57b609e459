import { RequestContext } from '../common/request-context';
import { compileRuleset, RulesetContent, runTestCases, TestReport } from '../engine';

/**
 * Runs a version's test cases. The server runs them on a replay worker (a draft's conditions
 * and number of cases are its editor's choice, so they must not hold the request thread); the
 * command-line tools, which serve nobody else, run them in place.
 */
export type TestCaseRunner = (context: RequestContext, content: RulesetContent) => Promise<TestReport>;

export const runTestCasesInPlace: TestCaseRunner = async (_context, content) => runTestCases(compileRuleset(content), content);
