import fs from 'node:fs';
import path from 'node:path';
import * as OpenCC from 'opencc-js';
import YAML from 'yaml';
import { canonicalJson } from '../common/canonical-json';
import type { DecisionKind } from '../decisions/decision-record';
import {
  compileRuleset,
  ENGINE_SEMANTICS,
  ENGINE_VERSION,
  evaluateNumberApplication,
  evaluateViolation,
  type ApplicationState,
  type EnterpriseStanding,
  type RulesetContent,
  type ViolationState,
} from '../engine';
import { validateApplication, validateViolation, type NumberApplicationArgs, type ViolationArgs } from '../evaluations/input-validation';
import { contentHash, orderContent } from '../rulesets/content-hash';
import { readRulesetDir } from '../rulesets/ruleset-files';

/**
 * Writes the replay corpus of the current engine semantics: decisions made by this release's
 * engine, shaped exactly as the service logs them (input canonicalised by the service's own
 * validation, the state it reads, the output as stored), over the versions they name, which
 * are written alongside, content-addressed. test/unit/engine/replay-corpus.test.ts replays
 * every corpus of every semantics the engine has shipped and requires identical outputs.
 * Run once per new semantics version, then commit; a committed corpus never changes.
 *
 *   npm run replay-corpus [-- --dir test/fixtures/replay-corpus]
 */

interface CorpusDecision {
  id: string;
  kind: DecisionKind;
  rulesetKey: string;
  versionNumber: number;
  contentHash: string;
  engineVersion: string;
  input: unknown;
  state: unknown;
  output: unknown;
}

interface CorpusVersion {
  rulesetKey: string;
  number: number;
  content: RulesetContent;
}

const ROOT = path.resolve(__dirname, '../../..');
/** The time every violation is judged at: the corpus is the same whenever it is generated. */
const JUDGED_AT = '2026-12-01T08:00:00.000Z';
const DAY_MS = 24 * 60 * 60 * 1000;

const toTaiwan = OpenCC.Converter({ from: 'cn', to: 'twp' });
const toHongKong = OpenCC.Converter({ from: 'cn', to: 'hk' });

/** ASCII as full-width forms, spaces as ideographic spaces: how some input methods type. */
function fullWidth(text: string): string {
  return [...text].map((char) => (char === ' ' ? '\u3000' : char >= '!' && char <= '~' ? String.fromCharCode(char.charCodeAt(0) + 0xfee0) : char)).join('');
}

