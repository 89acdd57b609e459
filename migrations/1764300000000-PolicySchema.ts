import { MigrationInterface, QueryRunner } from 'typeorm';

/** Rulesets, their versions (content as one JSON document per version) and API keys. */
export class PolicySchema1764300000000 implements MigrationInterface {
  name = 'PolicySchema1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_key (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        roles text[] NOT NULL,
        key_hash text NOT NULL UNIQUE,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CONSTRAINT api_key_roles_known CHECK (roles <@ ARRAY['admin','editor','publisher','evaluator','auditor']::text[] AND cardinality(roles) > 0)
      );

      CREATE TABLE ruleset (
        id uuid PRIMARY KEY,
        key text NOT NULL UNIQUE,
        name text NOT NULL,
        description text,
        maker_checker boolean NOT NULL DEFAULT true,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE ruleset_version (
        id uuid PRIMARY KEY,
        ruleset_id uuid NOT NULL REFERENCES ruleset(id),
        status text NOT NULL CHECK (status IN ('DRAFT', 'PUBLISHED')),
        number integer,
        revision integer NOT NULL DEFAULT 0,
        parent_number integer,
        content jsonb NOT NULL,
        content_hash text,
        changelog text,
        effective_from timestamptz,
        editors text[] NOT NULL DEFAULT '{}',
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_by text,
        published_at timestamptz,
        CONSTRAINT ruleset_version_number_unique UNIQUE (ruleset_id, number),
        CONSTRAINT ruleset_version_published_complete CHECK (
          status = 'DRAFT' OR (number IS NOT NULL AND content_hash IS NOT NULL AND effective_from IS NOT NULL
                               AND published_by IS NOT NULL AND published_at IS NOT NULL)),
        CONSTRAINT ruleset_version_draft_unnumbered CHECK (status = 'PUBLISHED' OR number IS NULL)
      );
      CREATE INDEX ruleset_version_effective ON ruleset_version (ruleset_id, effective_from DESC) WHERE status = 'PUBLISHED';
      CREATE UNIQUE INDEX ruleset_version_hash ON ruleset_version (ruleset_id, content_hash) WHERE status = 'PUBLISHED';

      -- Retiring is recorded beside the version, so the published row itself never changes.
      CREATE TABLE version_retirement (
        version_id uuid PRIMARY KEY REFERENCES ruleset_version(id),
        retired_by text NOT NULL,
        retired_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'integrity_constraint_violation';
      END $$;

      CREATE FUNCTION guard_published_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status = 'PUBLISHED' THEN
          RAISE EXCEPTION 'ruleset_version %: published versions are immutable (create a draft to change them)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
      END $$;

      CREATE TRIGGER ruleset_version_immutable BEFORE UPDATE OR DELETE ON ruleset_version
        FOR EACH ROW EXECUTE FUNCTION guard_published_version();
      CREATE TRIGGER version_retirement_append_only BEFORE UPDATE OR DELETE ON version_retirement
        FOR EACH ROW EXECUTE FUNCTION refuse_change();
      CREATE TRIGGER version_retirement_no_truncate BEFORE TRUNCATE ON version_retirement
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
      CREATE TRIGGER ruleset_version_no_truncate BEFORE TRUNCATE ON ruleset_version
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

      -- Every authoring mutation appends one event here, in its own transaction.
      CREATE TABLE audit_event (
        id uuid PRIMARY KEY,
        ruleset_key text NOT NULL,
        version_id uuid,
        revision integer,
        type text NOT NULL,
        actor text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        before jsonb,
        after jsonb
      );
      CREATE INDEX audit_event_ruleset ON audit_event (ruleset_key, at, id);
      CREATE INDEX audit_event_version ON audit_event (version_id, at, id);
      CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION refuse_change();
      CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE audit_event; DROP TABLE version_retirement; DROP TABLE ruleset_version; DROP TABLE ruleset; DROP TABLE api_key;
      DROP FUNCTION guard_published_version(); DROP FUNCTION refuse_change();
    `);
  }
}
