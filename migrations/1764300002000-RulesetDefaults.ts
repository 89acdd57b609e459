import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A ruleset remembers the default decision (and message) it was created with, so that the
 * first draft of a ruleset that has no published version yet starts from them.
 */
export class RulesetDefaults1764300002000 implements MigrationInterface {
  name = 'RulesetDefaults1764300002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE ruleset
        ADD COLUMN default_decision text NOT NULL DEFAULT 'REVIEW' CHECK (default_decision IN ('ALLOW', 'REVIEW', 'REJECT')),
        ADD COLUMN default_message text;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ruleset DROP COLUMN default_message, DROP COLUMN default_decision`);
  }
}
