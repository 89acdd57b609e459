import path from 'node:path';
import fs from 'node:fs';
import YAML from 'yaml';
import { compileRuleset, evaluateNumberApplication, type Decision } from '../../../src/engine';
import { readRulesetDir } from '../../../src/rulesets/ruleset-files';

/**
 * Measures the seed ruleset against labelled, realistic application descriptions.
 * Prints the figures and every misclassification; fails below 95% accuracy.
 */
interface LabelledApplication {
  text: string;
  industry?: string;
  scenario?: string;
  expect: Decision;
  rules?: string[];
}

const SEED_DIR = path.resolve(__dirname, '../../../rulesets/ccc-access');
const FIXTURES = path.resolve(__dirname, '../../fixtures/applications.yaml');
const REQUIRED_ACCURACY = 0.95;

describe('the seed ruleset on the labelled application set', () => {
  const compiled = compileRuleset(readRulesetDir(SEED_DIR).content);
  const applications = YAML.parse(fs.readFileSync(FIXTURES, 'utf8')) as LabelledApplication[];

  it(`classifies at least ${REQUIRED_ACCURACY * 100}% of realistic descriptions correctly`, () => {
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
      else if (application.expect === 'REJECT' && !(application.rules ?? []).every((key) => matched.includes(key))) {
        wrongRule.push(`${line}  (expected ${(application.rules ?? []).join(', ')})`);
      }
    }
    const rejects = applications.filter((application) => application.expect === 'REJECT').length;
    const misclassified = falseRejects.length + missedRejects.length + wrongRule.length;
    const accuracy = (applications.length - misclassified) / applications.length;
    console.log(
      [
        'labelled set | count',
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
