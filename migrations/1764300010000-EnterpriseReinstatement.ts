import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reinstating an OFFLINE enterprise: its standing remembers when it was last reinstated (a
 * ruleset may count escalation only from then), and the edit trail records who reinstated it
 * and why. An enterprise event belongs to no ruleset, so an audit event now names a ruleset,
 * an enterprise, or both, but never neither.
 */
export class EnterpriseReinstatement1764300010000 implements MigrationInterface {
  name = 'EnterpriseReinstatement1764300010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE enterprise ADD COLUMN reinstated_at timestamptz;

      ALTER TABLE audit_event
        ALTER COLUMN ruleset_key DROP NOT NULL,
        ADD COLUMN enterprise_id text,
        ADD CONSTRAINT audit_event_subject CHECK (ruleset_key IS NOT NULL OR enterprise_id IS NOT NULL);
      CREATE INDEX audit_event_enterprise ON audit_event (enterprise_id, at, id) WHERE enterprise_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX audit_event_enterprise;
      ALTER TABLE audit_event DROP CONSTRAINT audit_event_subject, DROP COLUMN enterprise_id, ALTER COLUMN ruleset_key SET NOT NULL;
      ALTER TABLE enterprise DROP COLUMN reinstated_at;
    `);
  }
}
