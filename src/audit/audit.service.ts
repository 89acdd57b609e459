import { DataSource, EntityManager } from 'typeorm';
import { uuidv7 } from 'uuidv7';
import { BadInputError } from '../common/errors';
import { isUuid } from '../common/ids';
import { actorOf, RequestContext } from '../common/request-context';
import { MAX_AUDIT_PAGE } from '../common/limits';
import { AuditEventEntity } from './audit-event.entity';
import { AUDIT_EVENT_TYPES, AuditEventInput, AuditEventType } from './audit-event';

export interface AuditEventFilter {
  rulesetKey?: string | null;
  enterpriseId?: string | null;
  versionId?: string | null;
  /** One of AUDIT_EVENT_TYPES; anything else is BAD_USER_INPUT. */
  type?: string | null;
  /** Newest first; at most this many. */
  first?: number;
}

/** The edit trail: appended by the authoring services inside their own transactions. */
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends one event with the caller's transaction manager, so it commits or rolls back with the change. */
  async append(tx: EntityManager, context: RequestContext, event: AuditEventInput): Promise<void> {
    const subject =
      event.type === 'ENTERPRISE_REINSTATED'
        ? { rulesetKey: null, enterpriseId: event.enterpriseId, versionId: null, revision: null }
        : { rulesetKey: event.rulesetKey, enterpriseId: null, versionId: event.versionId, revision: event.revision };
    await tx.getRepository(AuditEventEntity).insert({
      id: uuidv7(),
      ...subject,
      type: event.type,
      actor: actorOf(context),
      at: context.now,
      before: event.before,
      after: event.after,
    });
  }

  /** Events newest first, per ruleset, per draft and/or per enterprise. */
  async list(filter: AuditEventFilter): Promise<AuditEventEntity[]> {
    if (filter.type != null && !AUDIT_EVENT_TYPES.includes(filter.type as AuditEventType)) {
      throw new BadInputError(`unknown audit event type "${filter.type}"; expected one of ${AUDIT_EVENT_TYPES.join(', ')}`);
    }
    if (filter.versionId != null && !isUuid(filter.versionId)) return [];
    const query = this.dataSource.getRepository(AuditEventEntity).createQueryBuilder('e');
    if (filter.rulesetKey != null) query.andWhere('e.ruleset_key = :rulesetKey', { rulesetKey: filter.rulesetKey });
    if (filter.enterpriseId != null) query.andWhere('e.enterprise_id = :enterpriseId', { enterpriseId: filter.enterpriseId });
    if (filter.versionId != null) query.andWhere('e.version_id = :versionId', { versionId: filter.versionId });
    if (filter.type != null) query.andWhere('e.type = :type', { type: filter.type });
    const first = filter.first ?? 50;
    if (!Number.isInteger(first) || first < 1 || first > MAX_AUDIT_PAGE) {
      throw new BadInputError(`first must be between 1 and ${MAX_AUDIT_PAGE}, got ${first}`);
    }
    return query.orderBy('e.at', 'DESC').addOrderBy('e.id', 'DESC').take(first).getMany();
  }
}
