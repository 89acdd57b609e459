import { DataSource } from 'typeorm';
import { ApiKeyService } from './api-keys/api-key.service';
import { RulesetService } from './rulesets/ruleset.service';

/** The service layer, built once per process by the composition root. */
export interface Services {
  dataSource: DataSource;
  apiKeys: ApiKeyService;
  rulesets: RulesetService;
}

export function createServices(dataSource: DataSource): Services {
  return {
    dataSource,
    apiKeys: new ApiKeyService(dataSource),
    rulesets: new RulesetService(dataSource),
  };
}
