import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The publish path is the only way a row becomes PUBLISHED: a row may turn (or be
 * inserted) PUBLISHED only in a transaction that has already appended the DRAFT_PUBLISHED
 * audit event for that version, with the same number and content hash. An UPDATE typed by
 * hand with a made-up number and hash is refused; a forger who also writes the audit event
 * leaves it in the edit trail, and the made-up hash is caught when a process loads the
 * version (the hash is recomputed from the content).
 */
export class PublishRequiresAuditEvent1764300012000 implements MigrationInterface {
  name = 'PublishRequiresAuditEvent1764300012000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION guard_publication() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'PUBLISHED' AND (TG_OP = 'INSERT' OR OLD.status = 'DRAFT') AND NOT EXISTS (
          SELECT 1 FROM audit_event a
          WHERE a.version_id = NEW.id AND a.type = 'DRAFT_PUBLISHED'
            -- appended by this very transaction
            AND a.xmin::text = (pg_current_xact_id()::text::bigint % 4294967296)::text
            AND a.after->>'number' = NEW.number::text AND a.after->>'contentHash' = NEW.content_hash
        ) THEN
          RAISE EXCEPTION 'ruleset_version %: only the publish path may publish (no DRAFT_PUBLISHED audit event for version % in this transaction)', NEW.id, NEW.number
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER ruleset_version_publication BEFORE INSERT OR UPDATE ON ruleset_version
        FOR EACH ROW EXECUTE FUNCTION guard_publication();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER ruleset_version_publication ON ruleset_version; DROP FUNCTION guard_publication()');
  }
}
