import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rollback publishes an older version's content again as the next version (v3 "reverts to v1"),
 * so two published versions of a ruleset may now share a content hash: the unique index
 * becomes a plain one (a hash pin then names the newest of them). A draft made by
 * revertToVersion remembers the version it restores.
 */
export class VersionRevert1764300006000 implements MigrationInterface {
  name = 'VersionRevert1764300006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX ruleset_version_hash;
      CREATE INDEX ruleset_version_hash ON ruleset_version (ruleset_id, content_hash) WHERE status = 'PUBLISHED';
      ALTER TABLE ruleset_version ADD COLUMN reverts_to integer;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE ruleset_version DROP COLUMN reverts_to;
      DROP INDEX ruleset_version_hash;
      CREATE UNIQUE INDEX ruleset_version_hash ON ruleset_version (ruleset_id, content_hash) WHERE status = 'PUBLISHED';
    `);
  }
}
