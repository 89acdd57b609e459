import { DataSource } from 'typeorm';
import { uuidv7 } from 'uuidv7';
import { RulesetContent } from '../../src/engine';
import { contentHash, orderContent } from '../../src/rulesets/content-hash';

/**
 * Versions written by direct SQL, so decision-log tests do not depend on the authoring
 * API: a published version (with the DRAFT_PUBLISHED audit event the database requires,
 * and the notification publish sends), a draft, a retirement.
 */
export async function seedContent(dataSource: DataSource, rulesetKey = 'ccc-access'): Promise<RulesetContent> {
  const [row] = await dataSource.query(`SELECT v.content FROM ruleset_version v JOIN ruleset r ON r.id = v.ruleset_id WHERE r.key = $1 AND v.number = 1`, [
    rulesetKey,
  ]);
  return row.content;
}

export async function publishBySql(
  dataSource: DataSource,
  content: RulesetContent,
  options: { rulesetKey?: string; effectiveFrom?: Date; notify?: boolean } = {},
): Promise<{ id: string; number: number; contentHash: string }> {
  const rulesetKey = options.rulesetKey ?? 'ccc-access';
  const ordered = orderContent(content);
  const hash = contentHash(ordered);
  const id = uuidv7();
  return dataSource.transaction(async (manager) => {
    const [{ id: rulesetId }] = await manager.query('SELECT id FROM ruleset WHERE key = $1 FOR UPDATE', [rulesetKey]);
    const [{ next }] = await manager.query('SELECT coalesce(max(number), 0) + 1 AS next FROM ruleset_version WHERE ruleset_id = $1', [rulesetId]);
    const now = new Date();
    await manager.query(
      `INSERT INTO audit_event (id, ruleset_key, version_id, revision, type, actor, after)
       VALUES ($1, $2, $3, 0, 'DRAFT_PUBLISHED', 'test', $4)`,
      [uuidv7(), rulesetKey, id, { status: 'PUBLISHED', number: next, contentHash: hash }],
    );
    await manager.query(
      `INSERT INTO ruleset_version (id, ruleset_id, status, number, revision, content, content_hash, changelog,
         effective_from, editors, created_by, created_at, published_by, published_at)
       VALUES ($1, $2, 'PUBLISHED', $3, 0, $4, $5, 'test publish', $6, '{test}', 'test', $7, 'test', $7)`,
      [id, rulesetId, next, ordered, hash, options.effectiveFrom ?? now, now],
    );
    if (options.notify !== false) await manager.query(`SELECT pg_notify('ccc_policy_versions', $1)`, [rulesetKey]);
    return { id, number: next, contentHash: hash };
  });
}

export async function insertDraftBySql(dataSource: DataSource, content: RulesetContent, rulesetKey = 'ccc-access'): Promise<string> {
  const id = uuidv7();
  await dataSource.query(
    `INSERT INTO ruleset_version (id, ruleset_id, status, number, revision, parent_number, content, editors, created_by)
     SELECT $1, r.id, 'DRAFT', NULL, 1, 1, $2, '{test}', 'test' FROM ruleset r WHERE r.key = $3`,
    [id, content, rulesetKey],
  );
  return id;
}

export async function retireBySql(dataSource: DataSource, versionId: string, rulesetKey = 'ccc-access'): Promise<void> {
  await dataSource.transaction(async (manager) => {
    await manager.query(`INSERT INTO version_retirement (version_id, retired_by) VALUES ($1, 'test')`, [versionId]);
    await manager.query(`SELECT pg_notify('ccc_policy_versions', $1)`, [rulesetKey]);
  });
}

/** The seed content with one business rule removed (by key). */
export function withoutRule(content: RulesetContent, key: string): RulesetContent {
  return { ...content, businessRules: content.businessRules.filter((rule) => rule.key !== key) };
}
