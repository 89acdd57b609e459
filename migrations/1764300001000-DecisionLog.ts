import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The append-only, hash-chained decision log (range-partitioned by month) and the
 * enterprise standing that recorded violations change.
 */
export class DecisionLog1764300001000 implements MigrationInterface {
  name = 'DecisionLog1764300001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE decision_log (
        seq bigint NOT NULL,
        id uuid NOT NULL,
        kind text NOT NULL,
        ruleset_key text NOT NULL,
        version_number integer NOT NULL,
        content_hash text NOT NULL,
        enterprise_id text,
        decision text,
        severity text,
        input jsonb NOT NULL,
        output jsonb NOT NULL,
        state jsonb NOT NULL,
        caller text NOT NULL,
        request_id text,
        engine_version text NOT NULL,
        created_at timestamptz NOT NULL,
        record_hash text NOT NULL,
        prev_hash text,
        hash text NOT NULL,
        PRIMARY KEY (seq, created_at)
      ) PARTITION BY RANGE (created_at);
      CREATE TABLE decision_log_default PARTITION OF decision_log DEFAULT;
      CREATE INDEX decision_log_id ON decision_log (id);
      CREATE INDEX decision_log_ruleset ON decision_log (ruleset_key, seq);
      CREATE INDEX decision_log_enterprise ON decision_log (enterprise_id, seq) WHERE enterprise_id IS NOT NULL;
      CREATE INDEX decision_log_created ON decision_log (created_at);
      CREATE INDEX decision_log_kind ON decision_log (kind, seq);

      -- The chain head: appenders lock this row, so concurrent writers from any number of
      -- processes extend one chain without forking it. One lock per batch, not per decision.
      CREATE TABLE decision_log_head (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        seq bigint NOT NULL,
        hash text
      );
      INSERT INTO decision_log_head (seq, hash) VALUES (0, NULL);

      CREATE FUNCTION ensure_decision_log_partition(month date) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        start_at date := date_trunc('month', month)::date;
        name text := format('decision_log_%s', to_char(start_at, 'YYYY_MM'));
      BEGIN
        IF to_regclass(name) IS NULL THEN
          EXECUTE format('CREATE TABLE %I PARTITION OF decision_log FOR VALUES FROM (%L) TO (%L)',
                         name, start_at, (start_at + interval '1 month')::date);
        END IF;
      EXCEPTION
        -- Another process created it first; or the DEFAULT partition already holds rows of
        -- that month (they stay there: correct, just not pruned).
        WHEN duplicate_table OR check_violation THEN NULL;
      END $$;
      SELECT ensure_decision_log_partition((now() + make_interval(months => m))::date) FROM generate_series(0, 2) AS m;

      CREATE TRIGGER decision_log_append_only BEFORE UPDATE OR DELETE ON decision_log
        FOR EACH ROW EXECUTE FUNCTION refuse_change();
      CREATE TRIGGER decision_log_no_truncate BEFORE TRUNCATE ON decision_log
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

      CREATE TABLE enterprise (
        id text PRIMARY KEY,
        status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'OFFLINE')),
        serious_violation_count integer NOT NULL DEFAULT 0,
        violation_count integer NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE enterprise_violation (
        decision_id uuid PRIMARY KEY,
        enterprise_id text NOT NULL REFERENCES enterprise(id),
        ruleset_key text NOT NULL,
        behavior text NOT NULL,
        severity text NOT NULL,
        escalated boolean NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL
      );
      CREATE INDEX enterprise_violation_history ON enterprise_violation (enterprise_id, occurred_at);
      CREATE TRIGGER enterprise_violation_append_only BEFORE UPDATE OR DELETE ON enterprise_violation
        FOR EACH ROW EXECUTE FUNCTION refuse_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE enterprise_violation; DROP TABLE enterprise; DROP TABLE decision_log_head; DROP TABLE decision_log;
      DROP FUNCTION ensure_decision_log_partition(date);
    `);
  }
}
