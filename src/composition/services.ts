import { DataSource } from 'typeorm';
import { ApiKeyResolver } from '../api-keys/api-key.resolver';
import { ApiKeyService } from '../api-keys/api-key.service';
import { AuditResolver } from '../audit/audit.resolver';
import { AuditService } from '../audit/audit.service';
import { poolOf } from '../db/data-source';
import { NotificationListener } from '../db/notification-listener';
import { FullOutputs } from '../decisions/full-outputs';
import { DecisionLogService } from '../decisions/decision-log.service';
import { DecisionLogWriter } from '../decisions/decision-log.writer';
import { DecisionResolver } from '../decisions/decision.resolver';
import { ReplayService } from '../decisions/replay.service';
import { ReplayWorkers } from '../decisions/replay-workers';
import { EnterpriseResolver } from '../enterprises/enterprise.resolver';
import { EnterpriseService } from '../enterprises/enterprise.service';
import { EnterpriseStore } from '../enterprises/enterprise.store';
import { EvaluationResolver } from '../evaluations/evaluation.resolver';
import { EvaluationService } from '../evaluations/evaluation.service';
import { PolicyMetrics } from '../metrics/metrics';
import { TestCaseResolver } from '../draft-testing/test-case.resolver';
import { AuthoringResolver } from '../rulesets/authoring.resolver';
import { PolicyChangeResolver } from '../rulesets/policy-change.resolver';
import { AuthoringService } from '../rulesets/authoring.service';
import { PublishingService } from '../rulesets/publishing.service';
import { RulesetResolver } from '../rulesets/ruleset.resolver';
import { RulesetService } from '../rulesets/ruleset.service';
import { runTestCasesInPlace, TestCaseRunner } from '../rulesets/test-case-runner';
import { IntegrityFailure, VersionCatalogue } from '../rulesets/version-catalogue';
import { CheckpointSigner } from '../decisions/checkpoint-signing';
import { FinalAnswerSource } from '../decisions/linked-records';
import { PolicyQualityService } from '../reviews/policy-quality.service';
import { ReviewChain } from '../reviews/review-chain';
import { finalAnswers } from '../reviews/review-log.store';
import { ReviewResolver } from '../reviews/review.resolver';
import { ReviewService } from '../reviews/review.service';

/** A resolver class, as type-graphql's container is asked for it. */
export type ResolverClass = abstract new (...args: never[]) => object;
export type ResolverInstances = ReadonlyMap<ResolverClass, object>;

/** The service layer, built once per process by the composition root. */
export interface Services {
  apiKeys: ApiKeyService;
  audit: AuditService;
  rulesets: RulesetService;
  authoring: AuthoringService;
  publishing: PublishingService;
  versions: VersionCatalogue;
  logWriter: DecisionLogWriter;
  decisionLog: DecisionLogService;
  enterprises: EnterpriseStore;
  enterpriseChanges: EnterpriseService;
  evaluations: EvaluationService;
  replay: ReplayService;
  /** The worker threads replay runs on; closed at shutdown. */
  replayWorkers: ReplayWorkers;
  reviews: ReviewService;
  policyQuality: PolicyQualityService;
}

/** Group commit of the decision log (Config.logBatchWindowMs / logBatchMaxSize). */
export interface DecisionLogOptions extends ReplayOptions {
  logBatchWindowMs: number;
  logBatchMaxSize: number;
}

/** How work over the log's history runs (Config.impactMinDecisions / replayWorkers / replayTimeBudgetMs). */
export interface ReplayOptions {
  /** Block size of the impact analyses of roles that may not read the log. */
  impactMinDecisions: number;
  replayWorkers: number;
  replayTimeBudgetMs: number;
}

const DEFAULT_LOG_OPTIONS: DecisionLogOptions = {
  logBatchWindowMs: 2,
  logBatchMaxSize: 500,
  impactMinDecisions: 100,
  replayWorkers: 1,
  replayTimeBudgetMs: 120_000,
};

/** Services that need no listener or metrics: the CLIs and start-up work (seed import, keys). */
export function createAuthoringServices(
  dataSource: DataSource,
  keyCacheEnabled: () => boolean = () => false,
  versionsChanged: (rulesetKey: string) => void = () => {},
  testCases: TestCaseRunner = runTestCasesInPlace,
): Pick<Services, 'apiKeys' | 'audit' | 'rulesets' | 'authoring' | 'publishing'> {
  const audit = new AuditService(dataSource);
  const rulesets = new RulesetService(dataSource, testCases);
  const authoring = new AuthoringService(dataSource, rulesets, audit);
  return {
    apiKeys: new ApiKeyService(dataSource, keyCacheEnabled),
    audit,
    rulesets,
    authoring,
    publishing: new PublishingService(dataSource, rulesets, authoring, audit, versionsChanged),
  };
}

