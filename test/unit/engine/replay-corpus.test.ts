import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../../../src/common/canonical-json';
import type { DecisionKind } from '../../../src/decisions/decision-record';
import { reevaluate } from '../../../src/decisions/replay-core';
import { compileRuleset, semanticsOfEngineVersion, type CompiledRuleset, type RulesetContent } from '../../../src/engine';
import { contentHash } from '../../../src/rulesets/content-hash';
import { readRulesetDir } from '../../../src/rulesets/ruleset-files';

/**
 * Decisions made by each semantics version the engine has shipped (written by
 * `npm run replay-corpus` when that version shipped, never changed since) must replay to
 * exactly the output logged, under the semantics they record.
 */
const CORPUS_DIR = path.resolve(__dirname, '../../fixtures/replay-corpus');

interface CorpusDecision {
  id: string;
  kind: DecisionKind;
  contentHash: string;
  engineVersion: string;
  input: unknown;
  state: unknown;
  output: unknown;
}

const corpusFiles = fs
  .readdirSync(CORPUS_DIR)
  .filter((name) => /^semantics-\d+\.ndjson$/.test(name))
  .sort();

function readCorpus(file: string): CorpusDecision[] {
  return fs
    .readFileSync(path.join(CORPUS_DIR, file), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

function versionContent(hash: string): RulesetContent {
  const { content } = JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, 'versions', `${hash}.json`), 'utf8')) as { content: RulesetContent };
  // Content-addressed: a version file edited by hand would no longer be what the decisions ran on.
  expect(contentHash(content)).toBe(hash);
  return content;
}

describe('the replay corpus', () => {
  it('holds a corpus for semantics 1, the first shipped', () => {
    expect(corpusFiles).toContain('semantics-1.ndjson');
  });

  describe.each(corpusFiles)('%s', (file) => {
    const semantics = Number(/\d+/.exec(file)![0]);
    const decisions = readCorpus(file);

    it('replays every decision to exactly its logged output, under the semantics it records', () => {
      const compiled = new Map<string, CompiledRuleset>();
      const mismatches: string[] = [];
      for (const decision of decisions) {
        expect({ id: decision.id, semantics: semanticsOfEngineVersion(decision.engineVersion) }).toEqual({ id: decision.id, semantics });
        let version = compiled.get(decision.contentHash);
        if (version === undefined) compiled.set(decision.contentHash, (version = compileRuleset(versionContent(decision.contentHash), semantics)));
        const replayed = canonicalJson(reevaluate(decision.kind, version, decision.input, decision.state));
        if (replayed !== canonicalJson(decision.output)) mismatches.push(`${decision.id}: logged ${canonicalJson(decision.output)}\n  replayed ${replayed}`);
      }
      expect(mismatches).toEqual([]);
      expect(decisions.length).toBeGreaterThanOrEqual(300);
    });
  });

  it('covers, for semantics 1, every seed rule, escalation, every decision kind and script', () => {
    const decisions = readCorpus('semantics-1.ndjson');
    const outputs = decisions.map((decision) => decision.output as { matches: { ruleKey: string }[]; escalated?: boolean });
    const matched = new Set(outputs.flatMap((output) => output.matches.map((match) => match.ruleKey)));
    const seed = readRulesetDir(path.resolve(__dirname, '../../../rulesets/ccc-access')).content;
    // FLAG rules came after the corpus was recorded (it must stay as it is) and no version in it has one: they change no outcome it holds.
    const seedKeys = [...seed.businessRules.filter((rule) => rule.effect !== 'FLAG'), ...seed.violationRules].map((rule) => rule.key);
    expect(seedKeys.filter((key) => !matched.has(key))).toEqual([]);
    expect(outputs.some((output) => output.escalated === true)).toBe(true);
    expect(new Set(decisions.map((decision) => decision.kind))).toEqual(new Set(['NUMBER_APPLICATION', 'VIOLATION', 'RECORDED_VIOLATION']));
    const descriptions = decisions.map((decision) => (decision.input as { description?: string }).description ?? '');
    expect(descriptions.some((text) => /[軟體醫藥銷]/.test(text))).toBe(true);
    expect(descriptions.some((text) => /[Ａ-Ｚａ-ｚ]/.test(text))).toBe(true);
  });

  it('covers, for semantics 2, a signal of every seed context cue and a declared row', () => {
    const outputs = readCorpus('semantics-2.ndjson').map((decision) => decision.output as { signals?: { cue?: string }[]; matches?: { evidence: string[] }[] });
    const cues = new Set(outputs.flatMap((output) => (output.signals ?? []).flatMap((signal) => (signal.cue ? [signal.cue] : []))));
    const seed = readRulesetDir(path.resolve(__dirname, '../../../rulesets/ccc-access')).content;
    expect((seed.cues ?? []).map((cue) => cue.key).filter((key) => !cues.has(key))).toEqual([]);
    expect(outputs.some((output) => (output.matches ?? []).some((match) => match.evidence.some((line) => line.startsWith('declared'))))).toBe(true);
  });
});
