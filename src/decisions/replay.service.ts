import { DataSource } from 'typeorm';
import { canonicalJson } from '../common/canonical-json';
import { BadInputError, NotFoundError } from '../common/errors';
import { MAX_IMPACT_SAMPLES } from '../common/limits';
import { RequestContext } from '../common/request-context';
import { hasRole } from '../common/roles';
import {
  ApplicationState,
  CompiledRuleset,
  compileRuleset,
  ENGINE_SEMANTICS,
  evaluateNumberApplication,
  evaluateViolation,
  NumberApplicationInput,
  normalizeText,
  semanticsOfEngineVersion,
  UnknownBehaviorError,
  ViolationInput,
  ViolationState,
} from '../engine';
import { ResolvedVersion, VersionCatalogue } from '../rulesets/version-catalogue';
import { ChainedDecision, DecisionKind } from './decision-record';
import { DecisionLogService } from './decision-log.service';
import * as store from './decision-log.store';
import { agreesWithFinalAnswer, FinalAnswerSource } from './linked-records';
import { describeDifferences, outcomeOf } from './replay-diff';

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

export interface ImpactArgs {
  rulesetKey: string;
  candidateVersion?: number | null;
  candidateDraftId?: string | null;
  from?: Date | null;
  to?: Date | null;
  sampleSize?: number | null;
}

/** Told how far long work has got: decisions replayed so far, of `total`. */
export type ImpactProgress = (evaluated: number, total: number) => void;

const IMPACT_CHUNK = 1000;

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
const asStored = (value: unknown): unknown => JSON.parse(canonicalJson(value));