/** The first word of every string-literal list in a condition: enough to make the seed's word-group conditions hold. */
function conditionWords(condition: string | null): string[] {
  if (condition === null) return [];
  return [...condition.matchAll(/\[\s*"([^"]*)"/g)].map((match) => match[1]);
}

const STANDINGS: Array<EnterpriseStanding | null> = [
  null,
  { id: 'ent-active', status: 'ACTIVE', seriousViolationCount: 0, violationCount: 0 },
  { id: 'ent-warned', status: 'ACTIVE', seriousViolationCount: 1, violationCount: 2 },
  { id: 'ent-offline', status: 'OFFLINE', seriousViolationCount: 2, violationCount: 3 },
];

function daysBefore(days: number): string {
  return new Date(Date.parse(JUDGED_AT) - days * DAY_MS).toISOString();
}

class CorpusWriter {
  readonly decisions: CorpusDecision[] = [];
  readonly versions = new Map<string, CorpusVersion>();

  addVersion(rulesetKey: string, number: number, content: RulesetContent): { hash: string; version: CorpusVersion } {
    const ordered = orderContent(content);
    const hash = contentHash(ordered);
    const version = { rulesetKey, number, content: ordered };
    this.versions.set(hash, version);
    return { hash, version };
  }

  application(hash: string, args: NumberApplicationArgs, enterprise: EnterpriseStanding | null): void {
    const version = this.versions.get(hash)!;
    const input = validateApplication({ ...args, enterpriseId: enterprise?.id ?? args.enterpriseId ?? null });
    const state: ApplicationState = { enterprise };
    const output = evaluateNumberApplication(compiledOf(hash, version), input, state);
    this.push('NUMBER_APPLICATION', hash, input, state, output);
  }

  violation(kind: 'VIOLATION' | 'RECORDED_VIOLATION', hash: string, args: ViolationArgs, state: ViolationState): void {
    const version = this.versions.get(hash)!;
    const input = validateViolation(args, new Date(JUDGED_AT));
    const output = evaluateViolation(compiledOf(hash, version), input, state);
    this.push(kind, hash, input, state, output);
  }

  private push(kind: DecisionKind, hash: string, input: unknown, state: unknown, output: unknown): void {
    const version = this.versions.get(hash)!;
    const asStored = (value: unknown): unknown => JSON.parse(canonicalJson(value));
    this.decisions.push({
      id: `semantics-${ENGINE_SEMANTICS}-${String(this.decisions.length + 1).padStart(4, '0')}`,
      kind,
      rulesetKey: version.rulesetKey,
      versionNumber: version.number,
      contentHash: hash,
      engineVersion: ENGINE_VERSION,
      input: asStored(input),
      state: asStored(state),
      output: asStored(output),
    });
  }
}

const compiledByHash = new Map<string, ReturnType<typeof compileRuleset>>();
function compiledOf(hash: string, version: CorpusVersion): ReturnType<typeof compileRuleset> {
  let compiled = compiledByHash.get(hash);
  if (compiled === undefined) compiledByHash.set(hash, (compiled = compileRuleset(version.content)));
  return compiled;
}

function buildCorpus(): CorpusWriter {
  const corpus = new CorpusWriter();
  const seed = readRulesetDir(path.join(ROOT, 'rulesets/ccc-access'));
  const { hash: seedHash } = corpus.addVersion(seed.key, 1, seed.content);
  // The seed sets no escalation; this variant does, so that escalation state is replayed too.
  const escalating: RulesetContent = {
    ...seed.content,
    penalties: seed.content.penalties.map((penalty) =>
      penalty.severity === 'SERIOUS' ? { ...penalty, escalation: { count: 3, withinDays: 30, toSeverity: 'CRITICAL' } } : penalty,
    ),
  };
  const { hash: escalatingHash } = corpus.addVersion(`${seed.key}-escalating`, 1, escalating);

  // Every seed business rule, by its first keyword (and its condition's words), typed in four ways.
  seed.content.businessRules.forEach((rule, index) => {
    const words = [rule.keywords[0] ?? '', ...conditionWords(rule.condition)].filter((word) => word !== '');
    const description = `我们公司做${words.join('，')}相关业务，需要 SaaS 外呼 CRM 系统`;
    const enterprise = STANDINGS[index % STANDINGS.length];
    corpus.application(seedHash, { description }, enterprise);
    corpus.application(seedHash, { description: toTaiwan(description) }, enterprise);
    corpus.application(seedHash, { description: fullWidth(toHongKong(description)) }, STANDINGS[(index + 1) % STANDINGS.length]);
    corpus.application(
      seedHash,
      { description: '客户回访，预约提醒', industry: rule.industry, scenario: rule.scenario, callDirection: index % 2 === 0 ? 'OUTBOUND' : 'INBOUND' },
      null,
    );
  });

  // Labelled descriptions as applicants wrote them, and again in traditional script.
  const labelled = YAML.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/applications.yaml'), 'utf8')) as Array<{
    text: string;
    industry?: string;
    scenario?: string;
  }>;
  labelled
    .filter((_, index) => index % 4 === 0)
    .forEach((item, index) => {
      corpus.application(
        seedHash,
        { description: item.text, industry: item.industry ?? null, scenario: item.scenario ?? null },
        STANDINGS[index % STANDINGS.length],
      );
      corpus.application(seedHash, { description: toTaiwan(item.text), facts: { seats: 20 + index, ratio: 0.25 } }, null);
    });

  // The seed's own application test cases: since semantics 2 they hold a case per context cue,
  // variant kind, fragment and declared row, so their signals are replayed too (no standing: an
  // OFFLINE enterprise is rejected whatever it describes, and a REJECT carries no signals).
  (seed.content.testCases ?? []).forEach((testCase) => {
    if (testCase.application) corpus.application(seedHash, { ...testCase.application }, null);
  });

  // Violations: every behaviour, verified or not, with the actual business prohibited, permitted
  // or not given, and histories below, at and past the escalation threshold (and outside its window).
  const behaviors = [...new Set(seed.content.violationRules.map((rule) => rule.behavior))].sort();
  const actualBusinesses = ['办理信用卡套现，电话推销', '物业报修回访', null];
  const histories = [
    [],
    [{ severity: 'SERIOUS', at: daysBefore(3) }],
    [
      { severity: 'SERIOUS', at: daysBefore(2) },
      { severity: 'SERIOUS', at: daysBefore(20) },
    ],
    [
      { severity: 'SERIOUS', at: daysBefore(5) },
      { severity: 'SERIOUS', at: daysBefore(45) },
      { severity: 'CRITICAL', at: daysBefore(1) },
    ],
  ];
  let count = 0;
  for (const hash of [seedHash, escalatingHash]) {
    for (const behavior of behaviors) {
      for (const verified of [true, false]) {
        for (const actualBusiness of actualBusinesses) {
          if (verified && actualBusiness === null && behavior === 'BUSINESS_MISMATCH') continue; // refused by the service before evaluation
          for (const priorViolations of histories) {
            const enterprise = STANDINGS[1 + (count % 3)]!;
            const kind = count++ % 3 === 0 ? 'RECORDED_VIOLATION' : 'VIOLATION';
            const args: ViolationArgs = {
              enterpriseId: enterprise.id,
              behavior,
              verified,
              declaredBusiness: '物业服务回访',
              actualBusiness,
              facts: { complaints: priorViolations.length },
            };
            corpus.violation(kind, hash, args, { at: JUDGED_AT, enterprise, priorViolations });
          }
        }
      }
    }
  }
  return corpus;
}

function main(argv: string[]): number {
  const dirIndex = argv.indexOf('--dir');
  const dir = path.resolve(dirIndex >= 0 ? argv[dirIndex + 1] : path.join(ROOT, 'test/fixtures/replay-corpus'));
  const file = path.join(dir, `semantics-${ENGINE_SEMANTICS}.ndjson`);
  if (fs.existsSync(file)) {
    console.error(`${file} exists: a committed corpus never changes (a new semantics version gets a new file)`);
    return 1;
  }
  const corpus = buildCorpus();
  fs.mkdirSync(path.join(dir, 'versions'), { recursive: true });
  for (const [hash, version] of corpus.versions) {
    const versionFile = path.join(dir, 'versions', `${hash}.json`);
    if (!fs.existsSync(versionFile)) fs.writeFileSync(versionFile, `${JSON.stringify(version, null, 1)}\n`);
  }
  fs.writeFileSync(file, corpus.decisions.map((decision) => `${canonicalJson(decision)}\n`).join(''));
  console.error(`wrote ${corpus.decisions.length} decisions to ${file}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
