import type { Decision, TestApplicationContent, TestCaseContent, TestStandingContent, TestViolationContent } from '../engine/content';
import { entryName, FieldReader, readList, YamlFile, YamlMap } from './yaml-reader';

/**
 * A ruleset's test cases as `tests.yaml` (optional file; missing means none):
 *   - key: loan-ad
 *     application: { description: 我们做贷款推广, industry?, scenario?, callDirection?, facts? }
 *     enterprise: { status: OFFLINE, violationCount: 1, seriousViolationCount: 0 }   # optional
 *     expectedDecision: REJECT
 *     expectedRuleKeys: [finance.loan]                                              # optional
 *   - key: fraud-verified
 *     violation: { behavior: FRAUD_COMPLAINT, verified: true, at: 2026-01-01T00:00:00Z,
 *                  declaredBusiness?, actualBusiness?, facts?, priorViolations?: [{ severity, at }] }
 *     expectedSeverity: CRITICAL                                                     # omitted: no penalty
 */
export const TEST_CASES_FILE = 'tests.yaml';

const TEST_CASE_FIELDS = ['key', 'application', 'violation', 'enterprise', 'expectedDecision', 'expectedSeverity', 'expectedRuleKeys'];
const APPLICATION_FIELDS = ['description', 'industry', 'scenario', 'callDirection', 'facts'];
const VIOLATION_FIELDS = ['behavior', 'verified', 'declaredBusiness', 'actualBusiness', 'facts', 'at', 'priorViolations'];
const STANDING_FIELDS = ['status', 'violationCount', 'seriousViolationCount'];

/** YAML reads an unquoted ISO time as text; a Date (from a quoted-less timestamp tag) is accepted too. */
function isoTime(fields: FieldReader, map: YamlMap, field: string): string {
  const value = map[field];
  if (value instanceof Date) return value.toISOString();
  const text = fields.string(field);
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? text : time.toISOString();
}

function readApplication(file: YamlFile, at: (string | number)[], where: string, map: YamlMap): TestApplicationContent {
  const fields = new FieldReader(file, at, where, map);
  fields.only(APPLICATION_FIELDS);
  const callDirection = fields.optionalString('callDirection');
  return {
    description: fields.string('description'),
    industry: fields.optionalString('industry'),
    scenario: fields.optionalString('scenario'),
    callDirection: callDirection === 'INBOUND' || callDirection === 'OUTBOUND' ? callDirection : null,
    facts: fields.optionalMap('facts'),
  };
}

function readViolation(file: YamlFile, at: (string | number)[], where: string, map: YamlMap): TestViolationContent {
  const fields = new FieldReader(file, at, where, map);
  fields.only(VIOLATION_FIELDS);
  const priors = map.priorViolations === undefined ? [] : fields.maps('priorViolations');
  return {
    behavior: fields.string('behavior'),
    verified: fields.boolean('verified'),
    declaredBusiness: fields.optionalString('declaredBusiness'),
    actualBusiness: fields.optionalString('actualBusiness'),
    facts: fields.optionalMap('facts'),
    at: isoTime(fields, map, 'at'),
    priorViolations: priors.map((prior, index) => {
      const priorFields = new FieldReader(file, [...at, 'priorViolations', index], `${where}.priorViolations[${index}]`, prior);
      return { severity: priorFields.string('severity'), at: isoTime(priorFields, prior, 'at') };
    }),
  };
}

function readStanding(file: YamlFile, at: (string | number)[], where: string, map: YamlMap): TestStandingContent {
  const fields = new FieldReader(file, at, where, map);
  fields.only(STANDING_FIELDS);
  const status = fields.string('status');
  return {
    status: status === 'OFFLINE' ? 'OFFLINE' : 'ACTIVE',
    violationCount: map.violationCount === undefined ? 0 : fields.integer('violationCount'),
    seriousViolationCount: map.seriousViolationCount === undefined ? 0 : fields.integer('seriousViolationCount'),
  };
}

/** The test cases of a ruleset directory; problems are recorded, as for the other files. */
export function readTestCases(dir: string, problems: string[]): TestCaseContent[] {
  return readList(dir, TEST_CASES_FILE, problems).map(({ file, entry, index }) => {
    const where = entryName(index, entry, 'key');
    const fields = new FieldReader(file, [index], where, entry);
    fields.only(TEST_CASE_FIELDS);
    const application = fields.optionalMap('application');
    const violation = fields.optionalMap('violation');
    const enterprise = fields.optionalMap('enterprise');
    const expectedSeverity = fields.optionalString('expectedSeverity');
    return {
      key: fields.string('key'),
      application: application && readApplication(file, [index, 'application'], `${where}.application`, application),
      violation: violation && readViolation(file, [index, 'violation'], `${where}.violation`, violation),
      enterprise: enterprise && readStanding(file, [index, 'enterprise'], `${where}.enterprise`, enterprise),
      expectedDecision: entry.expectedDecision === undefined ? null : (fields.decision('expectedDecision') as Decision),
      expectedSeverity,
      expectedRuleKeys: entry.expectedRuleKeys === undefined ? null : fields.strings('expectedRuleKeys'),
    };
  });
}

/** Leaves out what is null, so a written file reads like a hand-written one. */
function terse(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(terse);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).flatMap(([key, entry]) => (entry === null || entry === undefined ? [] : [[key, terse(entry)]])));
}

/** The test cases as tests.yaml holds them. */
export function testCasesYaml(testCases: TestCaseContent[]): unknown {
  return testCases.map(terse);
}
