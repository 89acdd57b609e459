import fc from 'fast-check';
import path from 'node:path';
import { canonicalJson } from '../../../src/common/canonical-json';
import { reevaluate } from '../../../src/decisions/replay-core';
import { compileRuleset, evaluateNumberApplication, evaluateViolation } from '../../../src/engine';
import { readRulesetDir } from '../../../src/rulesets/ruleset-files';
import { propertyRuns } from '../../helpers/property-runs';

const seed = compileRuleset(readRulesetDir(path.resolve(__dirname, '../../../rulesets/ccc-access')).content);
const WORDS = ['催收', '信用卡', '家政', '保洁', '醫院', '预约', '股票', 'ＶＩＰ', '回访', '贷款', '婚恋', '保险柜', ' ', '，', 'abc'];
/** What the log stores: canonical JSON through a jsonb round trip. */
const stored = (value: unknown) => JSON.parse(canonicalJson(value));

const standing = fc.option(
  fc.record({
    id: fc.constant('e1'),
    status: fc.constantFrom('ACTIVE' as const, 'OFFLINE' as const),
    seriousViolationCount: fc.nat(5),
    violationCount: fc.nat(5),
  }),
  { nil: null },
);

describe('replay of logged decisions', () => {
  it('reproduces any application decision exactly from its logged input and state', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 8 }).map((parts) => parts.join('')),
        fc.option(fc.constantFrom('金融', '医疗', '其他'), { nil: null }),
        fc.option(fc.constantFrom('信用卡', '催收催缴'), { nil: null }),
        standing,
        fc.option(fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.integer(), fc.string(), fc.boolean())), { nil: null }),
        (description, industry, scenario, enterprise, facts) => {
          const input = { enterpriseId: enterprise ? 'e1' : null, industry, scenario, description, callDirection: null, facts };
          const state = { enterprise };
          const output = evaluateNumberApplication(seed, input, state);
          const replayed = reevaluate('NUMBER_APPLICATION', seed, stored(input), stored(state));
          expect(canonicalJson(replayed)).toBe(canonicalJson(output));
        },
      ),
      { numRuns: propertyRuns(300) },
    );
  });

  it('reproduces any violation judgement exactly from its logged input and recorded history', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seed.knownBehaviors),
        fc.boolean(),
        fc.option(
          fc.array(fc.constantFrom(...WORDS), { maxLength: 4 }).map((parts) => parts.join('')),
          { nil: null },
        ),
        standing,
        fc.array(
          fc.record({
            severity: fc.constantFrom('SERIOUS', 'CRITICAL'),
            at: fc.integer({ min: 0, max: 10 ** 12 }).map((ms) => new Date(1.7e12 + ms).toISOString()),
          }),
          { maxLength: 5 },
        ),
        (behavior, verified, actualBusiness, enterprise, priorViolations) => {
          const input = { enterpriseId: 'e1', behavior, verified, declaredBusiness: null, actualBusiness, occurredAt: null, facts: null };
          const state = { at: new Date(2.8e12).toISOString(), enterprise, priorViolations };
          const output = evaluateViolation(seed, input, state);
          const replayed = reevaluate('RECORDED_VIOLATION', seed, stored(input), stored(state));
          expect(canonicalJson(replayed)).toBe(canonicalJson(output));
        },
      ),
      { numRuns: propertyRuns(300) },
    );
  });
});
