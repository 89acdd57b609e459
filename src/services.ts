import { DataSource } from 'typeorm';
import { ApiKeyService } from './api-keys/api-key.service';
import { AuditService } from './audit/audit.service';
import { NotificationListener } from './db/notification-listener';
import { DecisionLogService } from './decisions/decision-log.service';
import { DecisionLogWriter } from './decisions/decision-log.writer';
import { ReplayService } from './decisions/replay.service';
import { EnterpriseService } from './enterprises/enterprise.service';
import { EvaluationService } from './evaluations/evaluation.service';
import { VersionResolver } from './evaluations/version-resolver';
import { PolicyMetrics } from './metrics/metrics';
import { DraftService } from './rulesets/draft.service';
import { RulesetService } from './rulesets/ruleset.service';
import type { Pool } from 'pg';

/** The service layer, built once per process by the composition root. */
export interface Services {
  dataSource: DataSource;
  metrics: PolicyMetrics;
  notifications: NotificationListener;
  apiKeys: ApiKeyService;
  rulesets: RulesetService;
  audit: AuditService;
  drafts: DraftService;
  versions: VersionResolver;
  logWriter: DecisionLogWriter;
  decisionLog: DecisionLogService;
  enterprises: EnterpriseService;
  evaluations: EvaluationService;
  replay: ReplayService;
}

/** Group commit of the decision log (Config.logBatchWindowMs / logBatchMaxSize). */
export interface DecisionLogOptions {
  logBatchWindowMs: number;
  logBatchMaxSize: number;
}

export function createServices(
  dataSource: DataSource,
  metrics: PolicyMetrics,
  notifications: NotificationListener,
  logOptions: DecisionLogOptions = { logBatchWindowMs: 2, logBatchMaxSize: 500 },
): Services {
  const rulesets = new RulesetService(dataSource);
  const audit = new AuditService(dataSource);
  const versions = new VersionResolver(dataSource, () => notifications.listening, metrics);
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  const logWriter = new DecisionLogWriter(pool, { batchWindowMs: logOptions.logBatchWindowMs, batchMaxSize: logOptions.logBatchMaxSize }, metrics);
  const decisionLog = new DecisionLogService(dataSource);
  const enterprises = new EnterpriseService(dataSource, pool, logWriter);
  return {
    dataSource,
    metrics,
    notifications,
    apiKeys: new ApiKeyService(dataSource, () => notifications.listening),
    rulesets,
    audit,
    drafts: new DraftService(dataSource, rulesets, audit),
    versions,
    logWriter,
    decisionLog,
    enterprises,
    evaluations: new EvaluationService(versions, enterprises, logWriter, metrics),
    replay: new ReplayService(dataSource, decisionLog, versions),
  };
}
