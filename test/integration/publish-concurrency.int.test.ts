import { Client } from 'pg';
import { businessRule, openDraft, PUBLISH, upsertRule } from '../helpers/authoring';

const REBASE = `mutation($id: ID!, $rev: Int!) { rebaseDraft(draftId: $id, expectedRevision: $rev) { rebasedOnto conflicts { key field } draft { revision parentNumber } } }`;
import { startTestServer, TestServer } from '../helpers/test-server';
import { createAuthoringServices } from '../../src/composition/services';
import { systemContext } from '../../src/common/request-context';

/** A draft of ccc-access with one rule of its own, edited by the editor key; returns id and revision. */
async function editedDraft(server: TestServer, ruleKey: string): Promise<{ id: string; revision: number }> {
  const draft = await openDraft(server);
  const revision = await upsertRule(server, draft.id, draft.revision, businessRule(ruleKey, [`${ruleKey}专用词`]));
  return { id: draft.id, revision };
}

async function publishedNumbers(server: TestServer): Promise<number[]> {
  const rows: { number: number }[] = await server.dataSource.query(
    `SELECT v.number FROM ruleset_version v JOIN ruleset r ON r.id = v.ruleset_id WHERE r.key = 'ccc-access' AND v.status = 'PUBLISHED' ORDER BY v.number`,
  );
  return rows.map((row) => row.number);
}

const gapless = (numbers: number[]) => numbers.every((number, index) => number === index + 1);