export class ReplayService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly log: DecisionLogService,
    private readonly versions: VersionCatalogue,
    /** Block size of the analyses of roles that may not read the log (IMPACT_MIN_DECISIONS). */
    private readonly minDecisions: number,
    private readonly finalAnswers: FinalAnswerSource = async () => new Map(),
  ) {}

  async replayDecision(context: RequestContext, id: string, againstVersion?: number | null, againstDraftId?: string | null): Promise<ReplayResultView> {
    if (againstVersion != null && againstDraftId != null) {
      throw new BadInputError('give againstVersion or againstDraftId, not both');
    }
    const record = await this.log.findDecision(id);
    if (!record) throw new NotFoundError(`no decision with id "${id}"`);
    let candidate: ResolvedVersion;
    if (againstDraftId != null) candidate = await this.versions.versionById(againstDraftId, record.rulesetKey);
    else candidate = await this.versions.resolveVersion(context, record.rulesetKey, { version: againstVersion ?? record.versionNumber });
    return this.replayUnderLoggedSemantics(record, candidate);
  }

  /**
   * Replays under the semantics the decision was logged with, so that a difference comes from
   * the rules alone. A decision whose engine version names no semantics this engine has is
   * shown under the current one, for information, and never called identical.
   */
  private async replayUnderLoggedSemantics(record: ChainedDecision, candidate: ResolvedVersion): Promise<ReplayResultView> {
    const semantics = semanticsOfEngineVersion(record.engineVersion);
    if (semantics === null) {
      const shown = replayAgainst(record, candidate);
      const reason =
        `engine semantics: the decision was logged by engine version ${JSON.stringify(record.engineVersion)}, which names no semantics this engine has; ` +
        `replayed under semantics ${ENGINE_SEMANTICS} for information only, so identity is not claimed`;
      return { ...shown, identical: false, differences: [reason, ...shown.differences], engineSemantics: null };
    }
    if (semantics === candidate.compiled.semantics) return replayAgainst(record, candidate);
    // Served versions are compiled under the current semantics; an older decision needs its own.
    const version = await this.versions.contentOf(candidate.versionId);
    return replayAgainst(record, { ...candidate, compiled: compileRuleset(version, semantics) });
  }

  /**
   * Replays every logged decision of a ruleset in [from, to) against a candidate version
   * or draft, walking the log in keyset-paginated chunks (constant memory, any log size).
   */
  async impactAnalysis(context: RequestContext, args: ImpactArgs, progress: ImpactProgress | null = null): Promise<ImpactReportView> {
    const hasVersion = args.candidateVersion != null;
    const hasDraft = args.candidateDraftId != null;
    if (hasVersion === hasDraft) throw new BadInputError('give exactly one of candidateVersion and candidateDraftId');
    const sampleSize = args.sampleSize ?? 20;
    if (!Number.isInteger(sampleSize) || sampleSize < 0 || sampleSize > MAX_IMPACT_SAMPLES) {
      throw new BadInputError(`sampleSize must be between 0 and ${MAX_IMPACT_SAMPLES}`);
    }
    const candidate = hasDraft
      ? await this.versions.versionById(args.candidateDraftId!, args.rulesetKey)
      : await this.versions.resolveVersion(context, args.rulesetKey, { version: args.candidateVersion! });

    // The log grows while we read: stop at the newest record that existed when we started.
    const db = this.dataSource.manager;
    const head = await store.chainHead(db);
    const mayReadLog = context.caller !== null && hasRole(context.caller.roles, ['auditor']);
    let range: store.LogRange = { afterSeq: 0, lastSeq: head.seq, rulesetKey: args.rulesetKey, from: args.from, to: args.to };
    if (!mayReadLog) {
      // No oracle (issue 13, item 2): a candidate is a question its author chooses, so its
      // answers about a window of one decision would tell what that applicant wrote. Roles
      // that may not read the log get counts over whole blocks of decisions only.
      const blocks = await store.wholeBlocks(db, { rulesetKey: args.rulesetKey, from: args.from, to: args.to, lastSeq: head.seq }, this.minDecisions);
      if (!blocks) {
        throw new BadInputError(
          `this window holds no complete block of ${this.minDecisions} consecutive decisions of "${args.rulesetKey}": roles that may not read the decision log analyse whole blocks only (widen the window)`,
          { minimumDecisions: this.minDecisions },
        );
      }
      range = { ...blocks, rulesetKey: args.rulesetKey };
    }
    let evaluated = 0;
    let changed = 0;
    const transitions = new Map<string, { from: string; to: string; count: number }>();
    const rules = new Map<string, { ruleKey: string; matchedBefore: number; matchedAfter: number }>();
    const countRules = (output: unknown, field: 'matchedBefore' | 'matchedAfter') => {
      for (const ruleKey of new Set(ruleKeysOf(output))) {
        const counts = rules.get(ruleKey) ?? { ruleKey, matchedBefore: 0, matchedAfter: 0 };
        counts[field] += 1;
        rules.set(ruleKey, counts);
      }
    };
    const samples: ReplayResultView[] = [];
    // Counted only for a caller that shows progress: the API answers without it.
    const total = progress ? (await store.rangeSummary(db, range)).count : 0;
    const agreement = { reviewed: 0, currentRight: 0, candidateRight: 0 };
    for await (const records of store.walkLog(db, range, IMPACT_CHUNK)) {
      // Applications of this chunk, as logged and under the candidate, to compare with the final answers they have.
      const applications = new Map<string, { current: string; candidate: string }>();
      for (const record of records) {
        const input = mayReadLog ? record.input : withoutRawText(record.kind, record.input);
        const replayed = asStored(reevaluate(record.kind, candidate.compiled, input, record.state));
        evaluated += 1;
        if (record.kind === 'NUMBER_APPLICATION') {
          applications.set(record.id, { current: outcomeOf(record.kind, record.output), candidate: outcomeOf(record.kind, replayed) });
        }
        countRules(record.output, 'matchedBefore');
        countRules(replayed, 'matchedAfter');
        const from = outcomeOf(record.kind, record.output);
        const to = outcomeOf(record.kind, replayed);
        if (from === to) continue;
        changed += 1;
        const key = `${from}\u0000${to}`;
        const transition = transitions.get(key) ?? { from, to, count: 0 };
        transition.count += 1;
        transitions.set(key, transition);
        // Samples name decisions: only for those who may read them.
        if (mayReadLog && samples.length < sampleSize) samples.push(result(record, candidate, replayed));
      }
      for (const [id, answer] of await this.finalAnswers([...applications.keys()])) {
        const decided = applications.get(id)!;
        agreement.reviewed += 1;
        if (agreesWithFinalAnswer(decided.current, answer)) agreement.currentRight += 1;
        if (agreesWithFinalAnswer(decided.candidate, answer)) agreement.candidateRight += 1;
      }
      progress?.(evaluated, total);
    }
    return {
      evaluated,
      changed,
      transitions: [...transitions.values()].sort((a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
      rules: [...rules.values()].sort((a, b) => (a.ruleKey < b.ruleKey ? -1 : a.ruleKey > b.ruleKey ? 1 : 0)),
      samples,
      agreement,
    };
  }
}

function result(record: ChainedDecision, candidate: ResolvedVersion, replayed: unknown): ReplayResultView {
  const differences = describeDifferences(record.kind, record.output, replayed);
  return {
    decisionId: record.id,
    againstVersion: candidate.status === 'DRAFT' ? null : candidate.number,
    identical: differences.length === 0,
    original: record.output,
    replayed,
    differences,
    engineSemantics: candidate.compiled.semantics,
  };
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

export function replayAgainst(record: ChainedDecision, candidate: ResolvedVersion): ReplayResultView {
  return result(record, candidate, asStored(reevaluate(record.kind, candidate.compiled, record.input, record.state)));
}
