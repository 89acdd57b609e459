import { DataSource } from 'typeorm';
import { ApiKeyService } from './api-keys/api-key.service';
import { AuditService } from './audit/audit.service';
import { NotificationListener } from './db/notification-listener';
import { PolicyMetrics } from './metrics/metrics';
import { DraftService } from './rulesets/draft.service';
import { RulesetService } from './rulesets/ruleset.service';

/** The service layer, built once per process by the composition root. */
export interface Services {
  dataSource: DataSource;
  metrics: PolicyMetrics;
  notifications: NotificationListener;
  apiKeys: ApiKeyService;
  rulesets: RulesetService;
  audit: AuditService;
  drafts: DraftService;
}

export function createServices(dataSource: DataSource, metrics: PolicyMetrics, notifications: NotificationListener): Services {
  const rulesets = new RulesetService(dataSource);
  const audit = new AuditService(dataSource);
  return {
    dataSource,
    metrics,
    notifications,
    apiKeys: new ApiKeyService(dataSource, () => notifications.listening),
    rulesets,
    audit,
    drafts: new DraftService(dataSource, rulesets, audit),
  };
}
