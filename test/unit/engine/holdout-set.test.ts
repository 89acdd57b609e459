import path from 'node:path';
import fs from 'node:fs';
import YAML from 'yaml';
import { compileRuleset, evaluateNumberApplication, type Decision } from '../../../src/engine';
import { readRulesetDir } from '../../../src/rulesets/ruleset-files';

/**
 * Measures the seed ruleset against the held-out labelled set: descriptions written
 * before the rules were read and never used to choose keywords, so the figure estimates
 * accuracy on descriptions nobody here has seen. Prints the figures and every
 * misclassification; fails below 90% so that it guards regressions.
 *
 * An expected `rules` entry is a rule key or an industry prefix (`decoration` accepts
 * any `decoration.*` rule); a REJECT without `rules` accepts any rejecting rule.
 */
interface LabelledApplication {
  text: string;
  industry?: string;
  scenario?: string;
  expect: Decision;
  rules?: string[];
}

const SEED_DIR = path.resolve(__dirname, '../../../rulesets/ccc-access');
const FIXTURES = path.resolve(__dirname, '../../fixtures/applications-holdout.yaml');
const REQUIRED_ACCURACY = 0.9;

function satisfied(expected: string, matched: string[]): boolean {
  return matched.some((key) => key === expected || key.startsWith(`${expected}.`));
}

describe('the seed ruleset on the held-out application set', () => {
  const compiled = compileRuleset(readRulesetDir(SEED_DIR).content);
  const applications = YAML.parse(fs.readFileSync(FIXTURES, 'utf8')) as LabelledApplication[];

  it(`classifies at least ${REQUIRED_ACCURACY * 100}% of unseen descriptions correctly`, () => {
    const falseRejects: string[] = [];
    const missedRejects: string[] = [];
    const wrongRule: string[] = [];
    for (const application of applications) {
      const outcome = evaluateNumberApplication(
        compiled,
        { description: application.text, industry: application.industry ?? null, scenario: application.scenario ?? null },
        { enterprise: null },
      );
      const matched = outcome.matches.map((match) => match.ruleKey);
      const line = `${application.text}  ->  ${outcome.decision} [${matched.join(', ')}]`;
      if (application.expect === 'REJECT' && outcome.decision !== 'REJECT') missedRejects.push(line);
      else if (application.expect !== 'REJECT' && outcome.decision === 'REJECT') falseRejects.push(line);
      else if (application.expect === 'REJECT' && !(application.rules ?? []).every((rule) => satisfied(rule, matched))) {
        wrongRule.push(`${line}  (expected ${(application.rules ?? []).join(', ')})`);
      }
    }
    const rejects = applications.filter((application) => application.expect === 'REJECT').length;
    const misclassified = falseRejects.length + missedRejects.length + wrongRule.length;
    const accuracy = (applications.length - misclassified) / applications.length;
    console.log(
      [
        'held-out set | count',
        `descriptions | ${applications.length} (${rejects} prohibited, ${applications.length - rejects} legitimate)`,
        `accuracy     | ${(accuracy * 100).toFixed(1)}%`,
        `false rejects| ${falseRejects.length}`,
        `missed       | ${missedRejects.length}`,
        `wrong rule   | ${wrongRule.length}`,
        ...falseRejects.map((line) => `FALSE REJECT: ${line}`),
        ...missedRejects.map((line) => `MISSED: ${line}`),
        ...wrongRule.map((line) => `WRONG RULE: ${line}`),
      ].join('\n'),
    );
    expect(accuracy).toBeGreaterThanOrEqual(REQUIRED_ACCURACY);
  });
});