export function createServices(
  dataSource: DataSource,
  metrics: PolicyMetrics,
  notifications: NotificationListener,
  logOptions: DecisionLogOptions = DEFAULT_LOG_OPTIONS,
  reportIntegrityFailure: (failure: IntegrityFailure) => void,
  signer: CheckpointSigner,
): Services {
  const pool = poolOf(dataSource);
  const replayWorkers = new ReplayWorkers({ workers: logOptions.replayWorkers, timeBudgetMs: logOptions.replayTimeBudgetMs }, metrics);
  const versions = new VersionCatalogue(dataSource, () => notifications.listening, metrics, reportIntegrityFailure);
  // This process's own publishes reach its version cache at once; other processes' by NOTIFY.
  const authoring = createAuthoringServices(
    dataSource,
    () => notifications.listening,
    (rulesetKey) => versions.invalidate(rulesetKey),
    (context, content) => replayWorkers.runTestCases(context, content),
  );
  const logWriter = new DecisionLogWriter(pool, { batchWindowMs: logOptions.logBatchWindowMs, batchMaxSize: logOptions.logBatchMaxSize }, metrics);
  const decisionLog = new DecisionLogService(dataSource, signer, new FullOutputs(versions), [new ReviewChain(dataSource)]);
  const enterprises = new EnterpriseStore(pool);
  return {
    ...authoring,
    versions,
    logWriter,
    decisionLog,
    enterprises,
    enterpriseChanges: new EnterpriseService(dataSource, enterprises, authoring.audit),
    evaluations: new EvaluationService(dataSource, versions, authoring.rulesets, enterprises, logWriter, metrics),
    replay: new ReplayService(dataSource, decisionLog, versions, replayWorkers, logOptions.impactMinDecisions, finalAnswersOf(dataSource)),
    replayWorkers,
    reviews: new ReviewService(dataSource, decisionLog, versions, authoring.rulesets, authoring.authoring),
    policyQuality: new PolicyQualityService(dataSource, versions, authoring.rulesets, logOptions.impactMinDecisions),
  };
}

/** The reviewers' final answers, as impact analysis reads them (decisions/ knows the port, not the review log). */
function finalAnswersOf(dataSource: DataSource): FinalAnswerSource {
  return (decisionIds) => finalAnswers(dataSource.manager, decisionIds);
}

/** What a CLI needs to replay the log: nothing is cached across processes (no listener). */
export function createLogReaders(
  dataSource: DataSource,
  signer: CheckpointSigner,
  options: ReplayOptions,
): Pick<Services, 'decisionLog' | 'replay' | 'replayWorkers'> {
  const versions = new VersionCatalogue(dataSource, () => false);
  const decisionLog = new DecisionLogService(dataSource, signer, new FullOutputs(versions), [new ReviewChain(dataSource)]);
  const replayWorkers = new ReplayWorkers({ workers: options.replayWorkers, timeBudgetMs: options.replayTimeBudgetMs });
  const replay = new ReplayService(dataSource, decisionLog, versions, replayWorkers, options.impactMinDecisions, finalAnswersOf(dataSource));
  return { decisionLog, replay, replayWorkers };
}

/** Each resolver class with its instance, wired to the services it needs (type-graphql's container). */
export function resolverInstances(services: Services): ResolverInstances {
  return new Map<ResolverClass, object>([
    [RulesetResolver, new RulesetResolver(services.rulesets)],
    [AuthoringResolver, new AuthoringResolver(services.authoring, services.publishing, services.rulesets)],
    [PolicyChangeResolver, new PolicyChangeResolver(services.authoring, services.publishing, services.rulesets)],
    [TestCaseResolver, new TestCaseResolver(services.authoring, services.rulesets)],
    [AuditResolver, new AuditResolver(services.audit)],
    [ApiKeyResolver, new ApiKeyResolver(services.apiKeys)],
    [EvaluationResolver, new EvaluationResolver(services.evaluations)],
    [EnterpriseResolver, new EnterpriseResolver(services.enterprises, services.decisionLog, services.enterpriseChanges)],
    [DecisionResolver, new DecisionResolver(services.decisionLog, services.replay)],
    [ReviewResolver, new ReviewResolver(services.reviews, services.policyQuality)],
  ]);
}
