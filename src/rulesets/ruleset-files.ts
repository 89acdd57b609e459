import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  CUE_KINDS,
  CUE_SIDES,
  DECISIONS,
  VARIANT_KINDS,
  type BusinessRuleContent,
  type CueContent,
  type CueKind,
  type CueSide,
  type VariantContent,
  type VariantKind,
  type EscalationContent,
  type PenaltyActionContent,
  type PenaltyMappingContent,
  type RulesetContent,
  type TestCaseContent,
  type ViolationRuleContent,
} from '../engine/content';
import { readTestCases, TEST_CASES_FILE, testCasesYaml } from './test-case-files';
import { entryName, FieldReader, isYamlMap, readList, readYaml, YamlFile, YamlMap } from './yaml-reader';

/** Content keeps test cases only when there are some, so files without them hash as before. */
const testCasesOf = (testCases: TestCaseContent[]): { testCases?: TestCaseContent[] } => (testCases.length > 0 ? { testCases } : {});

/**
 * A ruleset as human-editable YAML, one directory per ruleset:
 *   ruleset.yaml          key, name, description (optional), makerChecker, defaultDecision, defaultMessage,
 *                         violationsCountAfterReinstatement (optional, default true)
 *   business-rules.yaml   list of business rules     (a missing file: none)
 *   violation-rules.yaml  list of violation rules    (a missing file: none)
 *   penalties.yaml        list of penalty mappings   (a missing file: none)
 *   tests.yaml            list of test cases         (a missing file: none; see test-case-files.ts)
 *   cues.yaml             list of context cues       (a missing file: none)
 *   variants.yaml         list of variant spellings  (a missing file: none)
 *   distinct-words.yaml   list of words with a meaning of their own that contain keywords (a missing file: none)
 * Optional fields (excludeKeywords, condition, source, note, weight, escalation, matchInsideWords, anyContext) may be omitted.
 * Explanations belong in `source` and `note`, not in YAML comments: comments do not survive
 * an export.
 */
export const RULESET_FILE = 'ruleset.yaml';
export const BUSINESS_RULES_FILE = 'business-rules.yaml';
export const VIOLATION_RULES_FILE = 'violation-rules.yaml';
export const PENALTIES_FILE = 'penalties.yaml';
export const CUES_FILE = 'cues.yaml';
export const VARIANTS_FILE = 'variants.yaml';
export const DISTINCT_WORDS_FILE = 'distinct-words.yaml';

export interface RulesetMeta {
  key: string;
  name: string;
  description: string | null;
  makerChecker: boolean;
}

export interface RulesetDir extends RulesetMeta {
  content: RulesetContent;
}

/** The files cannot be read as a ruleset: every problem found, each `file:line:column: what`. */
export class RulesetFileError extends Error {
  readonly name = 'RulesetFileError';
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `${problems.length} problems:\n  ${problems.join('\n  ')}`);
  }
}

/** An optional text kept only when given, so content without it hashes as before it existed. */
function optionalNote(fields: FieldReader): { note?: string } {
  const note = fields.optionalString('note');
  return note === null ? {} : { note };
}

const BUSINESS_RULE_FIELDS = [
  'key',
  'industry',
  'scenario',
  'effect',
  'weight',
  'keywords',
  'excludeKeywords',
  'matchInsideWords',
  'anyContext',
  'condition',
  'message',
  'source',
  'note',
];
const CUE_FIELDS = ['key', 'kind', 'side', 'window', 'words', 'otherSide', 'note'];
const VARIANT_FIELDS = ['variant', 'canonical', 'kind'];
const VIOLATION_RULE_FIELDS = ['key', 'behavior', 'title', 'severity', 'condition', 'source', 'note'];
const PENALTY_FIELDS = ['severity', 'label', 'rank', 'actions', 'message', 'escalation'];
const RULESET_FIELDS = ['key', 'name', 'description', 'makerChecker', 'defaultDecision', 'defaultMessage', 'violationsCountAfterReinstatement'];

function readBusinessRule({ file, entry, index }: { file: YamlFile; entry: YamlMap; index: number }): BusinessRuleContent {
  const fields = new FieldReader(file, [index], entryName(index, entry, 'key'), entry);
  fields.only(BUSINESS_RULE_FIELDS);
  return {
    key: fields.string('key'),
    industry: fields.string('industry'),
    scenario: fields.string('scenario'),
    effect: fields.effect('effect'),
    keywords: fields.strings('keywords', true),
    excludeKeywords: fields.strings('excludeKeywords', true),
    condition: fields.optionalString('condition'),
    message: fields.string('message'),
    source: fields.optionalString('source'),
    ...optionalNote(fields),
    ...(entry.matchInsideWords === undefined ? {} : { matchInsideWords: fields.strings('matchInsideWords') }),
    ...(entry.anyContext === undefined || !fields.boolean('anyContext') ? {} : { anyContext: true }),
    ...optionalWeight(fields),
  };
}

