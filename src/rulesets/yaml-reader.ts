import fs from 'node:fs';
import path from 'node:path';
import YAML, { Document, isMap, isScalar, LineCounter } from 'yaml';
import { DECISIONS, RULE_EFFECTS, type Decision, type RuleEffect } from '../engine/content';

/**
 * Reading YAML files with positions: every problem is recorded as `file:line:column: what`,
 * so that a whole set of files can be reported at once. Used by the ruleset files and their
 * test-case file.
 */
export type YamlMap = Record<string, unknown>;
export type DocumentPath = (string | number)[];

/** Aliases beyond this many in one file are refused (a "billion laughs" file expands without bound). */
const MAX_ALIASES = 100;

/** One parsed file: its value, and where in the text each node came from. */
export class YamlFile {
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
export class FieldReader {
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

  /** A business rule's effect: a decision, or FLAG. */
  effect(field: string): RuleEffect {
    const value = this.map[field];
    if (RULE_EFFECTS.includes(value as RuleEffect)) return value as RuleEffect;
    this.fail(field, `one of ${RULE_EFFECTS.join(', ')}`);
    return RULE_EFFECTS[0];
  }

  optionalInteger(field: string): number | null {
    const value = this.map[field];
    if (value === undefined || value === null) return null;
    return this.integer(field);
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

export function isYamlMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The file parsed, or null when it is missing and `optional`; unreadable files are problems. */
export function readYaml(dir: string, file: string, optional: boolean, problems: string[]): YamlFile | null {
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
export function readList(dir: string, file: string, problems: string[]): { file: YamlFile; entry: YamlMap; index: number }[] {
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
export function entryName(index: number, entry: YamlMap, keyField: string): string {
  const key = entry[keyField];
  return typeof key === 'string' ? `[${index}] (${key})` : `[${index}]`;
}
