import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The service runs as `ccc_service`, a role that owns nothing: it may read and append the
 * decision log but not change, delete or truncate it, and it cannot disable triggers
 * (only a table's owner can). Migrations run as the owner (docs/deployment.md).
 *
 * - The role is created NOLOGIN when missing (a deployment creates it, with LOGIN, first).
 * - Every existing log partition refuses TRUNCATE, and ensure_decision_log_partition gives
 *   every future one the same trigger; it runs as its owner (SECURITY DEFINER) because
 *   only the parent's owner may attach a partition.
 * - The chain head only advances: a trigger checks that the new head is a logged record
 *   and that the records after the old head continue it.
 */
export class LeastPrivilege1764300011000 implements MigrationInterface {
  name = 'LeastPrivilege1764300011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ccc_service') THEN
          CREATE ROLE ccc_service NOLOGIN;
        END IF;
      EXCEPTION
        WHEN duplicate_object THEN NULL; -- another database's migration created it first
        WHEN insufficient_privilege THEN
          RAISE EXCEPTION 'role ccc_service does not exist and % may not create it: create it first (docs/deployment.md)', current_user;
      END $$;

      GRANT USAGE ON SCHEMA public TO ccc_service;
      GRANT SELECT, INSERT, UPDATE ON api_key, ruleset, enterprise TO ccc_service;
      GRANT SELECT, INSERT, UPDATE, DELETE ON ruleset_version TO ccc_service;
      GRANT SELECT, INSERT ON version_retirement, audit_event, enterprise_violation, decision_log TO ccc_service;
      -- UPDATE: append_decision_batch (running as the caller) locks and moves the head; the trigger below bounds how.
      GRANT SELECT, UPDATE ON decision_log_head TO ccc_service;
      GRANT SELECT ON migrations TO ccc_service;

      CREATE OR REPLACE FUNCTION ensure_decision_log_partition(month date) RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$
      DECLARE
        start_at date := date_trunc('month', month)::date;
        name text := format('decision_log_%s', to_char(start_at, 'YYYY_MM'));
      BEGIN
        IF to_regclass(name) IS NULL THEN
          EXECUTE format('CREATE TABLE %I PARTITION OF decision_log FOR VALUES FROM (%L) TO (%L)',
                         name, start_at, (start_at + interval '1 month')::date);
          -- Statement triggers are not inherited from the parent: each partition gets its own.
          EXECUTE format('CREATE TRIGGER no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()', name);
        END IF;
      EXCEPTION
        -- Another process created it first; or the DEFAULT partition already holds rows of
        -- that month (they stay there: correct, just not pruned).
        WHEN duplicate_table OR check_violation THEN NULL;
      END $$;
      REVOKE EXECUTE ON FUNCTION ensure_decision_log_partition(date) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION ensure_decision_log_partition(date) TO ccc_service;

      DO $$
      DECLARE
        part regclass;
      BEGIN
        -- A SECURITY DEFINER function must not find the caller's temporary objects first.
        EXECUTE format('ALTER FUNCTION ensure_decision_log_partition(date) SET search_path = %I, pg_temp', current_schema());
        FOR part IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'decision_log'::regclass
                    AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = inhrelid AND tgname = 'no_truncate') LOOP
          EXECUTE format('CREATE TRIGGER no_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()', part);
        END LOOP;
      END $$;

      CREATE FUNCTION guard_decision_log_head() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'UPDATE' THEN
          RAISE EXCEPTION 'decision_log_head: DELETE refused (the chain head only advances)' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW.seq = OLD.seq AND NEW.hash IS NOT DISTINCT FROM OLD.hash THEN RETURN NEW; END IF;
        IF NEW.seq < OLD.seq
           OR NOT EXISTS (SELECT 1 FROM decision_log WHERE seq = NEW.seq AND hash = NEW.hash)
           OR NOT EXISTS (SELECT 1 FROM decision_log WHERE seq = OLD.seq + 1 AND prev_hash IS NOT DISTINCT FROM OLD.hash) THEN
          RAISE EXCEPTION 'decision_log_head: the new head (seq %) does not continue the chain from seq %', NEW.seq, OLD.seq
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER decision_log_head_advances BEFORE UPDATE OR DELETE ON decision_log_head
        FOR EACH ROW EXECUTE FUNCTION guard_decision_log_head();
      CREATE TRIGGER decision_log_head_no_truncate BEFORE TRUNCATE ON decision_log_head
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER decision_log_head_no_truncate ON decision_log_head;
      DROP TRIGGER decision_log_head_advances ON decision_log_head;
      DROP FUNCTION guard_decision_log_head();
      REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ccc_service;
      REVOKE USAGE ON SCHEMA public FROM ccc_service;
      GRANT EXECUTE ON FUNCTION ensure_decision_log_partition(date) TO PUBLIC;
      ALTER FUNCTION ensure_decision_log_partition(date) SECURITY INVOKER RESET search_path;
    `);
    // The partitions' TRUNCATE triggers (and the function that adds them) stay: they only
    // refuse what was always meant to be refused, and re-applying skips them.
  }
}
