import { DataSource } from 'typeorm';
import { ApiKeyResolver } from '../api-keys/api-key.resolver';
import { ApiKeyService } from '../api-keys/api-key.service';
import { AuditResolver } from '../audit/audit.resolver';
import { AuditService } from '../audit/audit.service';
import { poolOf } from '../db/data-source';
import { NotificationListener } from '../db/notification-listener';
import { DecisionLogService } from '../decisions/decision-log.service';
import { DecisionLogWriter } from '../decisions/decision-log.writer';
import { DecisionResolver } from '../decisions/decision.resolver';
import { ReplayService } from '../decisions/replay.service';
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
  reviews: ReviewService;
  policyQuality: PolicyQualityService;
}

/** Group commit of the decision log (Config.logBatchWindowMs / logBatchMaxSize). */
export interface DecisionLogOptions {
  logBatchWindowMs: number;
  logBatchMaxSize: number;
  /** Block size of the impact analyses of roles that may not read the log. */
  impactMinDecisions: number;
}

/** Services that need no listener or metrics: the CLIs and start-up work (seed import, keys). */
export function createAuthoringServices(
  dataSource: DataSource,
  keyCacheEnabled: () => boolean = () => false,
): Pick<Services, 'apiKeys' | 'audit' | 'rulesets' | 'authoring' | 'publishing'> {
  const audit = new AuditService(dataSource);
  const rulesets = new RulesetService(dataSource);
  const authoring = new AuthoringService(dataSource, rulesets, audit);
  return {
    apiKeys: new ApiKeyService(dataSource, keyCacheEnabled),
    audit,
    rulesets,
    authoring,
    publishing: new PublishingService(dataSource, rulesets, authoring, audit),
  };
}

export function createServices(
  dataSource: DataSource,
  metrics: PolicyMetrics,
  notifications: NotificationListener,
  logOptions: DecisionLogOptions = { logBatchWindowMs: 2, logBatchMaxSize: 500, impactMinDecisions: 100 },
  reportIntegrityFailure: (failure: IntegrityFailure) => void,
  signer: CheckpointSigner,
): Services {
  const pool = poolOf(dataSource);
  const authoring = createAuthoringServices(dataSource, () => notifications.listening);
  const versions = new VersionCatalogue(dataSource, () => notifications.listening, metrics, reportIntegrityFailure);
  const logWriter = new DecisionLogWriter(pool, { batchWindowMs: logOptions.logBatchWindowMs, batchMaxSize: logOptions.logBatchMaxSize }, metrics);
  const decisionLog = new DecisionLogService(dataSource, signer, [new ReviewChain(dataSource)]);
  const enterprises = new EnterpriseStore(pool);
  return {
    ...authoring,
    versions,
    logWriter,
    decisionLog,
    enterprises,
    enterpriseChanges: new EnterpriseService(dataSource, enterprises, authoring.audit),
    evaluations: new EvaluationService(dataSource, versions, authoring.rulesets, enterprises, logWriter, metrics),
    replay: new ReplayService(dataSource, decisionLog, versions, logOptions.impactMinDecisions, finalAnswersOf(dataSource)),
    reviews: new ReviewService(dataSource, decisionLog, versions, authoring.rulesets, authoring.authoring),
    policyQuality: new PolicyQualityService(dataSource, versions, authoring.rulesets, logOptions.impactMinDecisions),
  };
}

/** The reviewers' final answers, as impact analysis reads them (decisions/ knows the port, not the review log). */
function finalAnswersOf(dataSource: DataSource): FinalAnswerSource {
  return (decisionIds) => finalAnswers(dataSource.manager, decisionIds);
}

/** What a CLI needs to replay the log: nothing is cached across processes (no listener). */
export function createLogReaders(dataSource: DataSource, signer: CheckpointSigner, impactMinDecisions: number): Pick<Services, 'decisionLog' | 'replay'> {
  const decisionLog = new DecisionLogService(dataSource, signer, [new ReviewChain(dataSource)]);
  return {
    decisionLog,
    replay: new ReplayService(dataSource, decisionLog, new VersionCatalogue(dataSource, () => false), impactMinDecisions, finalAnswersOf(dataSource)),
  };
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
