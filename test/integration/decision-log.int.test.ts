import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { chainHash, recordHashOf } from '../../src/decisions/decision-record';
import { RulesetContent } from '../../src/engine';
import { insertDraftBySql, publishBySql, seedContent, withoutRule } from '../helpers/policy-versions';
import { GraphQLResponse, startTestServer, TestServer } from '../helpers/test-server';
import { APPLY, runMixedWorkload } from '../helpers/workload';

const REPLAY = `query($id: ID!, $v: Int, $d: ID) { replayDecision(id: $id, againstVersion: $v, againstDraftId: $d) { decisionId againstVersion identical original replayed differences } }`;
const VERIFY = `query($from: DateTime, $to: DateTime, $checkpoint: LogCheckpointInput) {
  verifyDecisionLog(from: $from, to: $to, checkpoint: $checkpoint) { checked valid firstBrokenId reason checkpoint { sequence hash } }
}`;
const PAGE = `query($first: Int, $after: String, $filter: DecisionFilter) {
  decisions(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id kind sequence hash prevHash } } }
}`;
const IMPACT = `query($key: ID!, $draft: ID, $version: Int, $n: Int) {
  impactAnalysis(rulesetKey: $key, candidateDraftId: $draft, candidateVersion: $version, sampleSize: $n) {
    evaluated changed transitions { from to count } samples { decisionId againstVersion identical differences }
  }
}`;

/** Every decision id in log order, read through the API. */
async function allDecisionIds(server: TestServer, first = 100, filter: Record<string, unknown> = {}): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const response: GraphQLResponse = await server.gql(PAGE, { first, after, filter }, server.keys.auditor);
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    ids.push(...response.data.decisions.edges.map((edge: { node: { id: string } }) => edge.node.id));
    if (!response.data.decisions.pageInfo.hasNextPage) return ids;
    after = response.data.decisions.pageInfo.endCursor;
  }
}

/**
 * Runs SQL with the append-only triggers bypassed, the way a tamperer with the superuser's
 * access would (the service's own role cannot: test/integration/least-privilege.int.test.ts).
 */
