import path from 'node:path';
import fs from 'node:fs';
import YAML from 'yaml';
import { compileRuleset, evaluateNumberApplication, type Decision } from '../../../src/engine';
import { readRulesetDir } from '../../../src/rulesets/ruleset-files';

/**
 * Measures the seed ruleset against labelled, realistic application descriptions and
 * prints the figures with every misclassification.
 *
 * - applications.yaml: written before the seed rules, then used to tune them.
 * - applications-holdout.yaml: written by someone who had not read the rules; its first
 *   measurement was 90.6%, and its misses were then used for one round of tuning, so it
 *   too is optimistic now. A fresh sample after tuning scored about 79%.
 * - applications-fresh.yaml: a third sample of deliberately indirect descriptions, written without
 *   reading the rules or the other two sets; its first measurement was 92.2% (15 missed, 3 wrong
 *   rule), and those misses were then used for one round of vocabulary-class and co-occurrence
 *   (`*-context`) tuning, so it is now optimistic as well: the next check needs a fourth sample.
 *
 * An expected `rules` entry is a rule key or an industry prefix (`decoration` accepts any
 * `decoration.*` rule); a rule key also accepts the other rules of its table row (the row's
 * `*-context` co-occurrence rules); a REJECT without `rules` accepts any rejecting rule.
 */
interface LabelledApplication {
  text: string;
  industry?: string;
  scenario?: string;
  expect: Decision;
  rules?: string[];
  /** Sets written for issue 17 name the difficulty class of every description (history, negation, jargon, ...). */
  class?: string;
}

const SEED_DIR = path.resolve(__dirname, '../../../rulesets/ccc-access');
const FIXTURES = path.resolve(__dirname, '../../fixtures');
const REQUIRED_ACCURACY = 0.95;
/** For the untuned sample: a floor against regressions, not a target to tune towards. */
const UNTUNED_FLOOR = 0.9;
/** hard-1 was tuned on after its first measurement: a floor against regressions. */
const HARD_1_FLOOR = 0.88;
/**
 * hard-2 (529 descriptions, 376 of them hard, by the same independent writer as hard-1) was
 * measured once when it entered the project on 2026-12-03: 84.7% (false-reject rate 18.2%,
 * missed-reject rate 12.7%; 70.7% under semantics 1). Issue 17's target is 95% and a
 * false-reject rate of at most 2%: not met. This floor only guards against regressions; the
 * set must not be used for tuning (the next honest check needs a new set).
 */
const HARD_2_FLOOR = 0.82;
const compiled = compileRuleset(readRulesetDir(SEED_DIR).content);

// A rule of the same table row (industry and scenario), e.g. the row's `*-context` rule, counts as the row.
const rowOf = new Map(compiled.businessRules.map((rule) => [rule.key, `${rule.industry}/${rule.scenario}`]));
const satisfied = (expected: string, matched: string[]) =>
  matched.some((key) => key === expected || key.startsWith(`${expected}.`) || (rowOf.has(expected) && rowOf.get(key) === rowOf.get(expected)));

interface Tally {
  descriptions: number;
  prohibited: number;
  falseRejects: number;
  missedRejects: number;
  wrongRule: number;
}

const emptyTally = (): Tally => ({ descriptions: 0, prohibited: 0, falseRejects: 0, missedRejects: 0, wrongRule: 0 });
const percent = (part: number, whole: number) => (whole === 0 ? '-' : `${((part / whole) * 100).toFixed(1)}%`);

/** accuracy | false-reject rate (wrong REJECTs / legitimate) | missed-reject rate (missed REJECTs / prohibited) */
function figures(tally: Tally): string {
  const legitimate = tally.descriptions - tally.prohibited;
  const misclassified = tally.falseRejects + tally.missedRejects + tally.wrongRule;
  return [
    `${tally.descriptions} (${tally.prohibited} prohibited, ${legitimate} legitimate)`,
    `accuracy ${percent(tally.descriptions - misclassified, tally.descriptions)}`,
    `false-reject rate ${percent(tally.falseRejects, legitimate)} (${tally.falseRejects})`,
    `missed-reject rate ${percent(tally.missedRejects, tally.prohibited)} (${tally.missedRejects})`,
    `wrong rule ${tally.wrongRule}`,
  ].join(' | ');
}

interface Measurement {
  accuracy: number;
  falseRejectRate: number;
}

