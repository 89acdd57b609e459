import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AuditChange, AuditEventType } from './audit-event';

/** One authoring change, appended in the transaction that made it. Append-only (database triggers). */
@Entity('audit_event')
export class AuditEventEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text', { name: 'ruleset_key' })
  rulesetKey: string;

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
  before: AuditChange['before'];

  @Column('jsonb', { nullable: true })
  after: AuditChange['after'];
}
