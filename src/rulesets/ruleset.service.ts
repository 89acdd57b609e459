import { DataSource, EntityManager } from 'typeorm';
import { uuidv7 } from 'uuidv7';
import { AuditService } from '../audit/audit.service';
import { ConflictError, NotFoundError } from '../common/errors';
import { isUuid } from '../common/ids';
import { RulesetContent } from '../engine/content';
import { ENGINE_SEMANTICS } from '../engine/semantics';
import { contentHash, orderContent } from './content-hash';
import { RulesetVersionView } from './ruleset-version.view';
import { RulesetEntity } from './ruleset.entity';

export interface RulesetMeta {
  key: string;
  name: string;
  description: string | null;
  makerChecker: boolean;
}

export interface VersionRow {
  id: string;
  ruleset_id: string;
  ruleset_key: string;
  status: 'DRAFT' | 'PUBLISHED';
  number: number | null;
  revision: number;
  parent_number: number | null;
  content: RulesetContent;
  content_hash: string | null;
  changelog: string | null;
  effective_from: Date | null;
  editors: string[];
  created_by: string;
  created_at: Date;
  published_by: string | null;
  published_at: Date | null;
  engine_semantics: number;
  retired_at: Date | null;
}

export const VERSION_SELECT = `
  SELECT v.*, r.key AS ruleset_key, vr.retired_at
  FROM ruleset_version v
  JOIN ruleset r ON r.id = v.ruleset_id
  LEFT JOIN version_retirement vr ON vr.version_id = v.id`;

export function toVersionView(row: VersionRow): RulesetVersionView {
  return {
    id: row.id,
    rulesetId: row.ruleset_id,
    rulesetKey: row.ruleset_key,
    number: row.number,
    status: row.status === 'DRAFT' ? 'DRAFT' : row.retired_at ? 'RETIRED' : 'PUBLISHED',
    revision: row.revision,
    contentHash: row.content_hash ?? contentHash(row.content),
    parentNumber: row.parent_number,
    changelog: row.changelog,
    effectiveFrom: row.effective_from,
    editors: row.editors,
    createdBy: row.created_by,
    createdAt: row.created_at,
    publishedBy: row.published_by,
    publishedAt: row.published_at,
    engineSemantics: row.status === 'DRAFT' ? null : row.engine_semantics,
    retiredAt: row.retired_at,
    content: row.content,
  };
}

/** Reads rulesets and their versions. */
export class RulesetService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService = new AuditService(dataSource),
  ) {}

  listRulesets(): Promise<RulesetEntity[]> {
    return this.dataSource.getRepository(RulesetEntity).find({ order: { key: 'ASC' } });
  }

  findRuleset(key: string, manager: EntityManager = this.dataSource.manager): Promise<RulesetEntity | null> {
    return manager.getRepository(RulesetEntity).findOneBy({ key });
  }

  async getRuleset(key: string, manager: EntityManager = this.dataSource.manager): Promise<RulesetEntity> {
    const ruleset = await this.findRuleset(key, manager);
    if (!ruleset) throw new NotFoundError(`no ruleset with key "${key}"`);
    return ruleset;
  }

  /** Drafts first, then published versions, newest first. */
  async listVersions(rulesetId: string): Promise<RulesetVersionView[]> {
    const rows: VersionRow[] = await this.dataSource.query(
      `${VERSION_SELECT} WHERE v.ruleset_id = $1
       ORDER BY (v.status = 'DRAFT') DESC, v.number DESC NULLS FIRST, v.created_at DESC`,
      [rulesetId],
    );
    return rows.map(toVersionView);
  }

  async findVersionById(id: string, manager: EntityManager = this.dataSource.manager): Promise<RulesetVersionView | null> {
    if (!isUuid(id)) return null;
    const rows: VersionRow[] = await manager.query(`${VERSION_SELECT} WHERE v.id = $1`, [id]);
    return rows[0] ? toVersionView(rows[0]) : null;
  }

  async findVersionByNumber(rulesetId: string, number: number, manager: EntityManager = this.dataSource.manager): Promise<RulesetVersionView | null> {
    const rows: VersionRow[] = await manager.query(`${VERSION_SELECT} WHERE v.ruleset_id = $1 AND v.number = $2`, [rulesetId, number]);
    return rows[0] ? toVersionView(rows[0]) : null;
  }

  async findVersionByHash(rulesetId: string, hash: string): Promise<RulesetVersionView | null> {
    const rows: VersionRow[] = await this.dataSource.query(
      `${VERSION_SELECT} WHERE v.ruleset_id = $1 AND v.status = 'PUBLISHED' AND v.content_hash = $2`,
      [rulesetId, hash.toLowerCase()],
    );
    return rows[0] ? toVersionView(rows[0]) : null;
  }

  /** The published, unretired version with the latest effective-from at or before `at`. */
  async findVersionInEffect(rulesetId: string, at: Date): Promise<RulesetVersionView | null> {
    const rows: VersionRow[] = await this.dataSource.query(
      `${VERSION_SELECT} WHERE v.ruleset_id = $1 AND v.status = 'PUBLISHED' AND vr.version_id IS NULL AND v.effective_from <= $2
       ORDER BY v.effective_from DESC, v.number DESC LIMIT 1`,
      [rulesetId, at],
    );
    return rows[0] ? toVersionView(rows[0]) : null;
  }

  /**
   * Creates a ruleset and publishes `content` as its version 1, in one transaction, with
   * the same edit-trail events as createRuleset and publishDraft.
   * Used for the seed and for importing ruleset files into an empty database.
   */
  async importRuleset(actor: string, meta: RulesetMeta, content: RulesetContent, changelog: string): Promise<RulesetVersionView> {
    return this.dataSource.transaction(async (manager) => {
      if (await this.findRuleset(meta.key, manager)) {
        throw new ConflictError(`ruleset "${meta.key}" already exists; create a draft to change it`);
      }
      const rulesetId = uuidv7();
      const now = new Date();
      // The ruleset remembers the defaults it started with, as createRuleset records them.
      const settings = { ...meta, defaultDecision: content.defaultDecision, defaultMessage: content.defaultMessage };
      await manager.getRepository(RulesetEntity).insert({ id: rulesetId, ...settings, createdBy: actor, createdAt: now });
      const ordered = orderContent(content);
      const hash = contentHash(ordered);
      const versionId = uuidv7();
      await manager.query(
        `INSERT INTO ruleset_version (id, ruleset_id, status, number, revision, content, content_hash, changelog,
           effective_from, editors, created_by, created_at, published_by, published_at, engine_semantics)
         VALUES ($1, $2, 'PUBLISHED', 1, 0, $3, $4, $5, $6, $7, $8, $6, $8, $6, $9)`,
        [versionId, rulesetId, ordered, hash, changelog, now, [actor], actor, ENGINE_SEMANTICS],
      );
      await this.audit.append(manager, { type: 'RULESET_CREATED', actor, rulesetKey: meta.key, versionId: null, revision: null, before: null, after: settings }, now);
      await this.audit.append(
        manager,
        {
          type: 'DRAFT_PUBLISHED',
          actor,
          rulesetKey: meta.key,
          versionId,
          revision: 0,
          before: null,
          after: { status: 'PUBLISHED', number: 1, contentHash: hash, changelog, effectiveFrom: now.toISOString() },
        },
        now,
      );
      const version = await this.findVersionById(versionId, manager);
      return version!;
    });
  }
}