function measure(name: string, file: string): Measurement {
  const applications = YAML.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as LabelledApplication[];
  const total = emptyTally();
  const byClass = new Map<string, Tally>();
  const lines: string[] = [];
  for (const application of applications) {
    const outcome = evaluateNumberApplication(
      compiled,
      { description: application.text, industry: application.industry ?? null, scenario: application.scenario ?? null },
      { enterprise: null },
    );
    const matched = outcome.matches.map((match) => match.ruleKey);
    const signalled = (outcome.signals ?? []).map((signal) => `signal ${signal.ruleKey}${signal.cue ? ` (cue ${signal.cue})` : ''}`);
    const line = `${application.class ? `[${application.class}] ` : ''}${application.text}  ->  ${outcome.decision} [${[...matched, ...signalled].join(', ')}]`;
    const tallies = [total];
    if (application.class !== undefined) {
      if (!byClass.has(application.class)) byClass.set(application.class, emptyTally());
      tallies.push(byClass.get(application.class)!);
    }
    let kind: keyof Tally | null = null;
    if (application.expect === 'REJECT' && outcome.decision !== 'REJECT') kind = 'missedRejects';
    else if (application.expect !== 'REJECT' && outcome.decision === 'REJECT') kind = 'falseRejects';
    else if (application.expect === 'REJECT' && !(application.rules ?? []).every((rule) => satisfied(rule, matched))) kind = 'wrongRule';
    for (const tally of tallies) {
      tally.descriptions++;
      if (application.expect === 'REJECT') tally.prohibited++;
      if (kind !== null) tally[kind]++;
    }
    if (kind === 'falseRejects') lines.push(`FALSE REJECT: ${line}`);
    else if (kind === 'missedRejects') lines.push(`MISSED: ${line}`);
    else if (kind === 'wrongRule') lines.push(`WRONG RULE: ${line}  (expected ${(application.rules ?? []).join(', ')})`);
  }
  console.log(
    [
      `${name} | ${file}`,
      `all         | ${figures(total)}`,
      ...[...byClass].sort(([a], [b]) => (a < b ? -1 : 1)).map(([kind, tally]) => `${kind.padEnd(11)} | ${figures(tally)}`),
      ...lines,
    ].join('\n'),
  );
  const misclassified = total.falseRejects + total.missedRejects + total.wrongRule;
  return {
    accuracy: (total.descriptions - misclassified) / total.descriptions,
    falseRejectRate: total.falseRejects / Math.max(1, total.descriptions - total.prohibited),
  };
}

/** Sets named here have their own floors; any other applications-*.yaml (a new blind set) is measured against UNTUNED_FLOOR. */
const KNOWN_SETS = new Set([
  'applications.yaml',
  'applications-holdout.yaml',
  'applications-fresh.yaml',
  'applications-blind.yaml',
  'applications-blind-2.yaml',
  'applications-blind-3.yaml',
  'applications-hard-1.yaml',
  'applications-hard-2.yaml',
]);
const otherSets = fs
  .readdirSync(FIXTURES)
  .filter((file) => /^applications-.*\.yaml$/.test(file) && !KNOWN_SETS.has(file))
  .sort();

describe('the seed ruleset on labelled application descriptions', () => {
  it(`classifies at least ${REQUIRED_ACCURACY * 100}% of the labelled set correctly`, () => {
    expect(measure('labelled set ', 'applications.yaml').accuracy).toBeGreaterThanOrEqual(REQUIRED_ACCURACY);
  });

  it(`classifies at least ${REQUIRED_ACCURACY * 100}% of the held-out set correctly`, () => {
    expect(measure('held-out set ', 'applications-holdout.yaml').accuracy).toBeGreaterThanOrEqual(REQUIRED_ACCURACY);
  });

  it(`classifies at least ${REQUIRED_ACCURACY * 100}% of the fresh set correctly`, () => {
    expect(measure('fresh set    ', 'applications-fresh.yaml').accuracy).toBeGreaterThanOrEqual(REQUIRED_ACCURACY);
  });

  it(`classifies at least ${REQUIRED_ACCURACY * 100}% of the blind set correctly`, () => {
    expect(measure('blind set    ', 'applications-blind.yaml').accuracy).toBeGreaterThanOrEqual(REQUIRED_ACCURACY);
  });

  it(`classifies at least ${REQUIRED_ACCURACY * 100}% of the third blind set correctly`, () => {
    expect(measure('blind set 3  ', 'applications-blind-3.yaml').accuracy).toBeGreaterThanOrEqual(REQUIRED_ACCURACY);
  });

  it(`classifies at least ${UNTUNED_FLOOR * 100}% of the untuned second blind set correctly (not tuned on: the honest figure)`, () => {
    expect(measure('blind set 2 (UNTUNED, never used for tuning)', 'applications-blind-2.yaml').accuracy).toBeGreaterThanOrEqual(UNTUNED_FLOOR);
  });

  it('measures the hard set of issue 17 (hard-1: measured once before the context work, then used for tuning)', () => {
    const { accuracy } = measure('hard set 1 (TUNED ON after its first measurement)', 'applications-hard-1.yaml');
    expect(accuracy).toBeGreaterThanOrEqual(HARD_1_FLOOR);
  });

  it('measures the second hard set of issue 17 (hard-2: nobody tuned on it; the honest figure for hard descriptions)', () => {
    const { accuracy } = measure('hard set 2 (UNTUNED, never used for tuning)', 'applications-hard-2.yaml');
    expect(accuracy).toBeGreaterThanOrEqual(HARD_2_FLOOR);
  });

  // A blind set added later (hard-2 is kept outside the project until the lead measures it) gets its test by being there.
  for (const file of otherSets) {
    it(`measures ${file}, a set nobody tuned on, against the untuned floor (${UNTUNED_FLOOR * 100}%)`, () => {
      expect(measure('untuned set', file).accuracy).toBeGreaterThanOrEqual(UNTUNED_FLOOR);
    });
  }
});
