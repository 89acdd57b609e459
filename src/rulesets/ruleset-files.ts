import fs from 'node:fs';
import path from 'node:path';
import YAML, { Document, isMap, isScalar, LineCounter } from 'yaml';
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
 *   ruleset.yaml          key, name, description (optional), makerChecker, defaultDecision, defaultMessage
 *   business-rules.yaml   list of business rules     (a missing file: none)
 *   violation-rules.yaml  list of violation rules    (a missing file: none)
 *   penalties.yaml        list of penalty mappings   (a missing file: none)
 * Optional fields (excludeKeywords, condition, source, note, escalation) may be omitted.
 * Explanations belong in `source` and `note`, not in YAML comments: comments do not survive
 * an export.
 */
export const RULESET_FILE = 'ruleset.yaml';
export const BUSINESS_RULES_FILE = 'business-rules.yaml';
export const VIOLATION_RULES_FILE = 'violation-rules.yaml';
export const PENALTIES_FILE = 'penalties.yaml';

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

type YamlMap = Record<string, unknown>;
type DocumentPath = (string | number)[];

/** Aliases beyond this many in one file are refused (a "billion laughs" file expands without bound). */
const MAX_ALIASES = 100;

/** One parsed file: its value, and where in the text each node came from. */
class YamlFile {
  private readonly lineCounter = new LineCounter();
  private readonly document: Document;
  readonly value: unknown;
  /** False when the text is not valid YAML: its problems are reported, its fields are not checked. */
  readonly parsed: boolean;

  constructor(
    readonly path: string,
    text: string,
    private readonly problems: string[],
  ) {
    const problemsBefore = problems.length;
    this.document = YAML.parseDocument(text, { lineCounter: this.lineCounter, prettyErrors: false, uniqueKeys: true });
    for (const error of this.document.errors) problems.push(`${this.position(error.pos[0])}: ${firstLine(error.message)}`);
    let value: unknown = null;
    if (this.document.errors.length === 0) {
      try {
        value = this.document.toJS({ maxAliasCount: MAX_ALIASES });
      } catch (error) {
        // Unresolved or excessive aliases: the library throws; name the first alias.
        problems.push(`${this.position(firstAliasOffset(this.document))}: ${firstLine((error as Error).message)}`);
      }
    }
    this.value = value;
    this.parsed = this.problems.length === problemsBefore;
  }

  private position(offset: number): string {
    const { line, col } = this.lineCounter.linePos(offset);
    return `${this.path}:${line}:${col}`;
  }

  /** `file:line:column` of the node at `at` (of its key, with `key`), or of its nearest ancestor that exists. */
  locate(at: DocumentPath, key = false): string {
    const parent = key ? this.document.getIn(at.slice(0, -1), true) : null;
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === at[at.length - 1]);
      if (isScalar(pair?.key) && pair.key.range) return this.position(pair.key.range[0]);
    }
    for (let length = at.length; length >= 0; length--) {
      const node = this.document.getIn(at.slice(0, length), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return this.position(node.range[0]);
    }
    return `${this.path}:1:1`;
  }

  problem(at: DocumentPath, message: string, atKey = false): void {
    this.problems.push(`${this.locate(at, atKey)}: ${message}`);
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

function firstAliasOffset(document: Document): number {
  let offset = 0;
  YAML.visit(document, {
    Alias(_, node) {
      offset = node.range?.[0] ?? 0;
      return YAML.visit.BREAK;
    },
  });
  return offset;
}

/** Reads typed fields out of one YAML mapping; a wrong field is recorded (with its place) and a placeholder returned. */
class FieldReader {
  constructor(
    private readonly file: YamlFile,
    private readonly at: DocumentPath,
    private readonly where: string,
    private readonly map: YamlMap,
  ) {}

  private fail(field: string, expected: string): void {
    const location = this.where ? `${this.where}.${field}` : field;
    this.file.problem([...this.at, field], `${location}: expected ${expected}, got ${JSON.stringify(this.map[field]) ?? 'nothing'}`);
  }

  string(field: string): string {
    const value = this.map[field];
    if (typeof value === 'string') return value;
    this.fail(field, 'a string');
    return '';
  }

  optionalString(field: string): string | null {
    const value = this.map[field];
    if (value === undefined || value === null) return null;
    return this.string(field);
  }

  boolean(field: string): boolean {
    const value = this.map[field];
    if (typeof value === 'boolean') return value;
    this.fail(field, 'true or false');
    return false;
  }

  integer(field: string): number {
    const value = this.map[field];
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    this.fail(field, 'an integer');
    return 0;
  }

  decision(field: string): Decision {
    const value = this.map[field];
    if (DECISIONS.includes(value as Decision)) return value as Decision;
    this.fail(field, `one of ${DECISIONS.join(', ')}`);
    return DECISIONS[0];
  }

  strings(field: string, optional = false): string[] {
    const value = this.map[field];
    if (optional && (value === undefined || value === null)) return [];
    if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) return [...(value as string[])];
    this.fail(field, 'a list of strings');
    return [];
  }

  maps(field: string): YamlMap[] {
    const value = this.map[field];
    if (Array.isArray(value) && value.every(isYamlMap)) return value as YamlMap[];
    this.fail(field, 'a list of mappings');
    return [];
  }

  optionalMap(field: string): YamlMap | null {
    const value = this.map[field];
    if (value === undefined || value === null) return null;
    if (isYamlMap(value)) return value;
    this.fail(field, 'a mapping');
    return null;
  }

  /** Fields the format does not know are refused: a misspelt optional field would otherwise vanish. */
  only(fields: string[]): void {
    for (const field of Object.keys(this.map)) {
      if (!fields.includes(field)) {
        const location = this.where ? `${this.where}.${field}` : field;
        this.file.problem([...this.at, field], `${location}: unknown field (expected ${fields.join(', ')})`, true);
      }
    }
  }
}

function isYamlMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The file parsed, or null when it is missing and `optional`; unreadable files are problems. */
function readYaml(dir: string, file: string, optional: boolean, problems: string[]): YamlFile | null {
  const filePath = path.join(dir, file);
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && optional) return null;
    problems.push(`${filePath}: cannot read: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    return null;
  }
  return new YamlFile(filePath, text, problems);
}

/** The entries of a list file, each with its reader position; wrong entries are recorded and skipped. */
function readList(dir: string, file: string, problems: string[]): { file: YamlFile; entry: YamlMap; index: number }[] {
  const yamlFile = readYaml(dir, file, true, problems);
  if (!yamlFile || !yamlFile.parsed || yamlFile.value === null || yamlFile.value === undefined) return [];
  if (!Array.isArray(yamlFile.value)) {
    yamlFile.problem([], 'expected a list at the top level');
    return [];
  }
  return yamlFile.value.flatMap((entry, index) => {
    if (isYamlMap(entry)) return [{ file: yamlFile, entry, index }];
    yamlFile.problem([index], `[${index}]: expected a mapping`);
    return [];
  });
}

/** `[3] (medical.drug-sales)`: position and key, whichever helps the editor find the entry. */
function entryName(index: number, entry: YamlMap, keyField: string): string {
  const key = entry[keyField];
  return typeof key === 'string' ? `[${index}] (${key})` : `[${index}]`;
}

/** An optional text kept only when given, so content without it hashes as before it existed. */
function optionalNote(fields: FieldReader): { note?: string } {
  const note = fields.optionalString('note');
  return note === null ? {} : { note };
}

const BUSINESS_RULE_FIELDS = ['key', 'industry', 'scenario', 'effect', 'keywords', 'excludeKeywords', 'condition', 'message', 'source', 'note'];
const VIOLATION_RULE_FIELDS = ['key', 'behavior', 'title', 'severity', 'condition', 'source', 'note'];
const PENALTY_FIELDS = ['severity', 'label', 'rank', 'actions', 'message', 'escalation'];
const RULESET_FIELDS = ['key', 'name', 'description', 'makerChecker', 'defaultDecision', 'defaultMessage'];

function readBusinessRule({ file, entry, index }: { file: YamlFile; entry: YamlMap; index: number }): BusinessRuleContent {
  const fields = new FieldReader(file, [index], entryName(index, entry, 'key'), entry);
  fields.only(BUSINESS_RULE_FIELDS);
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
    ...optionalNote(fields),
  };
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
    }),
  );
  writeYaml(dir, BUSINESS_RULES_FILE, content.businessRules.map(withoutDefaults));
  writeYaml(dir, VIOLATION_RULES_FILE, content.violationRules.map(withoutDefaults));
  writeYaml(dir, PENALTIES_FILE, content.penalties.map(withoutDefaults));
}