function oneOf<T extends string>(fields: FieldReader, field: string, allowed: readonly T[], problem: (message: string) => void): T {
  const value = fields.string(field);
  if (!allowed.includes(value as T)) problem(`${field}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

function readCue({ file, entry, index }: { file: YamlFile; entry: YamlMap; index: number }): CueContent {
  const where = entryName(index, entry, 'key');
  const fields = new FieldReader(file, [index], where, entry);
  fields.only(CUE_FIELDS);
  const problem = (message: string) => file.problem([index], `${where}.${message}`);
  return {
    key: fields.string('key'),
    kind: oneOf<CueKind>(fields, 'kind', CUE_KINDS, problem),
    side: oneOf<CueSide>(fields, 'side', CUE_SIDES, problem),
    window: fields.integer('window'),
    words: fields.strings('words'),
    ...(entry.otherSide === undefined ? {} : { otherSide: fields.strings('otherSide') }),
    ...optionalNote(fields),
  };
}

function readVariant({ file, entry, index }: { file: YamlFile; entry: YamlMap; index: number }): VariantContent {
  const where = entryName(index, entry, 'variant');
  const fields = new FieldReader(file, [index], where, entry);
  fields.only(VARIANT_FIELDS);
  return {
    variant: fields.string('variant'),
    canonical: fields.string('canonical'),
    kind: oneOf<VariantKind>(fields, 'kind', VARIANT_KINDS, (message) => file.problem([index], `${where}.${message}`)),
  };
}

function readDistinctWords(dir: string, problems: string[]): string[] {
  const yamlFile = readYaml(dir, DISTINCT_WORDS_FILE, true, problems);
  if (!yamlFile || !yamlFile.parsed || yamlFile.value === null || yamlFile.value === undefined) return [];
  if (Array.isArray(yamlFile.value) && yamlFile.value.every((word) => typeof word === 'string')) return [...(yamlFile.value as string[])];
  yamlFile.problem([], 'expected a list of strings at the top level');
  return [];
}

/** Context vocabulary is kept only when there is some, so files without it hash as before. */
function contextVocabularyOf(
  cues: CueContent[],
  variants: VariantContent[],
  distinctWords: string[],
): Pick<RulesetContent, 'cues' | 'variants' | 'distinctWords'> {
  return {
    ...(cues.length > 0 ? { cues } : {}),
    ...(variants.length > 0 ? { variants } : {}),
    ...(distinctWords.length > 0 ? { distinctWords } : {}),
  };
}

/** A FLAG rule's weight, kept only when given, so content without flags hashes as before they existed. */
function optionalWeight(fields: FieldReader): { weight?: number } {
  const weight = fields.optionalInteger('weight');
  return weight === null ? {} : { weight };
}

function readViolationRule({ file, entry, index }: { file: YamlFile; entry: YamlMap; index: number }): ViolationRuleContent {
  const fields = new FieldReader(file, [index], entryName(index, entry, 'key'), entry);
  fields.only(VIOLATION_RULE_FIELDS);
  return {
    key: fields.string('key'),
    behavior: fields.string('behavior'),
    title: fields.string('title'),
    severity: fields.string('severity'),
    condition: fields.optionalString('condition'),
    source: fields.optionalString('source'),
    ...optionalNote(fields),
  };
}

function readPenalty({ file, entry, index }: { file: YamlFile; entry: YamlMap; index: number }): PenaltyMappingContent {
  const where = entryName(index, entry, 'severity');
  const fields = new FieldReader(file, [index], where, entry);
  fields.only(PENALTY_FIELDS);
  const actions = fields.maps('actions').map((action, i): PenaltyActionContent => {
    const actionFields = new FieldReader(file, [index, 'actions', i], `${where}.actions[${i}]`, action);
    actionFields.only(['code', 'label']);
    return { code: actionFields.string('code'), label: actionFields.string('label') };
  });
  const escalationMap = fields.optionalMap('escalation');
  let escalation: EscalationContent | null = null;
  if (escalationMap !== null) {
    const escalationFields = new FieldReader(file, [index, 'escalation'], `${where}.escalation`, escalationMap);
    escalationFields.only(['count', 'withinDays', 'toSeverity']);
    escalation = {
      count: escalationFields.integer('count'),
      withinDays: escalationFields.integer('withinDays'),
      toSeverity: escalationFields.string('toSeverity'),
    };
  }
  return {
    severity: fields.string('severity'),
    label: fields.string('label'),
    rank: fields.integer('rank'),
    actions,
    message: fields.string('message'),
    escalation,
  };
}

/**
 * Reads and shape-checks a ruleset directory, reporting every problem of every file at
 * once (RulesetFileError). Semantic checks are validateContent's job.
 */
export function readRulesetDir(dir: string): RulesetDir {
  const problems: string[] = [];
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new RulesetFileError([`${dir}: no such directory`]);
  const rulesetFile = readYaml(dir, RULESET_FILE, false, problems);
  let top: YamlMap = {};
  if (rulesetFile?.parsed && rulesetFile.value !== null) {
    if (isYamlMap(rulesetFile.value)) top = rulesetFile.value;
    else rulesetFile.problem([], 'expected a mapping at the top level');
  }
  const fields = rulesetFile?.parsed ? new FieldReader(rulesetFile, [], '', top) : null;
  fields?.only(RULESET_FIELDS);
  const result: RulesetDir = {
    key: fields?.string('key') ?? '',
    name: fields?.string('name') ?? '',
    description: fields?.optionalString('description') ?? null,
    makerChecker: fields?.boolean('makerChecker') ?? false,
    content: {
      defaultDecision: fields?.decision('defaultDecision') ?? DECISIONS[0],
      defaultMessage: fields?.string('defaultMessage') ?? '',
      businessRules: readList(dir, BUSINESS_RULES_FILE, problems).map(readBusinessRule),
      violationRules: readList(dir, VIOLATION_RULES_FILE, problems).map(readViolationRule),
      penalties: readList(dir, PENALTIES_FILE, problems).map(readPenalty),
      ...testCasesOf(readTestCases(dir, problems)),
      ...(top.violationsCountAfterReinstatement === undefined || !fields
        ? {}
        : { violationsCountAfterReinstatement: fields.boolean('violationsCountAfterReinstatement') }),
      ...contextVocabularyOf(
        readList(dir, CUES_FILE, problems).map(readCue),
        readList(dir, VARIANTS_FILE, problems).map(readVariant),
        readDistinctWords(dir, problems),
      ),
    },
  };
  if (problems.length > 0) throw new RulesetFileError(problems);
  return result;
}

/** Drops optional fields at their default so that written files stay as terse as hand-written ones. */
function withoutDefaults(entry: object): YamlMap {
  const result: YamlMap = {};
  for (const [field, value] of Object.entries(entry)) {
    if (value === null || value === undefined || (Array.isArray(value) && value.length === 0 && field === 'excludeKeywords')) continue;
    result[field] = value;
  }
  return result;
}

function writeYaml(dir: string, file: string, value: unknown): void {
  fs.writeFileSync(path.join(dir, file), YAML.stringify(value, { lineWidth: 0 }), 'utf8');
}

/** Writes the layout readRulesetDir reads; write -> read returns identical content. */
export function writeRulesetDir(dir: string, meta: RulesetMeta, content: RulesetContent): void {
  fs.mkdirSync(dir, { recursive: true });
  writeYaml(
    dir,
    RULESET_FILE,
    withoutDefaults({
      key: meta.key,
      name: meta.name,
      description: meta.description,
      makerChecker: meta.makerChecker,
      defaultDecision: content.defaultDecision,
      defaultMessage: content.defaultMessage,
      // Written only when it differs from the default, as the content keeps it.
      violationsCountAfterReinstatement: content.violationsCountAfterReinstatement,
    }),
  );
  writeYaml(dir, BUSINESS_RULES_FILE, content.businessRules.map(withoutDefaults));
  writeYaml(dir, VIOLATION_RULES_FILE, content.violationRules.map(withoutDefaults));
  writeYaml(dir, PENALTIES_FILE, content.penalties.map(withoutDefaults));
  if (content.testCases?.length) writeYaml(dir, TEST_CASES_FILE, testCasesYaml(content.testCases));
  else fs.rmSync(path.join(dir, TEST_CASES_FILE), { force: true });
  const optionalList = (file: string, list: unknown[] | undefined) =>
    list?.length
      ? writeYaml(
          dir,
          file,
          list.map((entry) => (typeof entry === 'string' ? entry : withoutDefaults(entry as object))),
        )
      : fs.rmSync(path.join(dir, file), { force: true });
  optionalList(CUES_FILE, content.cues);
  optionalList(VARIANTS_FILE, content.variants);
  optionalList(DISTINCT_WORDS_FILE, content.distinctWords);
}