describe('publishing drafts concurrently', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('lets exactly one of several simultaneous publishes of one draft win; the rest get CONFLICT', async () => {
    const draft = await editedDraft(server, 'one-draft');
    const attempts = await Promise.all(
      Array.from({ length: 8 }, () => server.gql(PUBLISH, { id: draft.id, rev: draft.revision, changelog: 'race' }, server.keys.publisher)),
    );
    const winners = attempts.filter((response) => !response.errors);
    expect(winners).toHaveLength(1);
    expect(winners[0].data.publishDraft).toMatchObject({ id: draft.id, status: 'PUBLISHED', publishedBy: 'test-publisher' });
    for (const loser of attempts.filter((response) => response.errors)) {
      expect(loser.errors![0].extensions?.code).toBe('CONFLICT');
      expect(loser.errors![0].message).toMatch(/already published as version \d+/);
    }
    expect(gapless(await publishedNumbers(server))).toBe(true);
  });

  it('lets one of several drafts copied from the same version publish at once; the rest are stale until rebased, and then every change lands, numbered without gaps', async () => {
    const keys = ['multi-a', 'multi-b', 'multi-c', 'multi-d', 'multi-e'];
    const drafts = await Promise.all(keys.map((key) => editedDraft(server, key)));
    const before = await publishedNumbers(server);
    const results = await Promise.all(
      drafts.map((draft) => server.gql(PUBLISH, { id: draft.id, rev: draft.revision, changelog: 'parallel' }, server.keys.publisher)),
    );
    const winners = results.filter((result) => !result.errors);
    expect(winners).toHaveLength(1);
    for (const loser of results.filter((result) => result.errors)) {
      expect(loser.errors![0].extensions?.code).toBe('CONFLICT');
      expect(loser.errors![0].message).toMatch(/is based on version \d+, but the latest published version of "ccc-access" is \d+/);
    }
    for (const [index, draft] of drafts.entries()) {
      if (!results[index].errors) continue;
      const rebased = await server.gql(REBASE, { id: draft.id, rev: draft.revision }, server.keys.editor);
      expect(rebased.data.rebaseDraft.conflicts).toEqual([]);
      const published = await server.gql(PUBLISH, { id: draft.id, rev: rebased.data.rebaseDraft.draft.revision, changelog: 'rebased' }, server.keys.publisher);
      expect(published.errors).toBeUndefined();
    }
    const numbers = await publishedNumbers(server);
    expect(numbers.slice(before.length)).toEqual(drafts.map((_, i) => before.length + 1 + i));
    expect(gapless(numbers)).toBe(true);
    const latest = await server.gql('{ ruleset(key: "ccc-access") { currentVersion { businessRules { key } } } }');
    const ruleKeys = latest.data.ruleset.currentVersion.businessRules.map((rule: { key: string }) => rule.key);
    for (const key of keys) expect(ruleKeys).toContain(key);
  });

  it("tells this process's version cache itself once a publish or retirement has committed, not only through the notification", async () => {
    const changed: string[] = [];
    // The services as the app wires them, with the cache replaced by a recorder; no listener is involved.
    const { publishing } = createAuthoringServices(
      server.dataSource,
      () => true,
      (key) => changed.push(key),
    );
    const draft = await editedDraft(server, 'told.locally');
    const published = await publishing.publishDraft(systemContext('local-publisher'), draft.id, {
      expectedRevision: draft.revision,
      changelog: 'told locally',
    });
    expect(changed).toEqual(['ccc-access']);
    await publishing.retireVersion(systemContext('local-publisher'), 'ccc-access', published.number!);
    expect(changed).toEqual(['ccc-access', 'ccc-access']);
    // A refused publish changes nothing and tells nobody.
    await expect(
      publishing.publishDraft(systemContext('local-publisher'), draft.id, { expectedRevision: draft.revision, changelog: 'again' }),
    ).rejects.toThrow();
    expect(changed).toHaveLength(2);
  });

  it('tells other processes through ccc_policy_versions when a version is published', async () => {
    const listener = new Client({ connectionString: server.databaseUrl });
    await listener.connect();
    try {
      const notified = new Promise<string>((resolve) => listener.once('notification', (message) => resolve(`${message.channel}:${message.payload}`)));
      await listener.query('LISTEN ccc_policy_versions');
      const draft = await editedDraft(server, 'notify');
      const published = await server.gql(PUBLISH, { id: draft.id, rev: draft.revision, changelog: 'notify' }, server.keys.publisher);
      expect(published.errors).toBeUndefined();
      // The notification is the event: waited for, not given a fixed time to arrive in.
      expect(await notified).toBe('ccc_policy_versions:ccc-access');
    } finally {
      await listener.end();
    }
  });

  it('refuses a draft whose content equals a published version, naming that version', async () => {
    const draft = await openDraft(server);
    const response = await server.gql(PUBLISH, { id: draft.id, rev: draft.revision, changelog: 'same again' }, server.keys.publisher);
    expect(response.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(response.errors?.[0].message).toMatch(/identical to version \d+ of "ccc-access"/);
  });

  it('requires a changelog and refuses a backdated effectiveFrom', async () => {
    const draft = await editedDraft(server, 'changelog');
    const empty = await server.gql(PUBLISH, { id: draft.id, rev: draft.revision, changelog: '  ' }, server.keys.publisher);
    expect(empty.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const backdated = await server.gql(
      PUBLISH,
      { id: draft.id, rev: draft.revision, changelog: 'x', effectiveFrom: '2020-01-01T00:00:00Z' },
      server.keys.publisher,
    );
    expect(backdated.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const stale = await server.gql(PUBLISH, { id: draft.id, rev: draft.revision - 1, changelog: 'x' }, server.keys.publisher);
    expect(stale.errors?.[0].extensions?.code).toBe('CONFLICT');
  });

  it('schedules a version with a future effectiveFrom: currentVersion changes only then', async () => {
    const current = (await server.gql('{ ruleset(key: "ccc-access") { currentVersion { number } } }')).data.ruleset.currentVersion.number;
    const draft = await editedDraft(server, 'scheduled');
    const future = new Date(Date.now() + 3600_000).toISOString();
    const published = await server.gql(PUBLISH, { id: draft.id, rev: draft.revision, changelog: 'later', effectiveFrom: future }, server.keys.publisher);
    expect(published.errors).toBeUndefined();
    const after = (await server.gql('{ ruleset(key: "ccc-access") { currentVersion { number } } }')).data.ruleset.currentVersion.number;
    expect(after).toBe(current);
  });
});

describe('two server processes publishing at once', () => {
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    first = await startTestServer();
    second = await startTestServer({ databaseUrl: first.databaseUrl });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('agree on one winner for one draft and keep numbers gapless for many', async () => {
    const draft = await editedDraft(first, 'two-procs');
    const attempts = await Promise.all(
      Array.from({ length: 6 }, (_, i) => {
        const server = i % 2 === 0 ? first : second;
        return server.gql(PUBLISH, { id: draft.id, rev: draft.revision, changelog: 'two processes' }, server.keys.publisher);
      }),
    );
    expect(attempts.filter((response) => !response.errors)).toHaveLength(1);
    for (const loser of attempts.filter((response) => response.errors)) expect(loser.errors![0].extensions?.code).toBe('CONFLICT');

    // Drafts made one after another, each from the version the previous one published: never stale.
    for (const [i, key] of ['proc-a', 'proc-b', 'proc-c', 'proc-d'].entries()) {
      const server = i % 2 === 0 ? first : second;
      const d = await editedDraft(server, key);
      const result = await server.gql(PUBLISH, { id: d.id, rev: d.revision, changelog: 'two processes' }, server.keys.publisher);
      expect(result.errors).toBeUndefined();
    }
    const numbers = await publishedNumbers(first);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    expect(numbers).toHaveLength(6);
  });
});
