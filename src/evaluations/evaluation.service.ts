import { RequestContext } from '../common/request-context';
import { ApplicationState, evaluateNumberApplication, NumberApplicationOutcome, ViolationOutcome, ViolationState } from '../engine';
import { DecisionLogWriter } from '../decisions/decision-log.writer';
import { newDecision } from '../decisions/new-decision';
import { EnterpriseService, judgeViolation } from '../enterprises/enterprise.service';
import { PolicyMetrics } from '../metrics/metrics';
import { NumberApplicationArgs, validateApplication, validateApplications, validateViolation, ViolationArgs } from './input-validation';
import { ResolvedStatus, ResolvedVersion, VersionPins, VersionResolver } from './version-resolver';

/** What every evaluation tells its caller besides the outcome: the logged decision and the version used. */
export interface EvaluationMeta {
  decisionId: string;
  rulesetKey: string;
  versionNumber: number;
  contentHash: string;
  versionStatus: ResolvedStatus;
  evaluatedAt: Date;
}

export type NumberApplicationEvaluationResult = NumberApplicationOutcome & EvaluationMeta;
export type ViolationEvaluationResult = ViolationOutcome & EvaluationMeta;

const meta = (version: ResolvedVersion, decisionId: string, evaluatedAt: Date): EvaluationMeta => ({
  decisionId,
  rulesetKey: version.rulesetKey,
  versionNumber: version.number!,
  contentHash: version.contentHash,
  versionStatus: version.status,
  evaluatedAt,
});

/**
 * Evaluations: resolve the pinned version (cached), read the recorded state the rules
 * may consult, evaluate, and log the decision before answering. Nothing here hydrates
 * ORM entities; the log write is group-committed with other requests'.
 */
export class EvaluationService {
  constructor(
    private readonly versions: VersionResolver,
    private readonly enterprises: EnterpriseService,
    private readonly log: DecisionLogWriter,
    private readonly metrics: PolicyMetrics | null = null,
  ) {}

  async evaluateNumberApplication(
    context: RequestContext,
    rulesetKey: string,
    pins: VersionPins,
    args: NumberApplicationArgs,
  ): Promise<NumberApplicationEvaluationResult> {
    const [result] = await this.evaluateApplications(context, rulesetKey, pins, [validateApplication(args)]);
    return result;
  }

  /** Up to 1,000 applications against one resolved version, logged in one batch. */
  async evaluateNumberApplications(
    context: RequestContext,
    rulesetKey: string,
    pins: VersionPins,
    args: NumberApplicationArgs[],
  ): Promise<NumberApplicationEvaluationResult[]> {
    return this.evaluateApplications(context, rulesetKey, pins, validateApplications(args));
  }

  private async evaluateApplications(
    context: RequestContext,
    rulesetKey: string,
    pins: VersionPins,
    inputs: ReturnType<typeof validateApplications>,
  ): Promise<NumberApplicationEvaluationResult[]> {
    if (inputs.length === 0) return [];
    const version = await this.versions.resolve(rulesetKey, pins);
    const enterpriseIds = inputs.map((input) => input.enterpriseId).filter((id): id is string => !!id);
    const standings = await this.enterprises.standings(enterpriseIds);
    const evaluatedAt = new Date();
    const logged = { rulesetKey: version.rulesetKey, number: version.number!, contentHash: version.contentHash };
    const outcomes = inputs.map((input) => {
      const state: ApplicationState = { enterprise: (input.enterpriseId && standings.get(input.enterpriseId)) || null };
      const outcome = evaluateNumberApplication(version.compiled, input, state);
      const record = newDecision(
        context,
        logged,
        'NUMBER_APPLICATION',
        { enterpriseId: input.enterpriseId ?? null, decision: outcome.decision, severity: null, input, output: outcome, state },
        evaluatedAt,
      );
      return { outcome, record };
    });
    const chained = await this.log.append(outcomes.map(({ record }) => record));
    return outcomes.map(({ outcome }, index) => {
      const decisionId = chained[index].id;
      context.receivedDecisionIds.add(decisionId);
      this.metrics?.decisions.inc({ ruleset: version.rulesetKey, version: String(version.number), kind: 'NUMBER_APPLICATION', outcome: outcome.decision });
      return { ...outcome, ...meta(version, decisionId, evaluatedAt) };
    });
  }

  /** Judges a reported violation against the enterprise's recorded history, without recording it. */
  async evaluateViolation(context: RequestContext, rulesetKey: string, pins: VersionPins, args: ViolationArgs): Promise<ViolationEvaluationResult> {
    const input = validateViolation(args);
    const version = await this.versions.resolve(rulesetKey, pins);
    const [standings, priorViolations] = await Promise.all([
      this.enterprises.standings([input.enterpriseId]),
      this.enterprises.history(input.enterpriseId),
    ]);
    const evaluatedAt = new Date();
    const state: ViolationState = { at: evaluatedAt.toISOString(), enterprise: standings.get(input.enterpriseId) ?? null, priorViolations };
    const outcome = judgeViolation(version, input, state);
    const record = newDecision(
      context,
      { rulesetKey: version.rulesetKey, number: version.number!, contentHash: version.contentHash },
      'VIOLATION',
      { enterpriseId: input.enterpriseId, decision: null, severity: outcome.severity, input, output: outcome, state },
      evaluatedAt,
    );
    const [chained] = await this.log.append([record]);
    context.receivedDecisionIds.add(chained.id);
    this.metrics?.decisions.inc({ ruleset: version.rulesetKey, version: String(version.number), kind: 'VIOLATION', outcome: outcome.severity ?? 'NONE' });
    return { ...outcome, ...meta(version, chained.id, evaluatedAt) };
  }

  /** Evaluates and records a violation: standing, history and decision change together. */
  async recordViolation(context: RequestContext, rulesetKey: string, pins: VersionPins, args: ViolationArgs): Promise<ViolationEvaluationResult> {
    const input = validateViolation(args);
    const version = await this.versions.resolve(rulesetKey, pins);
    const { outcome, record } = await this.enterprises.recordViolation(context, version, input);
    context.receivedDecisionIds.add(record.id);
    this.metrics?.decisions.inc({ ruleset: version.rulesetKey, version: String(version.number), kind: 'RECORDED_VIOLATION', outcome: outcome.severity ?? 'NONE' });
    return { ...outcome, ...meta(version, record.id, new Date(record.createdAt)) };
  }
}
