import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Appends a batch of decision records in ONE statement: lock the chain head, chain the
 * records (hash = sha256(prevHash || recordHash), as the application verifies it), insert
 * them and move the head. One round trip per batch keeps the head lock short, which is
 * what bounds the log's throughput, and lets a batch commit as a single-statement
 * transaction.
 */
export class DecisionLogAppendFunction1764300003000 implements MigrationInterface {
  name = 'DecisionLogAppendFunction1764300003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION append_decisions(
        p_ids uuid[], p_kinds text[], p_ruleset_keys text[], p_version_numbers integer[], p_content_hashes text[],
        p_enterprise_ids text[], p_decisions text[], p_severities text[], p_inputs jsonb[], p_outputs jsonb[],
        p_states jsonb[], p_callers text[], p_request_ids text[], p_engine_versions text[], p_created_ats timestamptz[],
        p_record_hashes text[],
        OUT first_seq bigint, OUT head_hash text, OUT hashes text[]
      ) LANGUAGE plpgsql AS $$
      DECLARE
        n integer := cardinality(p_ids);
        chain text;
        prevs text[] := '{}';
      BEGIN
        SELECT h.seq + 1, h.hash INTO first_seq, head_hash FROM decision_log_head h FOR UPDATE;
        chain := head_hash;
        hashes := '{}';
        FOR i IN 1..n LOOP
          prevs := array_append(prevs, chain);
          chain := encode(sha256(convert_to(coalesce(chain, '') || p_record_hashes[i], 'UTF8')), 'hex');
          hashes := array_append(hashes, chain);
        END LOOP;
        INSERT INTO decision_log (seq, id, kind, ruleset_key, version_number, content_hash, enterprise_id, decision, severity,
                                  input, output, state, caller, request_id, engine_version, created_at, record_hash, prev_hash, hash)
        SELECT first_seq + r.ord - 1, r.id, r.kind, r.ruleset_key, r.version_number, r.content_hash, r.enterprise_id, r.decision,
               r.severity, r.input, r.output, r.state, r.caller, r.request_id, r.engine_version, r.created_at, r.record_hash,
               r.prev_hash, r.hash
        FROM unnest(p_ids, p_kinds, p_ruleset_keys, p_version_numbers, p_content_hashes, p_enterprise_ids, p_decisions,
                    p_severities, p_inputs, p_outputs, p_states, p_callers, p_request_ids, p_engine_versions, p_created_ats,
                    p_record_hashes, prevs, hashes)
             WITH ORDINALITY AS r(id, kind, ruleset_key, version_number, content_hash, enterprise_id, decision, severity,
                                  input, output, state, caller, request_id, engine_version, created_at, record_hash,
                                  prev_hash, hash, ord);
        UPDATE decision_log_head SET seq = first_seq + n - 1, hash = chain;
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION append_decisions(uuid[], text[], text[], integer[], text[], text[], text[], text[], jsonb[], jsonb[], jsonb[], text[], text[], text[], timestamptz[], text[])');
  }
}
