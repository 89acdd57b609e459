import { EntityManager } from 'typeorm';
import { isUuid } from '../common/ids';
import { RulesetContent } from '../engine/content';
import { contentHash } from './content-hash';
import { RulesetVersionView } from './ruleset-version.view';

/**
 * The typed SQL of `ruleset_version` and `version_retirement` (see docs/architecture.md:
 * versions are read by hot and multi-table paths, so they go through SQL, not an entity).
 * Every function takes the manager it runs on: the data source's outside a transaction, the
 * transaction's inside one.
 */
interface VersionRow {
  id: string;
  ruleset_id: string;
  ruleset_key: string;
  status: 'DRAFT' | 'PUBLISHED';
  number: number | null;
  revision: number;
  parent_number: number | null;
  reverts_to: number | null;
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

const VERSION_SELECT = `
  SELECT v.*, r.key AS ruleset_key, vr.retired_at
  FROM ruleset_version v
  JOIN ruleset r ON r.id = v.ruleset_id
  LEFT JOIN version_retirement vr ON vr.version_id = v.id`;

function toVersionView(row: VersionRow): RulesetVersionView {
  return {
    id: row.id,
    rulesetId: row.ruleset_id,
    rulesetKey: row.ruleset_key,
    number: row.number,
    status: row.status === 'DRAFT' ? 'DRAFT' : row.retired_at ? 'RETIRED' : 'PUBLISHED',
    revision: row.revision,
    contentHash: row.content_hash ?? contentHash(row.content),
    parentNumber: row.parent_number,
    revertsTo: row.reverts_to,
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

async function selectOne(db: EntityManager, where: string, params: unknown[]): Promise<RulesetVersionView | null> {
  const rows: VersionRow[] = await db.query(`${VERSION_SELECT} ${where}`, params);
  return rows[0] ? toVersionView(rows[0]) : null;
}

/** The affected rows of an UPDATE/DELETE through TypeORM's postgres driver: `[rows, rowCount]`. */
function affectedRows<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

export function findVersionById(db: EntityManager, id: string): Promise<RulesetVersionView | null> {
  return isUuid(id) ? selectOne(db, 'WHERE v.id = $1', [id]) : Promise.resolve(null);
}

/** The version row locked until the transaction ends. */
export function lockVersion(tx: EntityManager, id: string): Promise<RulesetVersionView | null> {
  return isUuid(id) ? selectOne(tx, 'WHERE v.id = $1 FOR UPDATE OF v', [id]) : Promise.resolve(null);
}

export function findVersionByNumber(db: EntityManager, rulesetId: string, number: number): Promise<RulesetVersionView | null> {
  return selectOne(db, 'WHERE v.ruleset_id = $1 AND v.number = $2', [rulesetId, number]);
}

/** The published, unretired version with the latest effective-from at or before `at`. */
export function findVersionInEffect(db: EntityManager, rulesetId: string, at: Date): Promise<RulesetVersionView | null> {
  return selectOne(
    db,
    `WHERE v.ruleset_id = $1 AND v.status = 'PUBLISHED' AND vr.version_id IS NULL AND v.effective_from <= $2
     ORDER BY v.effective_from DESC, v.number DESC LIMIT 1`,
    [rulesetId, at],
  );
}

/** What a new draft copies by default: the version in effect at `at`, or the newest scheduled one when none is in effect yet. */
export function findDraftSource(db: EntityManager, rulesetId: string, at: Date): Promise<RulesetVersionView | null> {
  return selectOne(
    db,
    `WHERE v.ruleset_id = $1 AND v.status = 'PUBLISHED' AND vr.version_id IS NULL
     ORDER BY (v.effective_from <= $2) DESC, v.effective_from DESC, v.number DESC LIMIT 1`,
    [rulesetId, at],
  );
}

/** Drafts first, then published versions, newest first. */
export async function listVersions(db: EntityManager, rulesetId: string): Promise<RulesetVersionView[]> {
  const rows: VersionRow[] = await db.query(
    `${VERSION_SELECT} WHERE v.ruleset_id = $1 ORDER BY (v.status = 'DRAFT') DESC, v.number DESC NULLS FIRST, v.created_at DESC`,
    [rulesetId],
  );
  return rows.map(toVersionView);
}

export interface NewDraft {
  id: string;
  rulesetId: string;
  parentNumber: number | null;
  /** The version whose content a rollback draft restores. */
  revertsTo?: number | null;
  content: RulesetContent;
  actor: string;
  at: Date;
}

export async function insertDraft(tx: EntityManager, draft: NewDraft): Promise<void> {
  await tx.query(
    `INSERT INTO ruleset_version (id, ruleset_id, status, revision, parent_number, reverts_to, content, editors, created_by, created_at)
     VALUES ($1, $2, 'DRAFT', 0, $3, $4, $5, $6, $7, $8)`,
    [draft.id, draft.rulesetId, draft.parentNumber, draft.revertsTo ?? null, draft.content, [draft.actor], draft.actor, draft.at],
  );
}

/**
 * Saves edited content if the draft is still at `expectedRevision` (a rebase also moves its
 * parent); the new revision, or null when it moved on.
 */
export async function updateDraftContent(
  tx: EntityManager,
  draftId: string,
  expectedRevision: number,
  content: RulesetContent,
  editor: string,
  parentNumber?: number | null,
): Promise<number | null> {
  const updated = affectedRows<{ revision: number }>(
    await tx.query(
      `UPDATE ruleset_version
       SET content = $3, revision = revision + 1,
           editors = CASE WHEN $4 = ANY(editors) THEN editors ELSE array_append(editors, $4) END,
           parent_number = CASE WHEN $5 THEN $6::integer ELSE parent_number END
       WHERE id = $1 AND status = 'DRAFT' AND revision = $2 RETURNING revision`,
      [draftId, expectedRevision, content, editor, parentNumber !== undefined, parentNumber ?? null],
    ),
  );
  return updated[0]?.revision ?? null;
}

export async function deleteDraft(tx: EntityManager, draftId: string): Promise<void> {
  await tx.query(`DELETE FROM ruleset_version WHERE id = $1 AND status = 'DRAFT'`, [draftId]);
}

/** The published versions of a ruleset whose content has this hash, newest first. */
export async function findPublishedNumbersByHash(tx: EntityManager, rulesetId: string, hash: string): Promise<number[]> {
  const rows: { number: number }[] = await tx.query(
    `SELECT number FROM ruleset_version WHERE ruleset_id = $1 AND status = 'PUBLISHED' AND content_hash = $2 ORDER BY number DESC`,
    [rulesetId, hash],
  );
  return rows.map((row) => row.number);
}

/** The newest published version that is not retired: the one every new draft must build on. */
export function findLatestPublished(db: EntityManager, rulesetId: string): Promise<RulesetVersionView | null> {
  return selectOne(db, `WHERE v.ruleset_id = $1 AND v.status = 'PUBLISHED' AND vr.version_id IS NULL ORDER BY v.number DESC LIMIT 1`, [rulesetId]);
}

export async function nextVersionNumber(tx: EntityManager, rulesetId: string): Promise<number> {
  const [{ next }]: { next: number }[] = await tx.query('SELECT coalesce(max(number), 0) + 1 AS next FROM ruleset_version WHERE ruleset_id = $1', [rulesetId]);
  return next;
}

export interface Publication {
  draftId: string;
  expectedRevision: number;
  number: number;
  content: RulesetContent;
  contentHash: string;
  changelog: string;
  effectiveFrom: Date;
  publishedBy: string;
  publishedAt: Date;
  /** The engine semantics the version is published with (and replayed under). */
  engineSemantics: number;
}

/** Freezes the draft as a published version; false when it was no longer the draft at that revision. */
export async function markPublished(tx: EntityManager, publication: Publication): Promise<boolean> {
  const updated = affectedRows(
    await tx.query(
      `UPDATE ruleset_version
       SET status = 'PUBLISHED', number = $3, content = $4, content_hash = $5, changelog = $6, effective_from = $7,
           published_by = $8, published_at = $9, engine_semantics = $10
       WHERE id = $1 AND status = 'DRAFT' AND revision = $2 RETURNING id`,
      [
        publication.draftId,
        publication.expectedRevision,
        publication.number,
        publication.content,
        publication.contentHash,
        publication.changelog,
        publication.effectiveFrom,
        publication.publishedBy,
        publication.publishedAt,
        publication.engineSemantics,
      ],
    ),
  );
  return updated.length === 1;
}

export async function insertRetirement(tx: EntityManager, versionId: string, retiredBy: string, at: Date): Promise<void> {
  await tx.query('INSERT INTO version_retirement (version_id, retired_by, retired_at) VALUES ($1, $2, $3)', [versionId, retiredBy, at]);
}

/** A published version's metadata: enough to resolve every pin in memory. */
export interface PublishedVersionMeta {
  id: string;
  number: number;
  contentHash: string;
  effectiveFrom: number;
  retiredAt: number | null;
}

/** A ruleset's published versions (no content), by number; null when there is no such ruleset. */
export async function publishedVersionsOf(db: EntityManager, rulesetKey: string): Promise<{ rulesetId: string; versions: PublishedVersionMeta[] } | null> {
  const rows: {
    ruleset_id: string;
    id: string | null;
    number: number | null;
    content_hash: string | null;
    effective_from: Date | null;
    retired_at: Date | null;
  }[] = await db.query(
    `SELECT r.id AS ruleset_id, v.id, v.number, v.content_hash, v.effective_from, vr.retired_at
     FROM ruleset r
     LEFT JOIN ruleset_version v ON v.ruleset_id = r.id AND v.status = 'PUBLISHED'
     LEFT JOIN version_retirement vr ON vr.version_id = v.id
     WHERE r.key = $1
     ORDER BY v.number`,
    [rulesetKey],
  );
  if (rows.length === 0) return null;
  return {
    rulesetId: rows[0].ruleset_id,
    versions: rows
      .filter((row) => row.id !== null)
      .map((row) => ({
        id: row.id!,
        number: row.number!,
        contentHash: row.content_hash!,
        effectiveFrom: row.effective_from!.getTime(),
        retiredAt: row.retired_at ? row.retired_at.getTime() : null,
      })),
  };
}

/** A published version's content, or null when the id names no published version. */
export interface PublishedContent {
  rulesetKey: string;
  number: number;
  content: RulesetContent;
  contentHash: string;
}

export async function publishedContent(db: EntityManager, versionId: string): Promise<PublishedContent | null> {
  const rows: PublishedContent[] = await db.query(
    `SELECT r.key AS "rulesetKey", v.number, v.content, v.content_hash AS "contentHash"
     FROM ruleset_version v JOIN ruleset r ON r.id = v.ruleset_id WHERE v.id = $1 AND v.status = 'PUBLISHED'`,
    [versionId],
  );
  return rows[0] ?? null;
}
