/**
 * Engine-only benchmark, meant to run on one core (bench/run.ts starts it under
 * `taskset -c 1` when available): evaluations/s of the compiled seed ruleset over realistic
 * descriptions, and in the same run the same rules translated to json-rules-engine and
 * @gorules/zen-engine, all three fed the same normalised text. The three must give the
 * same decisions on every input, or the bench fails.
 *
 *   node dist/bench/engine-bench.js            human-readable report
 *   BENCH_ENGINE_SECONDS=5 ...                 measuring time per engine (default 3)
 * The last line of output is `ENGINE_BENCH_JSON {...}` for bench/run.ts.
 */
import { Engine as RulesEngine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import { ZenEngine, type ZenDecision } from '@gorules/zen-engine';
import { Environment } from '@marcbachmann/cel-js';
import { readFileSync } from 'node:fs';
import {
  compileRuleset,
  evaluateNumberApplication,
  normalizeText,
  type CompiledRuleset,
  type Decision,
  type EnterpriseStanding,
  type RulesetContent,
} from '../src/engine';
import { readRulesetDir } from '../src/rulesets/ruleset-files';
import { applicationDescriptions, prng, SEED_RULESET_DIR } from './inputs';

const STRENGTH: Record<Decision, number> = { ALLOW: 0, REVIEW: 1, REJECT: 2 };

export interface EngineCase {
  raw: string;
  /** normalizeText(raw): what all three engines are fed */
  text: string;
  enterprise: EnterpriseStanding | null;
}

export interface Verdict {
  decision: Decision;
  rules: string[];
}

export interface EngineFigure {
  name: string;
  evaluationsPerSecond: number;
  note?: string;
}

export interface EngineBenchResult {
  cases: number;
  distribution: Record<string, number>;
  pinnedCpus: string;
  figures: EngineFigure[];
  decisionMismatches: number;
  ruleSetMismatches: number;
  examples: string[];
}

/** deny-overrides over the matched rules' effects; the ruleset default when nothing matches */
function combine(defaultDecision: Decision, fired: Array<{ rule: string; effect: Decision }>): Verdict {
  let decision: Decision | null = null;
  for (const { effect } of fired) if (decision === null || STRENGTH[effect] > STRENGTH[decision]) decision = effect;
  return { decision: decision ?? defaultDecision, rules: fired.map((f) => f.rule).sort() };
}

/**
 * The condition shapes the seed uses, as a tree both peers can express: `&&`, `||`, `!`,
 * `[...].exists(w, input.description.contains(w))` and `enterprise.status == "X"`.
 * Anything else has no translation and stops the bench.
 */
type PeerCondition = { all: PeerCondition[] } | { any: PeerCondition[] } | { not: PeerCondition } | { containsAny: string[] } | { status: string };

interface CelNode {
  op: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- cel-js node arguments vary by op; the walk checks op before reading them
  args: any;
}

const celParser = new Environment()
  .registerVariable({ name: 'input', schema: { description: 'string' } })
  .registerVariable({ name: 'enterprise', schema: { status: 'string' } });

function isMember(node: CelNode, object: string, field: string): boolean {
  return node.op === '.' && node.args[0]?.op === 'id' && node.args[0].args === object && node.args[1] === field;
}

function translateNode(node: CelNode, ruleKey: string): PeerCondition {
  switch (node.op) {
    case '&&':
      return { all: node.args.map((arg: CelNode) => translateNode(arg, ruleKey)) };
    case '||':
      return { any: node.args.map((arg: CelNode) => translateNode(arg, ruleKey)) };
    case '!_':
      return { not: translateNode(node.args, ruleKey) };
    case '==':
      if (isMember(node.args[0], 'enterprise', 'status') && node.args[1]?.op === 'value') return { status: String(node.args[1].args) };
      break;
    case 'rcall': {
      const [name, list, [variable, body]] = node.args;
      const bound = variable?.op === 'id' ? variable.args : null;
      const containsBound =
        body?.op === 'rcall' &&
        body.args[0] === 'contains' &&
        isMember(body.args[1], 'input', 'description') &&
        body.args[2]?.[0]?.op === 'id' &&
        body.args[2][0].args === bound;
      if (
        name === 'exists' &&
        list?.op === 'list' &&
        containsBound &&
        list.args.every((item: CelNode) => item.op === 'value' && typeof item.args === 'string')
      ) {
        return { containsAny: list.args.map((item: CelNode) => item.args as string) };
      }
      break;
    }
  }
  throw new Error(`rule ${ruleKey}: condition part ${JSON.stringify(node.op)} has no translation for the peer engines`);
}

function peerCondition(ruleKey: string, condition: string | null): PeerCondition | null {
  if (condition === null || condition.trim() === '') return null;
  return translateNode(celParser.parse(condition).ast as CelNode, ruleKey);
}

interface PlainRule {
  key: string;
  effect: Decision;
  keywords: string[];
  excludes: string[];
  condition: PeerCondition | null;
}

/** FLAG rules decide nothing, so the peers, which compare decisions, leave them out. */
function plainRules(content: RulesetContent): PlainRule[] {
  return content.businessRules
    .flatMap((rule) => (rule.effect === 'FLAG' ? [] : [{ ...rule, effect: rule.effect }]))
    .map((rule) => ({
      key: rule.key,
      effect: rule.effect,
      keywords: [...new Set(rule.keywords.map(normalizeText).filter((k) => k !== ''))],
      excludes: [...new Set(rule.excludeKeywords.map(normalizeText).filter((k) => k !== ''))],
      condition: peerCondition(rule.key, rule.condition),
    }));
}

// ---- json-rules-engine: one rule per business rule, custom substring operator ----
const substrings = (words: string[]): TopLevelCondition => ({ any: words.map((value) => ({ fact: 'text', operator: 'substr', value })) });

function jsonRulesCondition(condition: PeerCondition): TopLevelCondition {
  if ('all' in condition) return { all: condition.all.map(jsonRulesCondition) };
  if ('any' in condition) return { any: condition.any.map(jsonRulesCondition) };
  if ('not' in condition) return { not: jsonRulesCondition(condition.not) };
  if ('containsAny' in condition) return substrings(condition.containsAny);
  return { all: [{ fact: 'enterpriseStatus', operator: 'equal', value: condition.status }] };
}

function buildJsonRulesEngine(rules: PlainRule[]): RulesEngine {
  const engine = new RulesEngine([], { allowUndefinedFacts: true });
  engine.addOperator<string, string>('substr', (factValue, keyword) => typeof factValue === 'string' && factValue.includes(keyword));
  for (const rule of rules) {
    const all: TopLevelCondition[] = [];
    if (rule.keywords.length > 0) all.push(substrings(rule.keywords));
    if (rule.excludes.length > 0) all.push({ not: substrings(rule.excludes) });
    if (rule.condition !== null) all.push(jsonRulesCondition(rule.condition));
    const properties: RuleProperties = {
      name: rule.key,
      conditions: { all: all as RuleProperties['conditions'][] as never },
      event: { type: 'match', params: { rule: rule.key, effect: rule.effect } },
    };
    engine.addRule(properties);
  }
  return engine;
}

// ---- zen-engine: one JDM decision table, hit policy collect, one row per business rule ----
function zenString(value: string): string {
  if (/["\\]/.test(value)) throw new Error(`keyword ${JSON.stringify(value)} needs escaping in a zen expression`);
  return `"${value}"`;
}

export function zenDecisionModel(rules: PlainRule[]): object {
  const anyOf = (keywords: string[]) => keywords.map((k) => `contains(text, ${zenString(k)})`).join(' or ');
  const expression = (condition: PeerCondition): string => {
    if ('all' in condition) return condition.all.map((part) => `(${expression(part)})`).join(' and ');
    if ('any' in condition) return condition.any.map((part) => `(${expression(part)})`).join(' or ');
    if ('not' in condition) return `not (${expression(condition.not)})`;
    if ('containsAny' in condition) return anyOf(condition.containsAny);
    return `enterpriseStatus == ${zenString(condition.status)}`;
  };
  return {
    nodes: [
      { id: 'request', type: 'inputNode', name: 'Request', position: { x: 0, y: 0 } },
      {
        id: 'business-rules',
        type: 'decisionTableNode',
        name: 'business rules',
        position: { x: 300, y: 0 },
        content: {
          hitPolicy: 'collect',
          // No field: each cell is a full expression over the input.
          inputs: [
            { id: 'keywords', name: 'any keyword' },
            { id: 'excludes', name: 'no exclusion' },
            { id: 'condition', name: 'condition' },
          ],
          outputs: [
            { id: 'rule', name: 'rule', field: 'rule' },
            { id: 'effect', name: 'effect', field: 'effect' },
          ],
          rules: rules.map((rule) => ({
            _id: rule.key,
            keywords: rule.keywords.length > 0 ? anyOf(rule.keywords) : '',
            excludes: rule.excludes.length > 0 ? `not (${anyOf(rule.excludes)})` : '',
            condition: rule.condition !== null ? expression(rule.condition) : '',
            rule: zenString(rule.key),
            effect: zenString(rule.effect),
          })),
        },
      },
      { id: 'response', type: 'outputNode', name: 'Response', position: { x: 600, y: 0 } },
    ],
    edges: [
      { id: 'in', sourceId: 'request', targetId: 'business-rules', type: 'edge' },
      { id: 'out', sourceId: 'business-rules', targetId: 'response', type: 'edge' },
    ],
  };
}

function standing(random: () => number, i: number): EnterpriseStanding | null {
  const roll = random();
  if (roll < 0.3) return null;
  const status = roll < 0.4 ? 'OFFLINE' : 'ACTIVE';
  return { id: `ent-${i}`, status, seriousViolationCount: status === 'OFFLINE' ? 1 : 0, violationCount: status === 'OFFLINE' ? 1 : 0 };
}

export function engineCases(count?: number): EngineCase[] {
  const random = prng(7);
  return applicationDescriptions(count).map((raw, i) => ({ raw, text: normalizeText(raw), enterprise: standing(random, i) }));
}

type Evaluate = (c: EngineCase) => Verdict;
type EvaluateAsync = (c: EngineCase) => Promise<Verdict>;

function measureSync(cases: EngineCase[], evaluate: (c: EngineCase) => unknown, seconds: number): number {
  const run = (ms: number) => {
    let n = 0;
    const start = process.hrtime.bigint();
    const limit = BigInt(Math.round(ms * 1e6));
    for (;;) {
      for (let j = 0; j < 256; j++) evaluate(cases[(n + j) % cases.length]);
      n += 256;
      const elapsed = process.hrtime.bigint() - start;
      if (elapsed >= limit) return (n * 1e9) / Number(elapsed);
    }
  };
  run(Math.min(1000, seconds * 300)); // warm-up: JIT, lazily built tables
  return run(seconds * 1000);
}

async function measureAsync(cases: EngineCase[], evaluate: EvaluateAsync, seconds: number, inFlight = 1): Promise<number> {
  const run = async (ms: number) => {
    let n = 0;
    const start = process.hrtime.bigint();
    const limit = BigInt(Math.round(ms * 1e6));
    for (;;) {
      if (inFlight === 1) {
        for (let j = 0; j < 64; j++) await evaluate(cases[(n + j) % cases.length]);
        n += 64;
      } else {
        const wave: Promise<Verdict>[] = [];
        for (let j = 0; j < inFlight; j++) wave.push(evaluate(cases[(n + j) % cases.length]));
        await Promise.all(wave);
        n += inFlight;
      }
      const elapsed = process.hrtime.bigint() - start;
      if (elapsed >= limit) return (n * 1e9) / Number(elapsed);
    }
  };
  await run(Math.min(1000, seconds * 300));
  return run(seconds * 1000);
}

function pinnedCpus(): string {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    return /Cpus_allowed_list:\s*(\S+)/.exec(status)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function runEngineBench(seconds = 3, log: (line: string) => void = console.log): Promise<EngineBenchResult> {
  const { content } = readRulesetDir(SEED_RULESET_DIR);
  const compiled: CompiledRuleset = compileRuleset(content);
  const rules = plainRules(content);
  const cases = engineCases();
  log(`engine bench: ${rules.length} business rules, ${cases.length} descriptions, CPUs allowed: ${pinnedCpus()}, ${seconds}s per engine`);

  const ours: Evaluate = (c) => {
    const outcome = evaluateNumberApplication(compiled, { description: c.text }, { enterprise: c.enterprise });
    return { decision: outcome.decision, rules: outcome.matches.map((m) => m.ruleKey).sort() };
  };
  const oursRaw = (c: EngineCase) => evaluateNumberApplication(compiled, { description: c.raw }, { enterprise: c.enterprise });
  // The peers encode keyword containment, which is semantics 1's matching: agreement is checked against it (semantics 2 reads words in context, which the peers cannot).
  const containment = compileRuleset(content, 1);
  const oursByContainment: Evaluate = (c) => {
    const outcome = evaluateNumberApplication(containment, { description: c.text }, { enterprise: c.enterprise });
    return { decision: outcome.decision, rules: outcome.matches.map((m) => m.ruleKey).sort() };
  };

  const jre = buildJsonRulesEngine(rules);
  const jreEvaluate: EvaluateAsync = async (c) => {
    const { events } = await jre.run({ text: c.text, enterpriseStatus: c.enterprise?.status ?? 'NONE' });
    return combine(
      content.defaultDecision,
      events.map((e) => ({ rule: e.params!.rule as string, effect: e.params!.effect as Decision })),
    );
  };

  const zen = new ZenEngine();
  const decision: ZenDecision = zen.createDecision(zenDecisionModel(rules));
  const zenEvaluate: EvaluateAsync = async (c) => {
    const response = await decision.evaluate({ text: c.text, enterpriseStatus: c.enterprise?.status ?? 'NONE' });
    const fired = (Array.isArray(response.result) ? response.result : []) as Array<{ rule: string; effect: Decision }>;
    return combine(content.defaultDecision, fired);
  };

  // Same decisions, every input.
  let decisionMismatches = 0;
  let ruleSetMismatches = 0;
  const examples: string[] = [];
  const distribution: Record<string, number> = {};
  for (const c of cases) {
    const [a, b, z] = [oursByContainment(c), await jreEvaluate(c), await zenEvaluate(c)];
    distribution[a.decision] = (distribution[a.decision] ?? 0) + 1;
    const sameDecision = a.decision === b.decision && a.decision === z.decision;
    const sameRules = a.rules.join() === b.rules.join() && a.rules.join() === z.rules.join();
    if (!sameDecision) decisionMismatches++;
    if (!sameRules) ruleSetMismatches++;
    if ((!sameDecision || !sameRules) && examples.length < 5) {
      examples.push(
        `${JSON.stringify(c.text)}: ours ${a.decision} [${a.rules}] · json-rules-engine ${b.decision} [${b.rules}] · zen ${z.decision} [${z.rules}]`,
      );
    }
  }
  log(
    `agreement (ours under semantics 1, keyword containment as the peers encode it): ${cases.length - decisionMismatches}/${cases.length} same decisions, ${decisionMismatches} decision mismatches, ${ruleSetMismatches} matched-rule-set mismatches (decisions: ${Object.entries(
      distribution,
    )
      .map(([d, n]) => `${d} ${n}`)
      .join(', ')})`,
  );
  for (const example of examples) log(`  mismatch: ${example}`);

  const figures: EngineFigure[] = [];
  const add = (figure: EngineFigure) => {
    figures.push(figure);
    log(
      `  ${figure.name.padEnd(44)} ${Math.round(figure.evaluationsPerSecond).toLocaleString('en-US').padStart(10)} evaluations/s${figure.note ? `  (${figure.note})` : ''}`,
    );
  };
  add({ name: 'ccc-policy engine (normalised text)', evaluationsPerSecond: measureSync(cases, ours, seconds) });
  add({ name: 'ccc-policy engine (raw text, incl. normalise)', evaluationsPerSecond: measureSync(cases, oursRaw, seconds) });
  add({ name: 'json-rules-engine', evaluationsPerSecond: await measureAsync(cases, jreEvaluate, seconds), note: 'await each' });
  add({ name: '@gorules/zen-engine', evaluationsPerSecond: await measureAsync(cases, zenEvaluate, seconds), note: 'await each' });
  add({
    name: '@gorules/zen-engine (64 in flight)',
    evaluationsPerSecond: await measureAsync(cases, zenEvaluate, seconds, 64),
    note: 'informational',
  });
  zen.dispose();

  const [oursFigure, , jreFigure, zenFigure] = figures;
  log(
    `ratios: ccc-policy / json-rules-engine = ${(oursFigure.evaluationsPerSecond / jreFigure.evaluationsPerSecond).toFixed(1)}x, ` +
      `ccc-policy / zen-engine = ${(oursFigure.evaluationsPerSecond / zenFigure.evaluationsPerSecond).toFixed(1)}x`,
  );
  return { cases: cases.length, distribution, pinnedCpus: pinnedCpus(), figures, decisionMismatches, ruleSetMismatches, examples };
}

if (require.main === module) {
  const seconds = Number(process.env.BENCH_ENGINE_SECONDS || 3);
  runEngineBench(seconds).then(
    (result) => {
      console.log(`ENGINE_BENCH_JSON ${JSON.stringify(result)}`);
      if (result.decisionMismatches > 0) {
        console.error(`engine bench FAILED: ${result.decisionMismatches} decision mismatches between the three engines`);
        process.exit(1);
      }
    },
    (error) => {
      console.error('engine bench failed:', error);
      process.exit(1);
    },
  );
}
