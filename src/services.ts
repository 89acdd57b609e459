import { DataSource } from 'typeorm';
import { ApiKeyService } from './api-keys/api-key.service';
import { PolicyMetrics } from './metrics/metrics';
import { RulesetService } from './rulesets/ruleset.service';

/** The service layer, built once per process by the composition root. */
export interface Services {
  dataSource: DataSource;
  metrics: PolicyMetrics;
  apiKeys: ApiKeyService;
  rulesets: RulesetService;
}

export function createServices(dataSource: DataSource, metrics: PolicyMetrics): Services {
  return {
    dataSource,
    metrics,
    apiKeys: new ApiKeyService(dataSource),
    rulesets: new RulesetService(dataSource),
  };
}
