import { Column, Entity, PrimaryColumn } from 'typeorm';

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

  @Column('text', { name: 'created_by' })
  createdBy: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
