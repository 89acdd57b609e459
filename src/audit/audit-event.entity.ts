import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AuditChange, AuditEventType, EnterpriseChange } from './audit-event';

/** One authoring change (or an enterprise's reinstatement), appended in the transaction that made it. Append-only (database triggers). */
@Entity('audit_event')
export class AuditEventEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** null for an enterprise's event (then enterpriseId is set). */
  @Column('text', { name: 'ruleset_key', nullable: true })
  rulesetKey: string | null;

  @Column('text', { name: 'enterprise_id', nullable: true })
  enterpriseId: string | null;

  /** The draft (or, after publishing, the version: a draft keeps its id when published). */
  @Column('uuid', { name: 'version_id', nullable: true })
  versionId: string | null;

  /** The draft's revision after the change. */
  @Column('integer', { nullable: true })
  revision: number | null;

  @Column('text')
  type: AuditEventType;

  @Column('text')
  actor: string;

  @Column('timestamptz')
  at: Date;

  @Column('jsonb', { nullable: true })
  before: AuditChange['before'] | EnterpriseChange['before'];

  @Column('jsonb', { nullable: true })
  after: AuditChange['after'] | EnterpriseChange['after'];
}
