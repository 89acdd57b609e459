import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A published version records the engine semantics it was published with (src/engine/semantics).
 * Versions published before the column existed were published under semantics 1, the first one
 * the engine names; adding a column with a constant default rewrites no row, so the guard on
 * published rows is not involved. The publish path sets it; a draft's value means nothing yet.
 */
export class RulesetVersionEngineSemantics1764300005000 implements MigrationInterface {
  name = 'RulesetVersionEngineSemantics1764300005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ruleset_version ADD COLUMN engine_semantics integer NOT NULL DEFAULT 1 CHECK (engine_semantics >= 1)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ruleset_version DROP COLUMN engine_semantics`);
  }
}
