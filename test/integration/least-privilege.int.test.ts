import { Client } from 'pg';
import { insertDraftBySql, seedContent } from '../helpers/policy-versions';
import { rowCounts } from '../helpers/row-counts';
import { startTestServer, TestServer } from '../helpers/test-server';
import { APPLY } from '../helpers/workload';

const VERIFY = `{ verifyDecisionLog { checked valid reason } }`;

/**
 * Issue 13, items 3 and 4: the attacks tried with the service's own database credentials.
 * The app runs as ccc_service (as deployed); every attack runs on a connection of that role.
 */
describe('the service role cannot wipe the log or forge a version', () => {
  let server: TestServer;
  let service: Client;
  beforeAll(async () => {
    server = await startTestServer();
    for (let i = 0; i < 5; i++) expect((await server.gql(APPLY, { input: { description: `权限测试 ${i}` } }, server.keys.evaluator)).errors).toBeUndefined();
    service = new Client({ connectionString: server.serviceUrl });
    await service.connect();
  });
  afterAll(async () => {
    await service?.end();
    await server?.close();
  });

  const partitions = async (): Promise<string[]> =>
    (
      await server.ownerQuery<{ name: string }>(
        `SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = 'decision_log'::regclass ORDER BY 1`,
      )
    ).map((row) => row.name);
  /** The attack fails, and afterwards every table holds what it held and the log verifies in full. */
  async function refusedAndNothingLost(attack: string, refusal: RegExp): Promise<void> {
    const before = await rowCounts(server.dataSource);
    const [head] = await server.dataSource.query('SELECT seq::text AS seq, hash FROM decision_log_head');
    await expect(service.query(attack)).rejects.toThrow(refusal);
    expect(await rowCounts(server.dataSource)).toEqual(before);
    expect(await server.dataSource.query('SELECT seq::text AS seq, hash FROM decision_log_head')).toEqual([head]);
    const verified = (await server.gql(VERIFY, {}, server.keys.auditor)).data.verifyDecisionLog;
    expect(verified).toEqual({ checked: before.decision_log, valid: true, reason: null });
  }

  it('connects as ccc_service, which is no superuser and owns nothing', async () => {
    const [row] = (await service.query(`SELECT current_user AS name, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser`)).rows;
    expect(row).toEqual({ name: 'ccc_service', superuser: false });
    const owned = await service.query(`SELECT relname FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)`);
    expect(owned.rows).toEqual([]);
  });

  it('cannot TRUNCATE the log, any of its partitions or the chain head', async () => {
    const names = await partitions();
    expect(names.length).toBeGreaterThanOrEqual(2);
    for (const name of ['decision_log', ...names, 'decision_log_head']) await refusedAndNothingLost(`TRUNCATE ${name}`, /permission denied/);
  });

  it('cannot UPDATE or DELETE logged records, through the parent or a partition', async () => {
    await refusedAndNothingLost(`UPDATE decision_log SET caller = 'x'`, /permission denied/);
    await refusedAndNothingLost(`DELETE FROM decision_log`, /permission denied/);
    for (const name of await partitions()) await refusedAndNothingLost(`DELETE FROM ${name}`, /permission denied/);
    // The lean record's columns (issue 15) too.
    await refusedAndNothingLost(`UPDATE decision_log SET chain_sha256 = sha256('x')`, /permission denied/);
    await refusedAndNothingLost(`UPDATE decision_log SET record_sha256 = sha256('x'), record_format = 1`, /permission denied/);
  });

  it("cannot append a lean record that does not continue the chain, nor one with the other format's columns", async () => {
    const forged = (chainHash: string, prevHash: string) => `
      INSERT INTO decision_log (seq, id, kind, ruleset_key, version_number, input, output, state, caller, engine_version, created_at,
                                record_format, record_sha256, chain_sha256, prev_hash)
      SELECT seq + 1, gen_random_uuid(), 'NUMBER_APPLICATION', 'ccc-access', 1, '{}', '{}', '{}', 'forger', '2.0.0', now(), 2,
             sha256('forged'), ${chainHash}, ${prevHash}
      FROM decision_log_head`;
    // One simple query: one transaction, so the refused head move takes the inserted row with it.
    await refusedAndNothingLost(
      `${forged("sha256('not the chain')", 'NULL')}; UPDATE decision_log_head SET seq = seq + 1, hash = encode(sha256('not the chain'), 'hex')`,
      /does not continue the chain/,
    );
    await refusedAndNothingLost(forged("sha256('not the chain')", 'hash'), /decision_log_format_columns/);
  });

  it('cannot move the chain head back, or anywhere the log does not continue to', async () => {
    await refusedAndNothingLost(`UPDATE decision_log_head SET seq = 0, hash = NULL`, /does not continue the chain/);
    await refusedAndNothingLost(`UPDATE decision_log_head SET seq = seq + 1, hash = repeat('0', 64)`, /does not continue the chain/);
    await refusedAndNothingLost(`DELETE FROM decision_log_head`, /permission denied/);
    // Not even the owner may: the trigger, not only the missing privilege, holds the head.
    await expect(server.ownerQuery(`UPDATE decision_log_head SET seq = 0, hash = NULL`)).rejects.toThrow(/does not continue the chain/);
    await expect(server.ownerQuery(`DELETE FROM decision_log_head`)).rejects.toThrow(/only advances/);
  });

  it('cannot disable the triggers of a partition or of ruleset_version', async () => {
    for (const name of await partitions()) await refusedAndNothingLost(`ALTER TABLE ${name} DISABLE TRIGGER ALL`, /must be owner/);
    await refusedAndNothingLost(`ALTER TABLE ruleset_version DISABLE TRIGGER ruleset_version_immutable`, /must be owner/);
    await refusedAndNothingLost(`ALTER TABLE decision_log_head DISABLE TRIGGER USER`, /must be owner/);
    await refusedAndNothingLost(`SET session_replication_role = replica`, /permission denied/);
  });

  it('a partition created later (by the service, for a new month) refuses TRUNCATE too, even to its owner', async () => {
    await service.query(`SELECT ensure_decision_log_partition('2031-01-15')`);
    expect(await partitions()).toContain('decision_log_2031_01');
    await refusedAndNothingLost('TRUNCATE decision_log_2031_01', /permission denied/);
    await expect(server.ownerQuery('TRUNCATE decision_log_2031_01')).rejects.toThrow(/append-only/);
    const [owner] = await server.ownerQuery<{ owner: string }>(
      `SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname = 'decision_log_2031_01'`,
    );
    expect(owner.owner).not.toBe('ccc_service');
  });

  it('refuses the forged publication of item 4: a draft UPDATEd to PUBLISHED with a made-up number and hash', async () => {
    const draftId = await insertDraftBySql(server.dataSource, await seedContent(server.dataSource));
    const forge = `UPDATE ruleset_version SET status = 'PUBLISHED', number = 99, content_hash = repeat('ab', 32), changelog = 'forged',
                     effective_from = now(), published_by = 'nobody', published_at = now() WHERE id = '${draftId}'`;
    await refusedAndNothingLost(forge, /only the publish path may publish/);
    // With a forged audit event in another transaction first: still refused (the event must be this transaction's).
    await service.query(
      `INSERT INTO audit_event (id, ruleset_key, version_id, revision, type, actor, after)
       VALUES (gen_random_uuid(), 'ccc-access', $1, 1, 'DRAFT_PUBLISHED', 'nobody', jsonb_build_object('number', 99, 'contentHash', repeat('ab', 32)))`,
      [draftId],
    );
    await refusedAndNothingLost(forge, /only the publish path may publish/);
    // Inserting a published row outright is refused the same way.
    await refusedAndNothingLost(
      `INSERT INTO ruleset_version (id, ruleset_id, status, number, content, content_hash, effective_from, created_by, published_by, published_at)
       SELECT gen_random_uuid(), ruleset_id, 'PUBLISHED', 98, content, repeat('cd', 32), now(), 'nobody', 'nobody', now() FROM ruleset_version WHERE id = '${draftId}'`,
      /only the publish path may publish/,
    );
    const [row] = await server.dataSource.query('SELECT status, number FROM ruleset_version WHERE id = $1', [draftId]);
    expect(row).toEqual({ status: 'DRAFT', number: null });
  });

  it('still appends and verifies after every attack', async () => {
    expect((await server.gql(APPLY, { input: { description: '攻击之后' } }, server.keys.evaluator)).errors).toBeUndefined();
    const [{ count }] = await server.dataSource.query('SELECT count(*)::int AS count FROM decision_log');
    expect((await server.gql(VERIFY, {}, server.keys.auditor)).data.verifyDecisionLog).toEqual({ checked: count, valid: true, reason: null });
  });
});
