import { canonicalJson } from '../common/canonical-json';
import {
  ApplicationState,
  CompiledRuleset,
  evaluateNumberApplication,
  evaluateViolation,
  NumberApplicationInput,
  normalizeText,
  UnknownBehaviorError,
  ViolationInput,
  ViolationState,
} from '../engine';
import { compactOutput, DecisionKind, holdsOnlyHashedOutput, LEAN_FORMAT } from './decision-record';
import { agreesWithFinalAnswer, FinalAnswer } from './linked-records';
import { describeDifferences, outcomeOf } from './replay-diff';

/**
 * The replay work itself, with no database and no GraphQL: what a replay worker thread runs
 * (`replay-worker.ts`). The service reads the log and hands records over; this re-evaluates
 * them and tallies the results.
 */

/** What replay needs of a logged decision. */
export interface ReplayableRecord {
  id: string;
  kind: DecisionKind;
  /** LEAN_FORMAT when the record is lean (its output may then be the compact one it stores). */
  format?: typeof LEAN_FORMAT;
  input: unknown;
  state: unknown;
  output: unknown;
  /** A reviewer's final answer of the decision, when it has one (impact analysis compares both sides with it). */
  finalAnswer?: FinalAnswer | null;
}

export interface ReplayResultView {
  decisionId: string;
  againstVersion: number | null;
  identical: boolean;
  original: unknown;
  replayed: unknown;
  differences: string[];
  /** The engine semantics the replay ran under; null when the decision's own is not one this engine has. */
  engineSemantics: number | null;
}

export interface ImpactReportView {
  evaluated: number;
  changed: number;
  transitions: { from: string; to: string; count: number }[];
  /** Per rule key: the decisions it matched as logged, and under the candidate. */
  rules: { ruleKey: string; matchedBefore: number; matchedAfter: number }[];
  samples: ReplayResultView[];
  /** The applications of the window with a reviewer's final answer, and how many of them each side decides right. */
  agreement: { reviewed: number; currentRight: number; candidateRight: number };
}

/** The candidate an analysis replays against, as the tally reports it. */
export interface ReplayCandidate {
  compiled: CompiledRuleset;
  /** The published number, null for a draft. */
  againstVersion: number | null;
}

/**
 * Re-evaluates a logged decision: its logged input and the recorded state it read, and
 * nothing else, so the same version must give the same canonical output. Errors the
 * candidate raises (a behaviour it no longer knows) become part of the replayed output.
 */
export function reevaluate(kind: DecisionKind, compiled: CompiledRuleset, input: unknown, state: unknown): unknown {
  try {
    if (kind === 'NUMBER_APPLICATION') {
      return evaluateNumberApplication(compiled, input as NumberApplicationInput, state as ApplicationState);
    }
    return evaluateViolation(compiled, input as ViolationInput, state as ViolationState);
  } catch (error) {
    if (error instanceof UnknownBehaviorError) return { error: error.message };
    throw error;
  }
}

/** JSON as stored (jsonb round trip): what replay compares against. */
export const asStored = (value: unknown): unknown => JSON.parse(canonicalJson(value));

/**
 * A lean record whose full output could not be rebuilt (the walk of an impact analysis hands
 * them over compact; a rebuild needs the semantics it was logged with) is compared in compact
 * terms: what was decided, not how it was explained.
 */
function comparable(record: ReplayableRecord, replayed: unknown): unknown {
  return record.format === LEAN_FORMAT && holdsOnlyHashedOutput(record) ? compactOutput(record.kind, replayed) : replayed;
}

function result(record: ReplayableRecord, candidate: ReplayCandidate, replayed: unknown): ReplayResultView {
  const differences = describeDifferences(record.kind, record.output, comparable(record, replayed));
  return {
    decisionId: record.id,
    againstVersion: candidate.againstVersion,
    identical: differences.length === 0,
    original: record.output,
    replayed,
    differences,
    engineSemantics: candidate.compiled.semantics,
  };
}

