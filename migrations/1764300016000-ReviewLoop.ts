import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The human review loop (issue 16).
 *
 * - `reviewer` joins the known roles of API keys.
 * - `review_log`: appeals and reviewers' final answers, append-only and hash-chained like the
 *   decision log (hash = sha256(prevHash || recordHash)); every record names a logged decision.
 *   A correction is a new outcome that supersedes the previous one: one first outcome per
 *   decision, and each outcome superseded at most once, so a decision's outcomes form one line.
 *   The insert guard keeps the chain linear (next seq, predecessor's hash, hash recomputed).
 * - `review_queue`: the decisions awaiting a human answer, a working index so that a page of
 *   the queue costs an index range scan however long the log grows. REVIEW decisions enter it
 *   from the decision log itself (a statement trigger on every append), appealed REJECTs when
 *   the appeal is recorded. A row leaves only once the log holds an outcome for its decision:
 *   the service role cannot hide a waiting decision, nor change or truncate the queue.
 *
 * ccc_service gets INSERT and SELECT on both (and DELETE on the queue, bounded by its trigger).
 */
export class ReviewLoop1764300016000 implements MigrationInterface {
  name = 'ReviewLoop1764300016000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE api_key DROP CONSTRAINT api_key_roles_known;
      ALTER TABLE api_key ADD CONSTRAINT api_key_roles_known
        CHECK (roles <@ ARRAY['admin','editor','publisher','evaluator','auditor','reviewer']::text[] AND cardinality(roles) > 0);

      CREATE TABLE review_log (
        seq bigint PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('APPEAL', 'OUTCOME')),
        decision_id uuid NOT NULL,
        decision_hash text NOT NULL,
        decided_at timestamptz NOT NULL,
        ruleset_key text NOT NULL,
        version_number integer NOT NULL,
        automatic_decision text NOT NULL,
        outcome text CHECK (outcome IN ('APPROVED', 'REJECTED')),
        reason text NOT NULL CHECK (btrim(reason) <> ''),
        rule_keys jsonb NOT NULL,
        supersedes uuid REFERENCES review_log (id),
        caller text NOT NULL,
        created_at timestamptz NOT NULL,
        record_hash text NOT NULL,
        prev_hash text,
        hash text NOT NULL,
        CHECK ((kind = 'OUTCOME') = (outcome IS NOT NULL)),
        CHECK (kind = 'OUTCOME' OR supersedes IS NULL)
      );
      CREATE INDEX review_log_decision ON review_log (decision_id, seq);
      CREATE INDEX review_log_ruleset ON review_log (ruleset_key, decided_at);
      CREATE UNIQUE INDEX review_log_one_appeal ON review_log (decision_id) WHERE kind = 'APPEAL';
      CREATE UNIQUE INDEX review_log_first_outcome ON review_log (decision_id) WHERE kind = 'OUTCOME' AND supersedes IS NULL;
      CREATE UNIQUE INDEX review_log_superseded_once ON review_log (supersedes) WHERE supersedes IS NOT NULL;

      CREATE FUNCTION guard_review_log_append() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        last_seq bigint;
        last_hash text;
      BEGIN
        SELECT seq, hash INTO last_seq, last_hash FROM review_log ORDER BY seq DESC LIMIT 1;
        IF NEW.seq <> coalesce(last_seq, 0) + 1 OR NEW.prev_hash IS DISTINCT FROM last_hash
           OR NEW.hash <> encode(sha256(convert_to(coalesce(NEW.prev_hash, '') || NEW.record_hash, 'UTF8')), 'hex') THEN
          RAISE EXCEPTION 'review_log: record % does not continue the chain after seq %', NEW.seq, coalesce(last_seq, 0)
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW.supersedes IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM review_log WHERE id = NEW.supersedes AND kind = 'OUTCOME' AND decision_id = NEW.decision_id) THEN
          RAISE EXCEPTION 'review_log: an outcome supersedes only an earlier outcome of the same decision'
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER review_log_chained BEFORE INSERT ON review_log FOR EACH ROW EXECUTE FUNCTION guard_review_log_append();
      CREATE TRIGGER review_log_append_only BEFORE UPDATE OR DELETE ON review_log FOR EACH ROW EXECUTE FUNCTION refuse_change();
      CREATE TRIGGER review_log_no_truncate BEFORE TRUNCATE ON review_log FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

      CREATE TABLE review_queue (
        decision_id uuid PRIMARY KEY,
        ruleset_key text NOT NULL,
        version_number integer NOT NULL,
        decision_seq bigint NOT NULL,
        decided_at timestamptz NOT NULL,
        reason text NOT NULL CHECK (reason IN ('REVIEW', 'APPEAL')),
        risk_score integer NOT NULL DEFAULT 0
      );
      CREATE INDEX review_queue_oldest ON review_queue (ruleset_key, decision_seq);
      CREATE INDEX review_queue_riskiest ON review_queue (ruleset_key, risk_score DESC, decision_seq);

      CREATE FUNCTION guard_review_queue() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM review_log WHERE decision_id = OLD.decision_id AND kind = 'OUTCOME') THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'review_queue: % refused (a decision leaves the queue only when its final answer is logged)', TG_OP
          USING ERRCODE = 'integrity_constraint_violation';
      END $$;
      CREATE TRIGGER review_queue_guarded BEFORE UPDATE OR DELETE ON review_queue FOR EACH ROW EXECUTE FUNCTION guard_review_queue();
      CREATE TRIGGER review_queue_no_truncate BEFORE TRUNCATE ON review_queue FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

      -- Once per appended batch (one statement), not per record: the log's throughput is the hot path.
      CREATE FUNCTION queue_review_decisions() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO review_queue (decision_id, ruleset_key, version_number, decision_seq, decided_at, reason, risk_score)
        SELECT id, ruleset_key, version_number, seq, created_at, 'REVIEW', coalesce((output->>'riskScore')::integer, 0)
        FROM appended WHERE kind = 'NUMBER_APPLICATION' AND decision = 'REVIEW';
        RETURN NULL;
      END $$;
      CREATE TRIGGER decision_log_queues_reviews AFTER INSERT ON decision_log REFERENCING NEW TABLE AS appended
        FOR EACH STATEMENT EXECUTE FUNCTION queue_review_decisions();

      INSERT INTO review_queue (decision_id, ruleset_key, version_number, decision_seq, decided_at, reason, risk_score)
      SELECT id, ruleset_key, version_number, seq, created_at, 'REVIEW', coalesce((output->>'riskScore')::integer, 0)
      FROM decision_log WHERE kind = 'NUMBER_APPLICATION' AND decision = 'REVIEW';

      GRANT SELECT, INSERT ON review_log TO ccc_service;
      GRANT SELECT, INSERT, DELETE ON review_queue TO ccc_service;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER decision_log_queues_reviews ON decision_log;
      DROP FUNCTION queue_review_decisions();
      DROP TABLE review_queue;
      DROP FUNCTION guard_review_queue();
      DROP TABLE review_log;
      DROP FUNCTION guard_review_log_append();
      UPDATE api_key SET roles = array_remove(roles, 'reviewer') WHERE 'reviewer' = ANY (roles);
      ALTER TABLE api_key DROP CONSTRAINT api_key_roles_known;
      ALTER TABLE api_key ADD CONSTRAINT api_key_roles_known
        CHECK (roles <@ ARRAY['admin','editor','publisher','evaluator','auditor']::text[] AND cardinality(roles) > 0);
    `);
  }
}
