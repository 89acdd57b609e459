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
  versionId?: string | null;
  /** One of AUDIT_EVENT_TYPES; anything else is BAD_USER_INPUT. */
  type?: string | null;
  /** Newest first; at most this many. */
  first?: number;
}

/** jsonb parameters go as JSON text: the driver would send a bare string as text, not as a JSON string. */
const toJsonb = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

/** The edit trail: appended by the authoring services inside their own transactions. */
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends one event with the caller's transaction manager, so it commits or rolls back with the change. */
  async append(tx: EntityManager, context: RequestContext, event: AuditEventInput): Promise<void> {
    await tx.query(
      `INSERT INTO audit_event (id, ruleset_key, version_id, revision, type, actor, at, before, after)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)`,
      [uuidv7(), event.rulesetKey, event.versionId, event.revision, event.type, actorOf(context), context.now, toJsonb(event.before), toJsonb(event.after)],
    );
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
    const first = Math.min(Math.max(filter.first ?? 50, 1), MAX_AUDIT_PAGE);
    return query.orderBy('e.at', 'DESC').addOrderBy('e.id', 'DESC').take(first).getMany();
  }
}
