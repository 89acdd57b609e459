import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lean decision record (issue 15), format 2. Records already in the log stay as they are
 * (format 1: read, verified and replayed exactly as before); new records store what replay
 * needs and nothing it can recompute:
 *
 * - the output as a compact projection (decision or severity, matched rule keys, signal keys
 *   and risk score, action codes): the messages and evidence are rebuilt from the immutable
 *   version, the input and the state read, by the deterministic engine of the logged
 *   semantics;
 * - the record hash and the chain hash as 32 bytes each (record_sha256, chain_sha256) instead
 *   of 64 hex characters; no prev_hash (it is the previous position's chain hash, read from
 *   there) and no content_hash (the version row holds it, immutably; the record hash still
 *   commits to it).
 *
 * record_format tells them apart (1 for every row written before: a constant default costs no
 * rewrite), and a CHECK keeps each format's columns whole. The (kind, seq) index covers only
 * the kinds a filter can be selective for (violations): an application filter reads the log in
 * sequence order, where nearly every row is an application, so indexing them cost every append
 * an index entry for no plan that needed it.
 *
 * append_decision_records replaces append_decision_batch: the batch travels as typed arrays
 * (unnest), not as one JSON document parsed again into records; it also refuses a record naming
 * a version or content hash the version table does not hold, since a format-2 record's hash
 * is verified against that table's content hash. append_decision_batch stays: a process of the
 * previous release, during a rolling upgrade, still appends format-1 records to the same chain.
 */
export class LeanDecisionRecord1764300017000 implements MigrationInterface {
  name = 'LeanDecisionRecord1764300017000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE decision_log
        ADD COLUMN record_format smallint NOT NULL DEFAULT 1,
        ADD COLUMN record_sha256 bytea,
        ADD COLUMN chain_sha256 bytea,
        ALTER COLUMN content_hash DROP NOT NULL,
        ALTER COLUMN record_hash DROP NOT NULL,
        ALTER COLUMN hash DROP NOT NULL;
      ALTER TABLE decision_log ADD CONSTRAINT decision_log_format_columns CHECK (
        (record_format = 1 AND content_hash IS NOT NULL AND record_hash IS NOT NULL AND hash IS NOT NULL
           AND record_sha256 IS NULL AND chain_sha256 IS NULL)
        OR (record_format = 2 AND content_hash IS NULL AND record_hash IS NULL AND prev_hash IS NULL AND hash IS NULL
           AND length(record_sha256) = 32 AND length(chain_sha256) = 32));

      DROP INDEX decision_log_kind;
      CREATE INDEX decision_log_kind ON decision_log (kind, seq) WHERE kind <> 'NUMBER_APPLICATION';