async function tamper(server: TestServer, statements: [string, unknown[]][]): Promise<void> {
  const client = new Client({ connectionString: server.databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    for (const [sql, params] of statements) await client.query(sql, params);
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

async function logIds(dataSource: DataSource): Promise<string[]> {
  return (await dataSource.query('SELECT id FROM decision_log ORDER BY seq')).map((row: { id: string }) => row.id);
}

describe('the decision log', () => {
  let server: TestServer;
  let seed: RulesetContent;
  beforeAll(async () => {
    server = await startTestServer();
    seed = await seedContent(server.dataSource);
  });
  afterAll(() => server.close());

  it('replays every decision of a mixed workload identically against its own version', async () => {
    const returned = await runMixedWorkload(server);
    const logged = await allDecisionIds(server);
    expect(logged).toEqual(expect.arrayContaining(returned));
    for (const id of returned) {
      const { data, errors } = await server.gql(REPLAY, { id }, server.keys.auditor);
      expect(errors).toBeUndefined();
      expect(data.replayDecision).toMatchObject({ decisionId: id, identical: true, differences: [], againstVersion: 1 });
      expect(data.replayDecision.replayed).toEqual(data.replayDecision.original);
    }
  });

  it('replays against a draft and lists the differences in domain terms', async () => {
    const draftId = await insertDraftBySql(server.dataSource, withoutRule(seed, 'finance.credit-card'));
    const { data } = await server.gql(APPLY, { input: { description: '办信用卡提额服务，帮客户下卡' } }, server.keys.evaluator);
    expect(data.evaluateNumberApplication.decision).toBe('REJECT');
    const replay = await server.gql(REPLAY, { id: data.evaluateNumberApplication.decisionId, d: draftId }, server.keys.auditor);
    expect(replay.errors).toBeUndefined();
    expect(replay.data.replayDecision).toMatchObject({ identical: false, againstVersion: null });
    expect(replay.data.replayDecision.differences).toEqual(expect.arrayContaining(['decision REJECT -> REVIEW', 'match -finance.credit-card']));
  });

  it('counts, in impact analysis of a draft without one rule, exactly the decisions that rule alone rejected', async () => {
    await runMixedWorkload(server, 1);
    const draftId = await insertDraftBySql(server.dataSource, withoutRule(seed, 'finance.credit-card'));
    // Full outputs, as the API serves them (a lean record stores no rule effects).
    const applications: { id: string }[] = await server.dataSource.query(
      `SELECT id FROM decision_log WHERE ruleset_key = 'ccc-access' AND kind = 'NUMBER_APPLICATION'`,
    );
    const rows = await Promise.all(applications.map(async ({ id }) => (await server.app.services.decisionLog.findDecision(id))!));
    const aloneRejected = rows.filter((record) => {
      const output = record.output as { matches: { ruleKey: string; effect: string }[] };
      const rejecting = output.matches.filter((match) => match.effect === 'REJECT').map((match) => match.ruleKey);
      return rejecting.length === 1 && rejecting[0] === 'finance.credit-card';
    }).length;
    const [{ total }] = await server.dataSource.query(`SELECT count(*)::int AS total FROM decision_log WHERE ruleset_key = 'ccc-access'`);
    expect(aloneRejected).toBeGreaterThan(0);

    const { data, errors } = await server.gql(IMPACT, { key: 'ccc-access', draft: draftId, n: 3 }, server.keys.auditor);
    expect(errors).toBeUndefined();
    expect(data.impactAnalysis.evaluated).toBe(total);
    expect(data.impactAnalysis.changed).toBe(aloneRejected);
    expect(data.impactAnalysis.transitions).toEqual([{ from: 'REJECT', to: 'REVIEW', count: aloneRejected }]);
    expect(data.impactAnalysis.samples).toHaveLength(Math.min(3, aloneRejected));
    expect(data.impactAnalysis.samples[0].differences).toContain('match -finance.credit-card');

    const sampleFields = `query($key: ID!, $draft: ID) { impactAnalysis(rulesetKey: $key, candidateDraftId: $draft, sampleSize: 1) { changed samples { original replayed differences } } }`;
    const audited = await server.gql(sampleFields, { key: 'ccc-access', draft: draftId }, server.keys.auditor);
    const [full] = audited.data.impactAnalysis.samples;
    expect(full.original.matches.some((match: { evidence: string[] }) => match.evidence.length > 0)).toBe(true);
    // What editors and publishers get instead of samples (test/integration/impact-oracle.int.test.ts): counts per rule.
    const rules = await server.gql(
      `query($key: ID!, $draft: ID) { impactAnalysis(rulesetKey: $key, candidateDraftId: $draft) { rules { ruleKey matchedBefore matchedAfter } } }`,
      {
        key: 'ccc-access',
        draft: draftId,
      },
      server.keys.auditor,
    );
    const removed = rules.data.impactAnalysis.rules.find((rule: { ruleKey: string }) => rule.ruleKey === 'finance.credit-card');
    expect(removed.matchedBefore).toBeGreaterThanOrEqual(aloneRejected);
    expect(removed.matchedAfter).toBe(0);

    const same = await server.gql(IMPACT, { key: 'ccc-access', version: 1 }, server.keys.auditor);
    expect(same.data.impactAnalysis).toMatchObject({ changed: 0, transitions: [] });
    const both = await server.gql(IMPACT, { key: 'ccc-access', version: 1, draft: draftId }, server.keys.auditor);
    expect(both.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('pages in log order with opaque cursors, never skipping or repeating while records are appended', async () => {
    await runMixedWorkload(server, 1);
    const before = await logIds(server.dataSource);
    let writing = true;
    const writer = (async () => {
      let i = 0;
      while (writing) {
        await server.gql(APPLY, { input: { description: `并发写入 ${i++}` } }, server.keys.evaluator);
      }
    })();
    const seen: string[] = [];
    const sequences: number[] = [];
    let after: string | null = null;
    try {
      for (let page = 0; page < 200; page += 1) {
        const response: GraphQLResponse = await server.gql(PAGE, { first: 7, after }, server.keys.auditor);
        expect(response.errors).toBeUndefined();
        for (const edge of response.data.decisions.edges) {
          seen.push(edge.node.id);
          sequences.push(Number(edge.node.sequence));
          expect(edge.cursor).not.toMatch(/^\d+$/);
        }
        after = response.data.decisions.pageInfo.endCursor;
        if (seen.length >= before.length + 20) break;
      }
    } finally {
      writing = false;
      await writer;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(sequences).toEqual(sequences.map((_, i) => sequences[0] + i));
    expect(seen.slice(0, before.length)).toEqual(before);

    const bad = await server.gql(PAGE, { first: 5, after: 'bm90LWEtY3Vyc29y' }, server.keys.auditor);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('filters by kind, enterprise and decision and counts the filtered total', async () => {
    await runMixedWorkload(server, 1);
    const response = await server.gql(PAGE, { first: 500, filter: { kind: 'RECORDED_VIOLATION' } }, server.keys.auditor);
    const [{ count }] = await server.dataSource.query(`SELECT count(*)::int AS count FROM decision_log WHERE kind = 'RECORDED_VIOLATION'`);
    expect(response.data.decisions.totalCount).toBe(count);
    expect(response.data.decisions.edges.every((edge: { node: { kind: string } }) => edge.node.kind === 'RECORDED_VIOLATION')).toBe(true);
    const rejected = await server.gql(PAGE, { first: 1, filter: { decision: 'REJECT', rulesetKey: 'ccc-access' } }, server.keys.auditor);
    const [{ rejects }] = await server.dataSource.query(`SELECT count(*)::int AS rejects FROM decision_log WHERE decision = 'REJECT'`);
    expect(rejected.data.decisions.totalCount).toBe(rejects);
  });

  it('leaves one valid chain when two server processes write concurrently', async () => {
    const second = await startTestServer({ databaseUrl: server.databaseUrl });
    try {
      const requests = Array.from({ length: 120 }, (_, i) => {
        const target = i % 2 === 0 ? server : second;
        return target.gql(APPLY, { input: { description: `两个进程并发 ${i}` } }, target.keys.evaluator);
      });
      const batches = [server, second].map((target) =>
        target.gql(
          `query($inputs: [NumberApplicationInput!]!) { evaluateNumberApplications(inputs: $inputs) { decisionId } }`,
          {
            inputs: Array.from({ length: 50 }, (_, i) => ({ description: `批量 ${i}` })),
          },
          target.keys.evaluator,
        ),
      );
      const responses = await Promise.all([...requests, ...batches]);
      expect(responses.every((response) => !response.errors)).toBe(true);
    } finally {
      await second.close();
    }
    const { data } = await server.gql(VERIFY, {}, server.keys.auditor);
    const [{ count }] = await server.dataSource.query('SELECT count(*)::int AS count FROM decision_log');
    expect(data.verifyDecisionLog).toMatchObject({ checked: count, valid: true, firstBrokenId: null, reason: null });
  });

  it('verifies a time window against the record before it', async () => {
    await runMixedWorkload(server, 1);
    const [{ middle }] = await server.dataSource.query(
      `SELECT created_at AS middle FROM decision_log ORDER BY seq OFFSET (SELECT count(*) / 2 FROM decision_log) LIMIT 1`,
    );
    const { data } = await server.gql(VERIFY, { from: new Date(middle).toISOString() }, server.keys.auditor);
    expect(data.verifyDecisionLog.valid).toBe(true);
    expect(data.verifyDecisionLog.checked).toBeGreaterThan(0);
  });
});

describe('replaying a decision of a later version', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('replays against the version that decided it when no version is named', async () => {
    await publishBySql(server.dataSource, withoutRule(await seedContent(server.dataSource), 'finance.credit-card'));
    // Nothing was evaluated before the publish, so the first evaluation reads the version list afresh.
    const { data } = await server.gql(
      `query($input: NumberApplicationInput!) { evaluateNumberApplication(input: $input) { decisionId decision versionNumber } }`,
      { input: { description: '办信用卡提额服务，帮客户下卡' } },
      server.keys.evaluator,
    );
    expect(data.evaluateNumberApplication).toMatchObject({ versionNumber: 2, decision: 'REVIEW' });
    const replay = await server.gql(REPLAY, { id: data.evaluateNumberApplication.decisionId }, server.keys.auditor);
    expect(replay.errors).toBeUndefined();
    expect(replay.data.replayDecision).toMatchObject({ againstVersion: 2, identical: true, differences: [] });
    // Against version 1, which still has the rule, the same input is rejected: the default is not version 1.
    const againstFirst = await server.gql(REPLAY, { id: data.evaluateNumberApplication.decisionId, v: 1 }, server.keys.auditor);
    expect(againstFirst.data.replayDecision).toMatchObject({ againstVersion: 1, identical: false });
  });
});

describe('tampering with the decision log by direct SQL', () => {
  let server: TestServer;
  let ids: string[];
  beforeEach(async () => {
    server = await startTestServer();
    for (let i = 0; i < 6; i += 1) await server.gql(APPLY, { input: { description: `记录 ${i} 家政保洁` } }, server.keys.evaluator);
    ids = await logIds(server.dataSource);
    const { data } = await server.gql(VERIFY, {}, server.keys.auditor);
    expect(data.verifyDecisionLog).toMatchObject({ valid: true, checked: 6 });
  });
  afterEach(() => server.close());

  const verify = async () => (await server.gql(VERIFY, {}, server.keys.auditor)).data.verifyDecisionLog;

  it('is refused while the append-only triggers are on', async () => {
    // As the owner: the triggers refuse even those who may write the table (the service role may not at all).
    await expect(server.ownerQuery(`UPDATE decision_log SET caller = 'x' WHERE id = $1`, [ids[2]])).rejects.toThrow(/append-only/);
    await expect(server.ownerQuery(`DELETE FROM decision_log WHERE id = $1`, [ids[2]])).rejects.toThrow(/append-only/);
  });

  it('finds an altered record at that record', async () => {
    await tamper(server, [[`UPDATE decision_log SET output = jsonb_set(output, '{decision}', '"ALLOW"'), decision = 'ALLOW' WHERE id = $1`, [ids[2]]]]);
    expect(await verify()).toMatchObject({ valid: false, firstBrokenId: ids[2], reason: 'record-hash', checked: 3 });
  });

  it('finds an altered record whose hashes were recomputed at the record after it', async () => {
    const original = (await server.app.services.decisionLog.findDecision(ids[2]))!;
    const altered = { ...original, caller: 'someone-else' };
    const recordHash = recordHashOf(altered);
    const hash = chainHash(original.prevHash, recordHash);
    await tamper(server, [
      [
        `UPDATE decision_log SET caller = 'someone-else', record_sha256 = decode($2, 'hex'), chain_sha256 = decode($3, 'hex') WHERE id = $1`,
        [ids[2], recordHash, hash],
      ],
    ]);
    // A lean record keeps no prev_hash: the next record's chain hash no longer follows from the rewritten one.
    expect(await verify()).toMatchObject({ valid: false, firstBrokenId: ids[3], reason: 'chain-hash' });
  });

  it('finds a key added to a stored compact output, which its projection alone would not show', async () => {
    await tamper(server, [[`UPDATE decision_log SET output = output || '{"message": "added"}' WHERE id = $1`, [ids[2]]]]);
    expect(await verify()).toMatchObject({ valid: false, firstBrokenId: ids[2], reason: 'record-hash', checked: 3 });
  });

  it('finds a deleted record at the record that followed it', async () => {
    await tamper(server, [[`DELETE FROM decision_log WHERE id = $1`, [ids[3]]]]);
    expect(await verify()).toMatchObject({ valid: false, firstBrokenId: ids[4] });
  });

  it('finds records deleted at the end of a time window, against the record after it', async () => {
    const times: { created_at: Date }[] = await server.dataSource.query('SELECT created_at FROM decision_log ORDER BY seq');
    const window = { from: times[0].created_at.toISOString(), to: times[4].created_at.toISOString() };
    const inside = times.filter((time) => time.created_at.getTime() < times[4].created_at.getTime()).length;
    expect((await server.gql(VERIFY, window, server.keys.auditor)).data.verifyDecisionLog).toMatchObject({ valid: true, checked: inside });
    await tamper(server, [[`DELETE FROM decision_log WHERE id = $1`, [ids[inside - 1]]]]);
    expect((await server.gql(VERIFY, window, server.keys.auditor)).data.verifyDecisionLog).toMatchObject({
      valid: false,
      firstBrokenId: ids[inside],
      reason: 'sequence',
    });
  });

  it('refuses a checkpoint beyond any log position with BAD_USER_INPUT', async () => {
    const response = await server.gql(VERIFY, { checkpoint: { sequence: '9223372036854775808', hash: 'a'.repeat(64) } }, server.keys.auditor);
    expect(response.data).toBeNull();
    expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(response.errors![0].message).toMatch(/at most 9223372036854775807/);
  });

  it('finds deleted newest records against the chain head', async () => {
    await tamper(server, [[`DELETE FROM decision_log WHERE id = $1`, [ids[5]]]]);
    expect(await verify()).toMatchObject({ valid: false, firstBrokenId: null, reason: 'missing-tail' });
  });

  it('finds, against a checkpoint kept outside, history rewritten wholesale with its head', async () => {
    const { checkpoint } = await verify();
    const [head] = await server.dataSource.query('SELECT seq::text AS seq, hash FROM decision_log_head');
    expect(checkpoint).toEqual({ sequence: head.seq, hash: head.hash });
    await server.gql(APPLY, { input: { description: '记录 6 家政保洁' } }, server.keys.evaluator);
    const fine = (await server.gql(VERIFY, { checkpoint }, server.keys.auditor)).data.verifyDecisionLog;
    expect(fine).toMatchObject({ valid: true, checked: 7 });

    // Rewrite the first record and re-chain everything after it, head included: the chain alone verifies.
    const records = await Promise.all((await logIds(server.dataSource)).map((id) => server.app.services.decisionLog.findDecision(id)));
    const statements: [string, unknown[]][] = [];
    let prevHash: string | null = null;
    for (const [index, record] of records.entries()) {
      const rewritten = index === 0 ? { ...record!, caller: 'someone-else' } : record!;
      const recordHash = recordHashOf(rewritten);
      const hash = chainHash(prevHash, recordHash);
      statements.push([
        `UPDATE decision_log SET caller = $2, record_sha256 = decode($3, 'hex'), chain_sha256 = decode($4, 'hex') WHERE id = $1`,
        [rewritten.id, rewritten.caller, recordHash, hash],
      ]);
      prevHash = hash;
    }
    statements.push(['UPDATE decision_log_head SET hash = $1', [prevHash]]);
    await tamper(server, statements);
    expect(await verify()).toMatchObject({ valid: true });
    const caught = (await server.gql(VERIFY, { checkpoint }, server.keys.auditor)).data.verifyDecisionLog;
    expect(caught).toMatchObject({ valid: false, reason: 'checkpoint-mismatch', firstBrokenId: ids[5], checkpoint: null });

    const unknown = (await server.gql(VERIFY, { checkpoint: { sequence: '999', hash: checkpoint.hash } }, server.keys.auditor)).data.verifyDecisionLog;
    expect(unknown).toMatchObject({ valid: false, reason: 'checkpoint-missing' });
    const malformed = await server.gql(VERIFY, { checkpoint: { sequence: '-1', hash: 'zz' } }, server.keys.auditor);
    expect(malformed.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('reports a forged link hash as chain-hash at that record', async () => {
    const forged = 'e'.repeat(64);
    await tamper(server, [['UPDATE decision_log SET chain_sha256 = decode($2, $3) WHERE id = $1', [ids[2], forged, 'hex']]]);
    expect(await verify()).toMatchObject({ valid: false, firstBrokenId: ids[2], reason: 'chain-hash', checked: 3 });
  });

  it('verifies a window from its start: a tampered record before it is outside, one inside is caught', async () => {
    const times: { created_at: Date }[] = await server.dataSource.query('SELECT created_at FROM decision_log ORDER BY seq');
    const from = times[3].created_at;
    // The log is written in order; the records were written one request after another, so record 2 is older than record 4.
    expect(times[1].created_at.getTime()).toBeLessThan(from.getTime());
    const inside = times.filter((time) => time.created_at.getTime() >= from.getTime()).length;
    const window = { from: from.toISOString() };
    await tamper(server, [[`UPDATE decision_log SET caller = 'someone-else' WHERE id = $1`, [ids[1]]]]);
    expect(await verify()).toMatchObject({ valid: false, firstBrokenId: ids[1], reason: 'record-hash' });
    expect((await server.gql(VERIFY, window, server.keys.auditor)).data.verifyDecisionLog).toMatchObject({ valid: true, checked: inside });

    await tamper(server, [[`UPDATE decision_log SET caller = 'someone-else' WHERE id = $1`, [ids[4]]]]);
    expect((await server.gql(VERIFY, window, server.keys.auditor)).data.verifyDecisionLog).toMatchObject({
      valid: false,
      firstBrokenId: ids[4],
      reason: 'record-hash',
    });
  });

  it('finds reordered records at the first one out of place', async () => {
    await tamper(server, [
      [`UPDATE decision_log SET seq = -seq WHERE id = $1`, [ids[1]]],
      [`UPDATE decision_log SET seq = 2 WHERE id = $1`, [ids[3]]],
      [`UPDATE decision_log SET seq = 4 WHERE id = $1`, [ids[1]]],
    ]);
    expect(await verify()).toMatchObject({ valid: false, firstBrokenId: ids[3], reason: 'chain-hash' });
  });
});
