import { DataSource } from 'typeorm';
import { RequestContext } from '../common/request-context';
import { hasRole } from '../common/roles';
import {
  ApplicationState,
  evaluateNumberApplication,
  NumberApplicationInput,
  NumberApplicationOutcome,
  ViolationInput,
  ViolationOutcome,
  ViolationState,
} from '../engine';
import { DecisionLogWriter } from '../decisions/decision-log.writer';
import { DecisionContent } from '../decisions/decision-record';
import { newDecision } from '../decisions/new-decision';
import { EnterpriseStore } from '../enterprises/enterprise.store';
import { PolicyMetrics } from '../metrics/metrics';
import { VersionStatus } from '../rulesets/ruleset-version.view';
import { RulesetService } from '../rulesets/ruleset.service';
import { compileVersion, ResolvedVersion, VersionCatalogue, VersionPins } from '../rulesets/version-catalogue';
import { BadInputError, NotFoundError } from '../common/errors';
import { EvaluationCall } from './evaluation-fields';
import { NumberApplicationArgs, validateApplication, validateApplications, validateViolation, ViolationArgs } from './input-validation';
import { judgeViolation, standingChange } from './violation-judgement';

/** What every evaluation tells its caller besides the outcome: the logged decision and the version used. */
export interface EvaluationMeta {
  decisionId: string;
  rulesetKey: string;
  versionNumber: number;
  contentHash: string;
  versionStatus: VersionStatus;
  evaluatedAt: Date;
}

export type NumberApplicationEvaluationResult = NumberApplicationOutcome & EvaluationMeta;
export type ViolationEvaluationResult = ViolationOutcome & EvaluationMeta;

/** A draft's answer: never logged, so it names the draft and its revision instead of a decision. */
export type DraftEvaluationResult = NumberApplicationOutcome & { draft: true; draftId: string; rulesetKey: string; revision: number; contentHash: string };

/** One evaluation field's request: where its answer goes, the version pins and the raw input(s). */
export interface EvaluationRequest<Args> {
  /** The field's response key: finds what `prepareEvaluations` checked for it. */
  responseKey: string;
  rulesetKey: string;
  pins: VersionPins;
  args: Args;
}

/** Inputs validated and the version resolved, before anything is evaluated or logged. */
interface Prepared<Input> {
  version: ResolvedVersion;
  input: Input;
}

const meta = (version: ResolvedVersion, decisionId: string, evaluatedAt: Date): EvaluationMeta => ({
  decisionId,
  rulesetKey: version.rulesetKey,
  versionNumber: version.number!,
  contentHash: version.contentHash,
  versionStatus: version.status,
  evaluatedAt,
});

const pinsOf = (args: Record<string, unknown>): VersionPins => ({
  version: args.version as number | null | undefined,
  contentHash: args.contentHash as string | null | undefined,
  asOf: args.asOf as Date | null | undefined,
});

/**
 * Evaluations: validate the input, resolve the pinned version (cached), read the recorded
 * state the rules may consult, evaluate, and log the decision before answering. Nothing
 * here hydrates ORM entities; the log write is group-committed with other requests'.
 */
