import { MigrationInterface, QueryRunner } from 'typeorm';
import { DecisionLogAppendFunction1764300003000 } from './1764300003000-DecisionLogAppendFunction';

/**
 * append_decision_batch replaces append_decisions: the record hashes arrive as their own
 * text[] (the writer has them already), so the batch's JSON is parsed once instead of twice,
 * and before the chain head is locked, so that a batch waiting for the lock (another
 * process's) has its records ready; each record's predecessor is the previous chain hash. Same chaining as before: lock the head, chain, insert, move the head, in one
 * statement.
 *
 * The time index becomes a BRIN index: records arrive in time order, so block ranges
 * summarise created_at exactly enough for the log's time windows, at a fraction of a
 * B-tree's cost on every append (and of its size).
 */
export class DecisionLogAppendBatch1764300004000 implements MigrationInterface {
  name = 'DecisionLogAppendBatch1764300004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TYPE decision_log_entry AS (
        id uuid, kind text, ruleset_key text, version_number integer, content_hash text, enterprise_id text, decision text,
        severity text, input jsonb, output jsonb, state jsonb, caller text, request_id text, engine_version text,
        created_at timestamptz
      );
      CREATE FUNCTION append_decision_batch(p_records json, p_record_hashes text[], OUT first_seq bigint, OUT head_hash text, OUT hashes text[])
      LANGUAGE plpgsql AS $$
      DECLARE
        entries decision_log_entry[];
        chain text;
      BEGIN
        -- Parsed before the head is locked: a batch waiting for the lock has its JSON ready.
        entries := ARRAY(SELECT e FROM json_populate_recordset(NULL::decision_log_entry, p_records) AS e);
        SELECT h.seq + 1, h.hash INTO first_seq, head_hash FROM decision_log_head h FOR UPDATE;
        chain := head_hash;
        hashes := '{}';
        FOR i IN 1..cardinality(p_record_hashes) LOOP
          chain := encode(sha256(convert_to(coalesce(chain, '') || p_record_hashes[i], 'UTF8')), 'hex');
          hashes := array_append(hashes, chain);
        END LOOP;
        INSERT INTO decision_log (seq, id, kind, ruleset_key, version_number, content_hash, enterprise_id, decision, severity,
                                  input, output, state, caller, request_id, engine_version, created_at, record_hash, prev_hash, hash)
        SELECT first_seq + n - 1, e.id, e.kind, e.ruleset_key, e.version_number, e.content_hash, e.enterprise_id, e.decision,
               e.severity, e.input, e.output, e.state, e.caller, e.request_id, e.engine_version, e.created_at, p_record_hashes[n],
               CASE WHEN n = 1 THEN head_hash ELSE hashes[n - 1] END, hashes[n]
        FROM unnest(entries) WITH ORDINALITY AS e(id, kind, ruleset_key, version_number, content_hash, enterprise_id, decision,
             severity, input, output, state, caller, request_id, engine_version, created_at, n);
        UPDATE decision_log_head SET seq = first_seq + cardinality(p_record_hashes) - 1, hash = chain;
      END $$;
      DROP FUNCTION append_decisions(json);
      DROP INDEX decision_log_created;
      CREATE INDEX decision_log_created ON decision_log USING brin (created_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX decision_log_created; CREATE INDEX decision_log_created ON decision_log (created_at)');
    await q.query('DROP FUNCTION append_decision_batch(json, text[]); DROP TYPE decision_log_entry');
    await new DecisionLogAppendFunction1764300003000().up(q);
  }
}
