import { DataSource } from 'typeorm';
import { ApiKeyService } from './api-keys/api-key.service';
import { NotificationListener } from './db/notification-listener';
import { PolicyMetrics } from './metrics/metrics';
import { RulesetService } from './rulesets/ruleset.service';

/** The service layer, built once per process by the composition root. */
export interface Services {
  dataSource: DataSource;
  metrics: PolicyMetrics;
  notifications: NotificationListener;
  apiKeys: ApiKeyService;
  rulesets: RulesetService;
}

export function createServices(dataSource: DataSource, metrics: PolicyMetrics, notifications: NotificationListener): Services {
  return {
    dataSource,
    metrics,
    notifications,
    apiKeys: new ApiKeyService(dataSource, () => notifications.listening),
    rulesets: new RulesetService(dataSource),
  };
}
