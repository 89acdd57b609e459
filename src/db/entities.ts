import { ApiKeyEntity } from '../api-keys/api-key.entity';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { RulesetVersionEntity, VersionRetirementEntity } from '../rulesets/ruleset-version.entity';
import { RulesetEntity } from '../rulesets/ruleset.entity';

export const entities = [ApiKeyEntity, RulesetEntity, RulesetVersionEntity, VersionRetirementEntity, AuditEventEntity];
