import { Column, Entity, PrimaryColumn } from 'typeorm';
import { RulesetContent } from '../engine/content';

export type StoredVersionStatus = 'DRAFT' | 'PUBLISHED';

/** A draft (editable, unnumbered) or a published version (immutable, enforced by triggers). */
@Entity('ruleset_version')
export class RulesetVersionEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'ruleset_id' })
  rulesetId: string;

  @Column('text')
  status: StoredVersionStatus;

  @Column('integer', { nullable: true })
  number: number | null;

  @Column('integer')
  revision: number;

  @Column('integer', { name: 'parent_number', nullable: true })
  parentNumber: number | null;

  @Column('jsonb')
  content: RulesetContent;

  /** Set at publish; drafts compute theirs on read. */
  @Column('text', { name: 'content_hash', nullable: true })
  contentHash: string | null;

  @Column('text', { nullable: true })
  changelog: string | null;

  @Column('timestamptz', { name: 'effective_from', nullable: true })
  effectiveFrom: Date | null;

  /** Everyone who edited the draft: maker-checker compares the publisher against them. */
  @Column('text', { array: true })
  editors: string[];

  @Column('text', { name: 'created_by' })
  createdBy: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('text', { name: 'published_by', nullable: true })
  publishedBy: string | null;

  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt: Date | null;

  /** The engine semantics it was published with; set at publish. */
  @Column('integer', { name: 'engine_semantics' })
  engineSemantics: number;
}

@Entity('version_retirement')
export class VersionRetirementEntity {
  @PrimaryColumn('uuid', { name: 'version_id' })
  versionId: string;

  @Column('text', { name: 'retired_by' })
  retiredBy: string;

  @Column('timestamptz', { name: 'retired_at' })
  retiredAt: Date;
}
