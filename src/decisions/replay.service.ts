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
  semanticsOfEngineVersion,
  UnknownBehaviorError,
  ViolationInput,
  ViolationState,
} from '../engine';
import { ResolvedVersion, VersionCatalogue } from '../rulesets/version-catalogue';
import { ChainedDecision, DecisionKind } from './decision-record';
import { DecisionLogService } from './decision-log.service';
import * as store from './decision-log.store';
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
  samples: ReplayResultView[];
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

    // Auditors see samples in full; policy owners see outcomes and rule keys, not what applicants wrote.
    const samplesWithLoggedContent = context.caller !== null && hasRole(context.caller.roles, ['auditor']);
    let evaluated = 0;
    let changed = 0;
    const transitions = new Map<string, { from: string; to: string; count: number }>();
    const samples: ReplayResultView[] = [];
    // The log grows while we read: stop at the newest record that existed when we started.
    const db = this.dataSource.manager;
    const head = await store.chainHead(db);
    const range = { afterSeq: 0, lastSeq: head.seq, rulesetKey: args.rulesetKey, from: args.from, to: args.to };
    // Counted only for a caller that shows progress: the API answers without it.
    const total = progress ? (await store.rangeSummary(db, range)).count : 0;
    for await (const records of store.walkLog(db, range, IMPACT_CHUNK)) {
      for (const record of records) {
        const replayed = asStored(reevaluate(record.kind, candidate.compiled, record.input, record.state));
        evaluated += 1;
        const from = outcomeOf(record.kind, record.output);
        const to = outcomeOf(record.kind, replayed);
        if (from === to) continue;
        changed += 1;
        const key = `${from}\u0000${to}`;
        const transition = transitions.get(key) ?? { from, to, count: 0 };
        transition.count += 1;
        transitions.set(key, transition);
        if (samples.length < sampleSize) {
          const sample = result(record, candidate, replayed);
          samples.push(samplesWithLoggedContent ? sample : withoutLoggedContent(record.kind, sample));
        }
      }
      progress?.(evaluated, total);
    }
    return {
      evaluated,
      changed,
      transitions: [...transitions.values()].sort((a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
      samples,
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

/** An outcome and the rules that produced it: the part of a logged output that is the policy's, not the applicant's. */
function policySummary(kind: DecisionKind, output: unknown): unknown {
  const matches = ((output ?? {}) as { matches?: { ruleKey: string }[] }).matches ?? [];
  return { outcome: outcomeOf(kind, output), ruleKeys: matches.map((match) => match.ruleKey) };
}

/** A sample for a caller who may not read the log: evidence quotes the logged input, so it is left out. */
function withoutLoggedContent(kind: DecisionKind, sample: ReplayResultView): ReplayResultView {
  return {
    ...sample,
    original: policySummary(kind, sample.original),
    replayed: policySummary(kind, sample.replayed),
    differences: sample.differences.filter((difference) => !/^match \S+ evidence /.test(difference)),
  };
}

export function replayAgainst(record: ChainedDecision, candidate: ResolvedVersion): ReplayResultView {
  return result(record, candidate, asStored(reevaluate(record.kind, candidate.compiled, record.input, record.state)));
}
