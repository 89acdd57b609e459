import { businessRule, openDraft, PUBLISH, upsertRule } from '../helpers/authoring';
import { rowCounts } from '../helpers/row-counts';
import { startTestServer, TestServer } from '../helpers/test-server';

describe('published versions are immutable, retirements and the edit trail append-only', () => {
  // A database of its own for each test: a failure in one cannot leave drafts or versions behind for the next.
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());

  // As the owner, who may write the table: the triggers hold even then.
  it('refuses direct SQL UPDATE and DELETE of a published version', async () => {
    const [{ id, content_hash }] = await server.dataSource.query(`SELECT id, content_hash FROM ruleset_version WHERE status = 'PUBLISHED' LIMIT 1`);
    await expect(server.ownerQuery(`UPDATE ruleset_version SET content = '{}'::jsonb WHERE id = $1`, [id])).rejects.toThrow(/immutable/);
    await expect(server.ownerQuery(`UPDATE ruleset_version SET status = 'DRAFT', number = NULL WHERE id = $1`, [id])).rejects.toThrow(/immutable/);
    await expect(server.ownerQuery(`DELETE FROM ruleset_version WHERE id = $1`, [id])).rejects.toThrow(/immutable/);
    await expect(server.ownerQuery(`TRUNCATE ruleset_version CASCADE`)).rejects.toThrow(/append-only/);
    const [after] = await server.dataSource.query(`SELECT content_hash FROM ruleset_version WHERE id = $1`, [id]);
    expect(after.content_hash).toBe(content_hash);
  });

  it('still lets drafts change by SQL, since only drafts are editable', async () => {
    const draft = await openDraft(server);
    await server.ownerQuery(`UPDATE ruleset_version SET content = jsonb_set(content, '{defaultMessage}', '"edited by SQL"') WHERE id = $1`, [draft.id]);
    const [edited] = await server.dataSource.query(`SELECT content->>'defaultMessage' AS message FROM ruleset_version WHERE id = $1`, [draft.id]);
    expect(edited.message).toBe('edited by SQL');
  });

  it('refuses UPDATE and DELETE of audit events and retirements', async () => {
    const draft = await openDraft(server);
    await expect(server.ownerQuery(`UPDATE audit_event SET actor = 'someone else'`)).rejects.toThrow(/append-only/);
    await expect(server.ownerQuery(`DELETE FROM audit_event`)).rejects.toThrow(/append-only/);
    const revision = await upsertRule(server, draft.id, draft.revision, businessRule('retire.me', ['退役']));
    const published = (await server.gql(PUBLISH, { id: draft.id, rev: revision, changelog: 'to retire' }, server.keys.publisher)).data.publishDraft;
    const retired = await server.gql(
      `mutation($n: Int!) { retireVersion(rulesetKey: "ccc-access", number: $n) { number } }`,
      { n: published.number },
      server.keys.publisher,
    );
    expect(retired.errors).toBeUndefined();
    await expect(server.ownerQuery(`UPDATE version_retirement SET retired_by = 'someone else'`)).rejects.toThrow(/append-only/);
    await expect(server.ownerQuery(`DELETE FROM version_retirement`)).rejects.toThrow(/append-only/);
    const [{ count }] = await server.dataSource.query(`SELECT count(*)::int AS count FROM version_retirement WHERE retired_by <> 'someone else'`);
    expect(count).toBe(1);
  });

  it('retires a version: out of currentVersion, still readable by number; retiring twice is CONFLICT', async () => {
    const draft = await openDraft(server);
    const revision = await upsertRule(server, draft.id, draft.revision, businessRule('retire.me', ['退役']));
    const published = (await server.gql(PUBLISH, { id: draft.id, rev: revision, changelog: 'to retire' }, server.keys.publisher)).data.publishDraft;
    expect((await server.gql('{ ruleset(key: "ccc-access") { currentVersion { number } } }')).data.ruleset.currentVersion.number).toBe(published.number);

    const retired = await server.gql(
      `mutation($n: Int!) { retireVersion(rulesetKey: "ccc-access", number: $n) { number status retiredAt } }`,
      { n: published.number },
      server.keys.publisher,
    );
    expect(retired.errors).toBeUndefined();
    expect(retired.data.retireVersion).toMatchObject({ number: published.number, status: 'RETIRED' });
    const now = await server.gql(`query($n: Int!) { ruleset(key: "ccc-access") { currentVersion { number } version(number: $n) { status contentHash } } }`, {
      n: published.number,
    });
    expect(now.data.ruleset.currentVersion.number).toBe(1);
    expect(now.data.ruleset.version).toEqual({ status: 'RETIRED', contentHash: published.contentHash });

    const before = await rowCounts(server.dataSource);
    const again = await server.gql(
      `mutation($n: Int!) { retireVersion(rulesetKey: "ccc-access", number: $n) { number } }`,
      { n: published.number },
      server.keys.publisher,
    );
    expect(again.errors?.[0].extensions?.code).toBe('CONFLICT');
    const missing = await server.gql(`mutation { retireVersion(rulesetKey: "ccc-access", number: 999) { number } }`, {}, server.keys.publisher);
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const byEditor = await server.gql(`mutation { retireVersion(rulesetKey: "ccc-access", number: 1) { number } }`, {}, server.keys.editor);
    expect(byEditor.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await rowCounts(server.dataSource)).toEqual(before);
  });

  it('discards drafts but not published versions', async () => {
    const draft = await openDraft(server);
    const discarded = await server.gql(`mutation($id: ID!) { discardDraft(draftId: $id) }`, { id: draft.id }, server.keys.publisher);
    expect(discarded.data.discardDraft).toBe(true);
    expect((await server.gql(`query($id: ID!) { rulesetVersion(id: $id) { id } }`, { id: draft.id })).data.rulesetVersion).toBeNull();
    const v1 = (await server.gql('{ ruleset(key: "ccc-access") { version(number: 1) { id } } }')).data.ruleset.version;
    const before = await rowCounts(server.dataSource);
    const refused = await server.gql(`mutation($id: ID!) { discardDraft(draftId: $id) }`, { id: v1.id }, server.keys.publisher);
    expect(refused.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(await rowCounts(server.dataSource)).toEqual(before);
    expect((await server.gql('{ ruleset(key: "ccc-access") { version(number: 1) { id status } } }')).data.ruleset.version).toEqual({
      id: v1.id,
      status: 'PUBLISHED',
    });
  });
});