      CREATE FUNCTION append_decision_records(
        p_ids uuid[], p_kinds text[], p_ruleset_keys text[], p_version_numbers integer[], p_content_hashes text[],
        p_enterprise_ids text[], p_decisions text[], p_severities text[], p_inputs text[], p_outputs text[], p_states text[],
        p_callers text[], p_request_ids text[], p_engine_versions text[], p_created_at timestamptz[], p_record_hashes text[],
        OUT first_seq bigint, OUT head_hash text, OUT hashes text[])
      LANGUAGE plpgsql AS $$
      DECLARE
        chain text;
        unknown_version text;
      BEGIN
        -- Checked before the head is locked: a batch waiting for the lock has done its reading.
        SELECT format('%s version %s with content hash %s', u.k, u.n, u.h) INTO unknown_version
        FROM (SELECT DISTINCT k, n, h FROM unnest(p_ruleset_keys, p_version_numbers, p_content_hashes) AS t(k, n, h)) u
        WHERE NOT EXISTS (SELECT 1 FROM ruleset_version v JOIN ruleset r ON r.id = v.ruleset_id
                          WHERE r.key = u.k AND v.number = u.n AND v.content_hash = u.h)
        LIMIT 1;
        IF unknown_version IS NOT NULL THEN
          RAISE EXCEPTION 'append_decision_records: no published %', unknown_version USING ERRCODE = 'foreign_key_violation';
        END IF;
        SELECT h.seq + 1, h.hash INTO first_seq, head_hash FROM decision_log_head h FOR UPDATE;
        chain := head_hash;
        hashes := '{}';
        FOR i IN 1..cardinality(p_record_hashes) LOOP
          chain := encode(sha256(convert_to(coalesce(chain, '') || p_record_hashes[i], 'UTF8')), 'hex');
          hashes := array_append(hashes, chain);
        END LOOP;
        INSERT INTO decision_log (seq, id, kind, ruleset_key, version_number, enterprise_id, decision, severity, input, output, state,
                                  caller, request_id, engine_version, created_at, record_format, record_sha256, chain_sha256)
        SELECT first_seq + r.n - 1, r.id, r.kind, r.ruleset_key, r.version_number, r.enterprise_id, r.decision, r.severity,
               r.input::jsonb, r.output::jsonb, r.state::jsonb, r.caller, r.request_id, r.engine_version, r.created_at, 2,
               decode(r.record_hash, 'hex'), decode(hashes[r.n], 'hex')
        FROM unnest(p_ids, p_kinds, p_ruleset_keys, p_version_numbers, p_enterprise_ids, p_decisions, p_severities, p_inputs, p_outputs,
                    p_states, p_callers, p_request_ids, p_engine_versions, p_created_at, p_record_hashes) WITH ORDINALITY
             AS r(id, kind, ruleset_key, version_number, enterprise_id, decision, severity, input, output, state, caller, request_id,
                  engine_version, created_at, record_hash, n);
        UPDATE decision_log_head SET seq = first_seq + cardinality(p_record_hashes) - 1, hash = chain;
      END $$;

      -- The head advances only onto the chain: a format-2 position has no prev_hash, so its link is
      -- recomputed from its own record hash (the same sha256 over hex text the application verifies).
      CREATE OR REPLACE FUNCTION guard_decision_log_head() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'UPDATE' THEN
          RAISE EXCEPTION 'decision_log_head: DELETE refused (the chain head only advances)' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW.seq = OLD.seq AND NEW.hash IS NOT DISTINCT FROM OLD.hash THEN RETURN NEW; END IF;
        IF NEW.seq < OLD.seq
           OR NOT EXISTS (SELECT 1 FROM decision_log WHERE seq = NEW.seq AND coalesce(hash, encode(chain_sha256, 'hex')) = NEW.hash)
           OR NOT EXISTS (SELECT 1 FROM decision_log WHERE seq = OLD.seq + 1 AND CASE record_format
                            WHEN 1 THEN prev_hash IS NOT DISTINCT FROM OLD.hash
                            ELSE chain_sha256 = sha256(convert_to(coalesce(OLD.hash, '') || encode(record_sha256, 'hex'), 'UTF8')) END) THEN
          RAISE EXCEPTION 'decision_log_head: the new head (seq %) does not continue the chain from seq %', NEW.seq, OLD.seq
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION guard_decision_log_head() RETURNS trigger LANGUAGE plpgsql AS $$
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
      DROP FUNCTION append_decision_records(uuid[], text[], text[], integer[], text[], text[], text[], text[], text[], text[], text[],
                                            text[], text[], text[], timestamptz[], text[]);
      DROP INDEX decision_log_kind;
      CREATE INDEX decision_log_kind ON decision_log (kind, seq);
      ALTER TABLE decision_log DROP CONSTRAINT decision_log_format_columns;
      ALTER TABLE decision_log DROP COLUMN chain_sha256, DROP COLUMN record_sha256, DROP COLUMN record_format,
        ALTER COLUMN content_hash SET NOT NULL, ALTER COLUMN record_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
    `);
  }
}