export function replayAgainst(record: ReplayableRecord, candidate: ReplayCandidate): ReplayResultView {
  return result(record, candidate, asStored(reevaluate(record.kind, candidate.compiled, record.input, record.state)));
}

/** The rules an output names: its matches and (FLAG rules) its signals. */
const ruleKeysOf = (output: unknown): string[] => {
  const { matches = [], signals = [] } = (output ?? {}) as { matches?: { ruleKey: string }[]; signals?: { ruleKey: string }[] };
  return [...matches, ...signals].map((fired) => fired.ruleKey);
};

/**
 * An application's input as a candidate of a role that may not read the log sees it: the
 * description normalised (what keyword rules match), so `input.rawDescription` holds no more
 * than `input.description` and the text as the applicant typed it is out of reach.
 */
function withoutRawText(kind: DecisionKind, input: unknown): unknown {
  if (kind !== 'NUMBER_APPLICATION') return input;
  const application = input as NumberApplicationInput;
  return { ...application, description: normalizeText(application.description) };
}

/**
 * Counts an impact analysis as records are replayed: outcome transitions, per-rule matches
 * before and after, and (for roles that may read the log) up to `sampleSize` changed decisions.
 */
export class ImpactTally {
  private evaluated = 0;
  private changed = 0;
  private readonly transitions = new Map<string, { from: string; to: string; count: number }>();
  private readonly rules = new Map<string, { ruleKey: string; matchedBefore: number; matchedAfter: number }>();
  private readonly samples: ReplayResultView[] = [];
  private readonly agreement = { reviewed: 0, currentRight: 0, candidateRight: 0 };

  constructor(
    private readonly candidate: ReplayCandidate,
    private readonly mayReadLog: boolean,
    private readonly sampleSize: number,
  ) {}

  get count(): number {
    return this.evaluated;
  }

  add(record: ReplayableRecord): void {
    const input = this.mayReadLog ? record.input : withoutRawText(record.kind, record.input);
    const replayed = asStored(reevaluate(record.kind, this.candidate.compiled, input, record.state));
    this.evaluated += 1;
    this.countRules(record.output, 'matchedBefore');
    this.countRules(replayed, 'matchedAfter');
    const from = outcomeOf(record.kind, record.output);
    const to = outcomeOf(record.kind, replayed);
    if (record.finalAnswer) {
      this.agreement.reviewed += 1;
      if (agreesWithFinalAnswer(from, record.finalAnswer)) this.agreement.currentRight += 1;
      if (agreesWithFinalAnswer(to, record.finalAnswer)) this.agreement.candidateRight += 1;
    }
    if (from === to) return;
    this.changed += 1;
    const key = `${from}\u0000${to}`;
    const transition = this.transitions.get(key) ?? { from, to, count: 0 };
    transition.count += 1;
    this.transitions.set(key, transition);
    // Samples name decisions: only for those who may read them.
    if (this.mayReadLog && this.samples.length < this.sampleSize) this.samples.push(result(record, this.candidate, replayed));
  }

  report(): ImpactReportView {
    return {
      evaluated: this.evaluated,
      changed: this.changed,
      transitions: [...this.transitions.values()].sort((a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
      rules: [...this.rules.values()].sort((a, b) => (a.ruleKey < b.ruleKey ? -1 : a.ruleKey > b.ruleKey ? 1 : 0)),
      samples: this.samples,
      agreement: this.agreement,
    };
  }

  private countRules(output: unknown, field: 'matchedBefore' | 'matchedAfter'): void {
    for (const ruleKey of new Set(ruleKeysOf(output))) {
      const counts = this.rules.get(ruleKey) ?? { ruleKey, matchedBefore: 0, matchedAfter: 0 };
      counts[field] += 1;
      this.rules.set(ruleKey, counts);
    }
  }
}
