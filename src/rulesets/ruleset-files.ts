import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  DECISIONS,
  type BusinessRuleContent,
  type Decision,
  type EscalationContent,
  type PenaltyActionContent,
  type PenaltyMappingContent,
  type RulesetContent,
  type ViolationRuleContent,
} from '../engine/content';

/**
 * A ruleset as human-editable YAML, one directory per ruleset:
 *   ruleset.yaml          key, name, description, makerChecker, defaultDecision, defaultMessage,
 *                         violationsCountAfterReinstatement (optional, default true)
 *   business-rules.yaml   list of business rules
 *   violation-rules.yaml  list of violation rules
 *   penalties.yaml        list of penalty mappings
 * Optional fields (excludeKeywords, condition, source, escalation) may be omitted.
 */
export const RULESET_FILE = 'ruleset.yaml';
export const BUSINESS_RULES_FILE = 'business-rules.yaml';
export const VIOLATION_RULES_FILE = 'violation-rules.yaml';
export const PENALTIES_FILE = 'penalties.yaml';

export interface RulesetMeta {
  key: string;
  name: string;
  description: string;
  makerChecker: boolean;
}

export interface RulesetDir extends RulesetMeta {
  content: RulesetContent;
}

/** The files do not have the expected shape; the message names file and field. */
export class RulesetFileError extends Error {
  readonly name = 'RulesetFileError';
}

type YamlMap = Record<string, unknown>;

/** Reads typed fields out of one YAML object, naming `file: where.field` in every error. */
class FieldReader {
  constructor(
    private readonly file: string,
    private readonly where: string,
    private readonly map: YamlMap,
  ) {}

  private fail(field: string, expected: string): never {
    const location = this.where ? `${this.where}.${field}` : field;
    throw new RulesetFileError(`${this.file}: ${location}: expected ${expected}, got ${JSON.stringify(this.map[field]) ?? 'nothing'}`);
  }

  string(field: string): string {
    const value = this.map[field];
    if (typeof value !== 'string') this.fail(field, 'a string');
    return value;
  }

  optionalString(field: string): string | null {
    const value = this.map[field];
    if (value === undefined || value === null) return null;
    return this.string(field);
  }

  boolean(field: string): boolean {
    const value = this.map[field];
    if (typeof value !== 'boolean') this.fail(field, 'true or false');
    return value;
  }

  integer(field: string): number {
    const value = this.map[field];
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(field, 'an integer');
    return value;
  }

  decision(field: string): Decision {
    const value = this.map[field];
    if (!DECISIONS.includes(value as Decision)) this.fail(field, `one of ${DECISIONS.join(', ')}`);
    return value as Decision;
  }

  strings(field: string, optional = false): string[] {
    const value = this.map[field];
    if (optional && (value === undefined || value === null)) return [];
    if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) this.fail(field, 'a list of strings');
    return [...(value as string[])];
  }

  maps(field: string): YamlMap[] {
    const value = this.map[field];
    if (!Array.isArray(value) || !value.every(isYamlMap)) this.fail(field, 'a list of mappings');
    return value as YamlMap[];
  }

  optionalMap(field: string): YamlMap | null {
    const value = this.map[field];
    if (value === undefined || value === null) return null;
    if (!isYamlMap(value)) this.fail(field, 'a mapping');
    return value;
  }
}

function isYamlMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readYaml(dir: string, file: string): unknown {
  const filePath = path.join(dir, file);
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (error) {
    throw new RulesetFileError(`${file}: cannot read ${filePath}: ${(error as Error).message}`);
  }
  const document = YAML.parseDocument(text);
  if (document.errors.length > 0) throw new RulesetFileError(`${file}: ${document.errors[0].message}`);
  return document.toJS();
}

function readList(dir: string, file: string): YamlMap[] {
  const value = readYaml(dir, file) ?? [];
  if (!Array.isArray(value)) throw new RulesetFileError(`${file}: expected a list at the top level`);
  value.forEach((entry, index) => {
    if (!isYamlMap(entry)) throw new RulesetFileError(`${file}: [${index}]: expected a mapping`);
  });
  return value as YamlMap[];
}

