import { DataSource, EntityManager } from 'typeorm';
import { uuidv7 } from 'uuidv7';
import { BadInputError } from '../common/errors';
import { isUuid } from '../common/ids';
import { AuditEventEntity } from './audit-event.entity';
import { AUDIT_EVENT_TYPES, AuditEventInput, AuditEventType } from './audit-event';

export interface AuditEventFilter {
  rulesetKey?: string | null;
  versionId?: string | null;
  /** One of AUDIT_EVENT_TYPES; anything else is BAD_USER_INPUT. */
  type?: string | null;
  /** Newest first; at most this many. */
  first?: number;
}

export const MAX_AUDIT_PAGE = 500;

/** jsonb parameters go as JSON text: the driver would send a bare string as text, not as a JSON string. */
const toJsonb = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

/** The edit trail: appended by the authoring services inside their own transactions. */
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends one event with the caller's transaction manager, so it commits or rolls back with the change. */
  async append(manager: EntityManager, event: AuditEventInput, at: Date = new Date()): Promise<AuditEventEntity> {
    const entity: AuditEventEntity = { id: uuidv7(), at, ...event, before: event.before ?? null, after: event.after ?? null };
    await manager.query(
      `INSERT INTO audit_event (id, ruleset_key, version_id, revision, type, actor, at, before, after)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)`,
      [entity.id, entity.rulesetKey, entity.versionId, entity.revision, entity.type, entity.actor, at, toJsonb(entity.before), toJsonb(entity.after)],
    );
    return entity;
  }

  /** Events newest first, per ruleset and/or per draft. */
  async list(filter: AuditEventFilter): Promise<AuditEventEntity[]> {
    if (filter.type != null && !AUDIT_EVENT_TYPES.includes(filter.type as AuditEventType)) {
      throw new BadInputError(`unknown audit event type "${filter.type}"; expected one of ${AUDIT_EVENT_TYPES.join(', ')}`);
    }
    if (filter.versionId != null && !isUuid(filter.versionId)) return [];
    const query = this.dataSource.getRepository(AuditEventEntity).createQueryBuilder('e');
    if (filter.rulesetKey != null) query.andWhere('e.ruleset_key = :rulesetKey', { rulesetKey: filter.rulesetKey });
    if (filter.versionId != null) query.andWhere('e.version_id = :versionId', { versionId: filter.versionId });
    if (filter.type != null) query.andWhere('e.type = :type', { type: filter.type });
    const first = filter.first ?? 50;
    if (!Number.isInteger(first) || first < 1 || first > MAX_AUDIT_PAGE) {
      throw new BadInputError(`first must be between 1 and ${MAX_AUDIT_PAGE}, got ${first}`);
    }
    return query.orderBy('e.at', 'DESC').addOrderBy('e.id', 'DESC').take(first).getMany();
  }
}
