import { DataSource } from 'typeorm';
import { BadInputError, NotFoundError } from '../common/errors';
import { MAX_IMPACT_SAMPLES } from '../common/limits';
import { RequestContext } from '../common/request-context';
import { hasRole } from '../common/roles';
import { ENGINE_SEMANTICS, semanticsOfEngineVersion } from '../engine';
import { ResolvedVersion, VersionCatalogue } from '../rulesets/version-catalogue';
import { ChainedDecision, holdsOnlyHashedOutput, LEAN_FORMAT } from './decision-record';
import { describeDifferences } from './replay-diff';
import { DecisionLogService } from './decision-log.service';
import * as store from './decision-log.store';
import { FinalAnswerSource } from './linked-records';
import { ImpactReportView, ReplayableRecord, ReplayResultView } from './replay-core';
import type { WorkerVersion } from './replay-worker';
import { ReplayThread, ReplayWorkers } from './replay-workers';

export type { ImpactReportView, ReplayResultView } from './replay-core';

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

export class ReplayService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly log: DecisionLogService,
    private readonly versions: VersionCatalogue,
    private readonly workers: ReplayWorkers,
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
    return this.replayUnderLoggedSemantics(context, record, candidate);
  }

  /**
   * Replays under the semantics the decision was logged with, so that a difference comes from
   * the rules alone. A decision whose engine version names no semantics this engine has is
   * shown under the current one, for information, and never called identical.
   */
  private async replayUnderLoggedSemantics(context: RequestContext, record: ChainedDecision, candidate: ResolvedVersion): Promise<ReplayResultView> {
    const semantics = semanticsOfEngineVersion(record.engineVersion);
    const version = await this.workerVersion(candidate, semantics ?? ENGINE_SEMANTICS);
    const replayed = await this.workers.run(
      'replay',
      context.signal,
      (thread) => thread.request({ type: 'compile', version }),
      (thread) => thread.request<ReplayResultView>({ type: 'replay', record: replayable(record) }),
    );
    if (semantics !== null) return replayed;
    const reason =
      `engine semantics: the decision was logged by engine version ${JSON.stringify(record.engineVersion)}, which names no semantics this engine has; ` +
      `replayed under semantics ${ENGINE_SEMANTICS} for information only, so identity is not claimed`;
    return { ...replayed, identical: false, differences: [reason, ...replayed.differences], engineSemantics: null };
  }

  /**
   * Replays every logged decision of a ruleset in [from, to) against a candidate version
   * or draft, walking the log in keyset-paginated chunks (constant memory, any log size) and
   * replaying each chunk on a worker thread while the next one is read.
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
    const version = await this.workerVersion(candidate, candidate.compiled.semantics);
    // Counted only for a caller that shows progress: the API answers without it.
    const total = progress ? (await store.rangeSummary(db, range)).count : 0;
    const prepare = (thread: ReplayThread) => thread.request({ type: 'compile', version });
    const report = await this.workers.run('impact', context.signal, prepare, async (thread: ReplayThread) => {
      await thread.request({ type: 'impact-start', mayReadLog, sampleSize });
      let replaying: Promise<void> | null = null;
      for await (const records of store.walkLog(db, range, IMPACT_CHUNK, false)) {
        // The reviewers' final answers of this chunk's applications: the worker counts which side decides them right.
        const answers = await this.finalAnswers(records.filter((record) => record.kind === 'NUMBER_APPLICATION').map((record) => record.id));
        const chunk = records.map((record) => ({ ...replayable(record), finalAnswer: answers.get(record.id) ?? null }));
        await replaying;
        replaying = thread.request<number>({ type: 'impact-chunk', records: chunk }).then((evaluated) => progress?.(evaluated, total));
      }
      await replaying;
      return thread.request<ImpactReportView>({ type: 'impact-finish' });
    });
    return { ...report, samples: await this.withFullOriginals(report.samples) };
  }

  /**
   * The walk hands lean records over with their compact outputs (enough to count outcomes and
   * rules); a sample shows the decision in full, so its original is rebuilt and compared again.
   */
  private withFullOriginals(samples: ReplayResultView[]): Promise<ReplayResultView[]> {
    return Promise.all(
      samples.map(async (sample) => {
        const record = await this.log.findDecision(sample.decisionId);
        // Not lean, or not rebuilt: the worker compared it as it is.
        if (record?.format !== LEAN_FORMAT || holdsOnlyHashedOutput(record)) return sample;
        const differences = describeDifferences(record.kind, record.output, sample.replayed);
        return { ...sample, original: record.output, differences, identical: differences.length === 0 };
      }),
    );
  }

  /** A version as a worker compiles it; published content is immutable, so the worker may keep it compiled. */
  private async workerVersion(candidate: ResolvedVersion, semantics: number): Promise<WorkerVersion> {
    return {
      cacheKey: candidate.status === 'DRAFT' ? null : `${candidate.versionId}:${candidate.contentHash}:${semantics}`,
      content: await this.versions.contentOf(candidate.versionId),
      semantics,
      againstVersion: candidate.status === 'DRAFT' ? null : candidate.number,
    };
  }
}

const replayable = (record: ChainedDecision): ReplayableRecord => ({
  id: record.id,
  kind: record.kind,
  ...(record.format === undefined ? {} : { format: record.format }),
  input: record.input,
  state: record.state,
  output: record.output,
});