/** `[3] (medical.drug-sales)`: position and key, whichever helps the editor find the entry. */
function entryName(index: number, entry: YamlMap, keyField: string): string {
  const key = entry[keyField];
  return typeof key === 'string' ? `[${index}] (${key})` : `[${index}]`;
}

function readBusinessRule(entry: YamlMap, index: number): BusinessRuleContent {
  const fields = new FieldReader(BUSINESS_RULES_FILE, entryName(index, entry, 'key'), entry);
  return {
    key: fields.string('key'),
    industry: fields.string('industry'),
    scenario: fields.string('scenario'),
    effect: fields.decision('effect'),
    keywords: fields.strings('keywords', true),
    excludeKeywords: fields.strings('excludeKeywords', true),
    condition: fields.optionalString('condition'),
    message: fields.string('message'),
    source: fields.optionalString('source'),
  };
}

function readViolationRule(entry: YamlMap, index: number): ViolationRuleContent {
  const fields = new FieldReader(VIOLATION_RULES_FILE, entryName(index, entry, 'key'), entry);
  return {
    key: fields.string('key'),
    behavior: fields.string('behavior'),
    title: fields.string('title'),
    severity: fields.string('severity'),
    condition: fields.optionalString('condition'),
    source: fields.optionalString('source'),
  };
}

function readPenalty(entry: YamlMap, index: number): PenaltyMappingContent {
  const where = entryName(index, entry, 'severity');
  const fields = new FieldReader(PENALTIES_FILE, where, entry);
  const actions = fields.maps('actions').map((action, i): PenaltyActionContent => {
    const actionFields = new FieldReader(PENALTIES_FILE, `${where}.actions[${i}]`, action);
    return { code: actionFields.string('code'), label: actionFields.string('label') };
  });
  const escalationMap = fields.optionalMap('escalation');
  let escalation: EscalationContent | null = null;
  if (escalationMap !== null) {
    const escalationFields = new FieldReader(PENALTIES_FILE, `${where}.escalation`, escalationMap);
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

/** Reads and shape-checks a ruleset directory. Semantic checks are validateContent's job. */
export function readRulesetDir(dir: string): RulesetDir {
  const top = readYaml(dir, RULESET_FILE);
  if (!isYamlMap(top)) throw new RulesetFileError(`${RULESET_FILE}: expected a mapping at the top level`);
  const fields = new FieldReader(RULESET_FILE, '', top);
  return {
    key: fields.string('key'),
    name: fields.string('name'),
    description: fields.string('description'),
    makerChecker: fields.boolean('makerChecker'),
    content: {
      defaultDecision: fields.decision('defaultDecision'),
      defaultMessage: fields.string('defaultMessage'),
      businessRules: readList(dir, BUSINESS_RULES_FILE).map(readBusinessRule),
      violationRules: readList(dir, VIOLATION_RULES_FILE).map(readViolationRule),
      penalties: readList(dir, PENALTIES_FILE).map(readPenalty),
      ...(top.violationsCountAfterReinstatement === undefined ? {} : { violationsCountAfterReinstatement: fields.boolean('violationsCountAfterReinstatement') }),
    },
  };
}

/** Drops optional fields at their default so that written files stay as terse as hand-written ones. */
function withoutDefaults(entry: object): YamlMap {
  const result: YamlMap = {};
  for (const [field, value] of Object.entries(entry)) {
    if (value === null || (Array.isArray(value) && value.length === 0 && field === 'excludeKeywords')) continue;
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
  writeYaml(dir, RULESET_FILE, {
    key: meta.key,
    name: meta.name,
    description: meta.description,
    makerChecker: meta.makerChecker,
    defaultDecision: content.defaultDecision,
    defaultMessage: content.defaultMessage,
    ...(content.violationsCountAfterReinstatement === false ? { violationsCountAfterReinstatement: false } : {}),
  });
  writeYaml(dir, BUSINESS_RULES_FILE, content.businessRules.map(withoutDefaults));
  writeYaml(dir, VIOLATION_RULES_FILE, content.violationRules.map(withoutDefaults));
  writeYaml(dir, PENALTIES_FILE, content.penalties.map(withoutDefaults));
}
