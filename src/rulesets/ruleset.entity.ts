import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Decision } from '../engine/content';

@Entity('ruleset')
export class RulesetEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  key: string;

  @Column('text')
  name: string;

  @Column('text', { nullable: true })
  description: string | null;

  /** When on, the publisher of a draft must not be one of its editors. */
  @Column('boolean', { name: 'maker_checker' })
  makerChecker: boolean;

  /** The default decision of this ruleset's first draft (later drafts copy their parent's). */
  @Column('text', { name: 'default_decision', default: 'REVIEW' })
  defaultDecision: Decision;

  @Column('text', { name: 'default_message', nullable: true })
  defaultMessage: string | null;

  @Column('text', { name: 'created_by' })
  createdBy: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
