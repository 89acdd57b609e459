import { ApiKeyEntity } from '../api-keys/api-key.entity';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { RulesetEntity } from '../rulesets/ruleset.entity';

/**
 * The tables read and written through TypeORM repositories: small rows with simple access.
 * Versions, the decision log and enterprise standing go through typed SQL modules instead
 * (see docs/architecture.md, "Data access").
 */
export const entities = [ApiKeyEntity, RulesetEntity, AuditEventEntity];