export class EvaluationService {
  /** What prepareEvaluations checked, per request and response key; the request object owns it. */
  private readonly prepared = new WeakMap<RequestContext, Map<string, Prepared<unknown>>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: VersionCatalogue,
    private readonly drafts: RulesetService,
    private readonly enterprises: EnterpriseStore,
    private readonly log: DecisionLogWriter,
    private readonly metrics: PolicyMetrics | null = null,
  ) {}

  /**
   * A request holding several evaluation fields is refused or answered as a whole: every
   * field's input and version pins are checked here, before any of them evaluates and logs,
   * and kept on the request so that each field's evaluation uses them without checking twice.
   * A caller without the evaluator role is refused by every field at execution, so nothing is checked for it.
   */
  async prepareEvaluations(context: RequestContext, calls: EvaluationCall[]): Promise<void> {
    if (!context.caller || !hasRole(context.caller.roles, ['evaluator'])) return;
    const prepared = new Map<string, Prepared<unknown>>();
    for (const { responseKey, spec, args } of calls) {
      const input =
        spec.kind === 'violation'
          ? validateViolation(args.input as ViolationArgs, context.now)
          : spec.batchArgument
            ? validateApplications((args[spec.batchArgument] as NumberApplicationArgs[] | undefined) ?? [])
            : [validateApplication(args.input as NumberApplicationArgs)];
      const version = await this.versions.resolveVersion(context, args.rulesetKey as string, pinsOf(args));
      prepared.set(responseKey, { version, input });
    }
    this.prepared.set(context, prepared);
  }

  async evaluateNumberApplication(context: RequestContext, request: EvaluationRequest<NumberApplicationArgs>): Promise<NumberApplicationEvaluationResult> {
    const { version, input } = await this.prepare(context, request, (args) => [validateApplication(args)]);
    const [result] = await this.evaluateApplications(context, version, input);
    return result;
  }

  /** Up to 1,000 applications against one resolved version, logged in one batch. */
  async evaluateNumberApplications(context: RequestContext, request: EvaluationRequest<NumberApplicationArgs[]>): Promise<NumberApplicationEvaluationResult[]> {
    const { version, input } = await this.prepare(context, request, validateApplications);
    return this.evaluateApplications(context, version, input);
  }

  /** Judges a reported violation against the enterprise's recorded history, without recording it. */
  async evaluateViolation(context: RequestContext, request: EvaluationRequest<ViolationArgs>): Promise<ViolationEvaluationResult> {
    const { version, input } = await this.prepare(context, request, (args) => validateViolation(args, context.now));
    const [standings, priorViolations] = await Promise.all([this.enterprises.standings([input.enterpriseId]), this.enterprises.history(input.enterpriseId)]);
    const evaluatedAt = context.now;
    const state: ViolationState = { at: evaluatedAt.toISOString(), enterprise: standings.get(input.enterpriseId) ?? null, priorViolations };
    const outcome = judgeViolation(version.compiled, input, state);
    const [chained] = await this.log.append([violationDecision(context, version, 'VIOLATION', input, outcome, state)]);
    return this.answered(context, version, 'VIOLATION', outcome, chained.id, evaluatedAt);
  }

  /**
   * Evaluates and records a violation in ONE transaction: lock (creating if new) the
   * enterprise row, read its history, evaluate, record the violation and change the standing
   * (verified with a penalty only), and append the decision record, with the state it read, to the log.
   */
  async recordViolation(context: RequestContext, request: EvaluationRequest<ViolationArgs>): Promise<ViolationEvaluationResult> {
    const { version, input } = await this.prepare(context, request, (args) => validateViolation(args, context.now));
    const evaluatedAt = context.now;
    await this.log.preparePartitions([evaluatedAt.toISOString()]);
    const { outcome, decisionId } = await this.dataSource.transaction(async (tx) => {
      const enterprise = await this.enterprises.lockStanding(tx, input.enterpriseId);
      const state: ViolationState = { at: evaluatedAt.toISOString(), enterprise, priorViolations: await this.enterprises.historyIn(tx, input.enterpriseId) };
      const judged = judgeViolation(version.compiled, input, state);
      const record = violationDecision(context, version, 'RECORDED_VIOLATION', input, judged, state);
      if (input.verified && judged.severity !== null) {
        await this.enterprises.recordPenalty(tx, {
          decisionId: record.id,
          enterpriseId: input.enterpriseId,
          rulesetKey: version.rulesetKey,
          behavior: input.behavior,
          severity: judged.severity,
          escalated: judged.escalated,
          occurredAt: input.occurredAt ?? state.at,
          recordedAt: evaluatedAt,
          ...standingChange(judged),
        });
      }
      const [chained] = await this.log.appendInTransaction(tx, [record]);
      return { outcome: judged, decisionId: chained.id };
    });
    return this.answered(context, version, 'RECORDED_VIOLATION', outcome, decisionId, evaluatedAt);
  }

  /**
   * The draft playground: what a draft decides for an application, with evidence, reading
   * the enterprise's recorded standing like a real evaluation but writing nothing.
   */
  async evaluateDraft(context: RequestContext, draftId: string, args: NumberApplicationArgs): Promise<DraftEvaluationResult> {
    const input = validateApplication(args);
    const draft = await this.drafts.findVersionById(draftId);
    if (!draft) throw new NotFoundError(`no draft with id "${draftId}"`);
    if (draft.status !== 'DRAFT') {
      throw new BadInputError(
        `${draftId} is version ${draft.number} of "${draft.rulesetKey}", not a draft: evaluate published versions with evaluateNumberApplication(version: ${draft.number})`,
      );
    }
    const standings = await this.enterprises.standings(input.enterpriseId ? [input.enterpriseId] : []);
    const state: ApplicationState = { enterprise: (input.enterpriseId && standings.get(input.enterpriseId)) || null };
    const outcome = evaluateNumberApplication(compileVersion(draft.content, `draft ${draftId}`), input, state);
    return { ...outcome, draft: true, draftId, rulesetKey: draft.rulesetKey, revision: draft.revision, contentHash: draft.contentHash };
  }

  /** The checked input and version of one field: kept by prepareEvaluations, or checked now. */
  private async prepare<Args, Input>(context: RequestContext, request: EvaluationRequest<Args>, validate: (args: Args) => Input): Promise<Prepared<Input>> {
    const kept = this.prepared.get(context)?.get(request.responseKey);
    if (kept) return kept as Prepared<Input>;
    const input = validate(request.args);
    return { input, version: await this.versions.resolveVersion(context, request.rulesetKey, request.pins) };
  }

  private async evaluateApplications(
    context: RequestContext,
    version: ResolvedVersion,
    inputs: NumberApplicationInput[],
  ): Promise<NumberApplicationEvaluationResult[]> {
    if (inputs.length === 0) return [];
    const enterpriseIds = inputs.map((input) => input.enterpriseId).filter((id): id is string => !!id);
    const standings = await this.enterprises.standings(enterpriseIds);
    const evaluatedAt = context.now;
    const outcomes = inputs.map((input) => {
      const state: ApplicationState = { enterprise: (input.enterpriseId && standings.get(input.enterpriseId)) || null };
      const outcome = evaluateNumberApplication(version.compiled, input, state);
      const record = newDecision(
        context,
        version,
        'NUMBER_APPLICATION',
        { enterpriseId: input.enterpriseId ?? null, decision: outcome.decision, severity: null, input, output: outcome, state },
        evaluatedAt,
      );
      return { outcome, record };
    });
    const chained = await this.log.append(outcomes.map(({ record }) => record));
    return outcomes.map(({ outcome }, index) => this.answered(context, version, 'NUMBER_APPLICATION', outcome, chained[index].id, evaluatedAt));
  }

  /** The caller's answer: counted, and its decision id remembered as received by this request. */
  private answered<Outcome extends NumberApplicationOutcome | ViolationOutcome>(
    context: RequestContext,
    version: ResolvedVersion,
    kind: DecisionContent['kind'],
    outcome: Outcome,
    decisionId: string,
    evaluatedAt: Date,
  ): Outcome & EvaluationMeta {
    context.receivedDecisionIds.add(decisionId);
    const label = 'decision' in outcome ? outcome.decision : (outcome.severity ?? 'NONE');
    this.metrics?.decisions.inc({ ruleset: version.rulesetKey, version: String(version.number), kind, outcome: label });
    return { ...outcome, ...meta(version, decisionId, evaluatedAt) };
  }
}

/** The one place a violation's decision record is built, whether it is only judged or also recorded. */
function violationDecision(
  context: RequestContext,
  version: ResolvedVersion,
  kind: 'VIOLATION' | 'RECORDED_VIOLATION',
  input: ViolationInput,
  outcome: ViolationOutcome,
  state: ViolationState,
): DecisionContent {
  return newDecision(
    context,
    version,
    kind,
    { enterpriseId: input.enterpriseId, decision: null, severity: outcome.severity, input, output: outcome, state },
    new Date(state.at),
  );
}
