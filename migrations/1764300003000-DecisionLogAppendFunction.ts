import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Appends a batch of decision records in ONE statement: lock the chain head, chain the
 * records (hash = sha256(prevHash || recordHash), as the application verifies it), insert
 * them and move the head. One round trip per batch keeps the head lock short, which is
 * what bounds the log's throughput, and lets a batch commit as a single-statement
 * transaction. The batch travels as one JSON array: no per-element escaping on the way.
 */
export class DecisionLogAppendFunction1764300003000 implements MigrationInterface {
  name = 'DecisionLogAppendFunction1764300003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION append_decisions(p_records json, OUT first_seq bigint, OUT head_hash text, OUT hashes text[])
      LANGUAGE plpgsql AS $$
      DECLARE
        record_hashes text[];
        prevs text[] := '{}';
        chain text;
      BEGIN
        SELECT h.seq + 1, h.hash INTO first_seq, head_hash FROM decision_log_head h FOR UPDATE;
        SELECT array_agg(e->>'record_hash' ORDER BY o) INTO record_hashes FROM json_array_elements(p_records) WITH ORDINALITY AS t(e, o);
        -- Each element carries its 1-based place as "ord" (json_to_recordset has no ordinality).
        chain := head_hash;
        hashes := '{}';
        FOR i IN 1..cardinality(record_hashes) LOOP
          prevs := array_append(prevs, chain);
          chain := encode(sha256(convert_to(coalesce(chain, '') || record_hashes[i], 'UTF8')), 'hex');
          hashes := array_append(hashes, chain);
        END LOOP;
        INSERT INTO decision_log (seq, id, kind, ruleset_key, version_number, content_hash, enterprise_id, decision, severity,
                                  input, output, state, caller, request_id, engine_version, created_at, record_hash, prev_hash, hash)
        SELECT first_seq + r.ord - 1, r.id, r.kind, r.ruleset_key, r.version_number, r.content_hash, r.enterprise_id, r.decision,
               r.severity, r.input, r.output, r.state, r.caller, r.request_id, r.engine_version, r.created_at, r.record_hash,
               prevs[r.ord], hashes[r.ord]
        FROM json_to_recordset(p_records) AS r(
          id uuid, kind text, ruleset_key text, version_number integer, content_hash text, enterprise_id text, decision text,
          severity text, input jsonb, output jsonb, state jsonb, caller text, request_id text, engine_version text,
          created_at timestamptz, record_hash text, ord integer);
        UPDATE decision_log_head SET seq = first_seq + cardinality(record_hashes) - 1, hash = chain;
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION append_decisions(json)');
  }
}
