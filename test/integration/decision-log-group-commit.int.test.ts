import { Client } from 'pg';
import { DecisionContent } from '../../src/decisions/decision-record';
import { newDecision } from '../../src/decisions/new-decision';
import { startTestServer, TestServer } from '../helpers/test-server';
import { APPLY } from '../helpers/workload';

const VERIFY = `{ verifyDecisionLog { checked valid firstBrokenId } }`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The seed version's content hash: the log refuses a record naming a version it does not hold. */
let seedContentHash = '';

async function readSeedContentHash(server: TestServer): Promise<void> {
  [{ content_hash: seedContentHash }] = await server.dataSource.query(
    `SELECT v.content_hash FROM ruleset_version v JOIN ruleset r ON r.id = v.ruleset_id WHERE r.key = 'ccc-access' AND v.number = 1`,
  );
}

function record(description: string, createdAt = new Date()): DecisionContent {
  const output = { decision: 'REVIEW', message: '其他未明确业务以最终申请号码审核为准', matches: [] };
  return newDecision(
    { requestId: 'test', caller: { keyId: 'k', name: 'writer-test', roles: ['evaluator'] }, now: createdAt, receivedDecisionIds: new Set() },
    { rulesetKey: 'ccc-access', number: 1, contentHash: seedContentHash },
    'NUMBER_APPLICATION',
    { enterpriseId: null, decision: 'REVIEW', severity: null, input: { description }, output, state: { enterprise: null } },
    createdAt,
  );
}

/** As the owner: the service role may not create triggers. */
async function installFailingTrigger(server: TestServer): Promise<void> {
  await server.ownerQuery(`
    CREATE FUNCTION fail_marked_decision() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.input->>'description' = 'FAIL-THE-BATCH' THEN RAISE EXCEPTION 'induced failure for the test'; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER fail_marked_decision BEFORE INSERT ON decision_log FOR EACH ROW EXECUTE FUNCTION fail_marked_decision();`);
}

async function logCount(server: TestServer): Promise<number> {
  const [{ count }] = await server.dataSource.query('SELECT count(*)::int AS count FROM decision_log');
  return count;
}

describe('group commit of the decision log', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { LOG_BATCH_WINDOW_MS: '150', LOG_BATCH_MAX_SIZE: '2' } });
    await readSeedContentHash(server);
    await installFailingTrigger(server);
  });
  afterAll(() => server.close());

  it('fails exactly the requests of a failed batch, and the chain stays valid', async () => {
    const writer = server.app.services.logWriter;
    const before = await logCount(server);
    // Max size 2: [a, b] is written at once; [bad, c] queue behind it and form the next batch; d waits for the window.
    const settled = await Promise.allSettled([
      writer.append([record('a')]),
      writer.append([record('b')]),
      writer.append([record('FAIL-THE-BATCH')]),
      writer.append([record('c')]),
    ]);
    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    const failure = (settled[3] as PromiseRejectedResult).reason;
    expect(failure.code).toBe('INTERNAL_SERVER_ERROR');
    expect(failure.details).toMatchObject({ reason: 'DECISION_NOT_LOGGED', retryable: true });
    const after = await writer.append([record('d')]);
    expect(after).toHaveLength(1);
    expect(await logCount(server)).toBe(before + 3);
    const { data } = await server.gql(VERIFY, {}, server.keys.auditor);
    expect(data.verifyDecisionLog).toMatchObject({ valid: true, firstBrokenId: null });
  });

  it('returns no decision id to a request whose batch failed', async () => {
    const responses = await Promise.all([
      server.gql(APPLY, { input: { description: 'FAIL-THE-BATCH' } }, server.keys.evaluator),
      server.gql(APPLY, { input: { description: 'FAIL-THE-BATCH' } }, server.keys.evaluator),
    ]);
    for (const response of responses) {
      expect(response.data).toBeNull();
      expect(response.errors?.[0].extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', reason: 'DECISION_NOT_LOGGED' });
    }
  });

  it('acknowledges nothing before its batch has committed', async () => {
    const locker = new Client({ connectionString: server.databaseUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT * FROM decision_log_head FOR UPDATE');
      let answered = false;
      const pending = server.gql(APPLY, { input: { description: '等待提交的决定' } }, server.keys.evaluator).then((response) => {
        answered = true;
        return response;
      });
      await sleep(500);
      expect(answered).toBe(false);
      const [{ count }] = (await locker.query(`SELECT count(*)::int AS count FROM decision_log WHERE input->>'description' = '等待提交的决定'`)).rows;
      expect(count).toBe(0);
      await locker.query('COMMIT');
      const response = await pending;
      expect(response.errors).toBeUndefined();
      const [row] = await server.dataSource.query('SELECT id FROM decision_log WHERE id = $1', [response.data.evaluateNumberApplication.decisionId]);
      expect(row).toBeDefined();
    } finally {
      await locker.end();
    }
  });
});

describe('partitions of the decision log', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await readSeedContentHash(server);
  });
  afterAll(() => server.close());

  it('routes a decision to the partition of its month', async () => {
    const { data } = await server.gql(APPLY, { input: { description: '家政保洁' } }, server.keys.evaluator);
    const [row] = await server.dataSource.query(
      `SELECT tableoid::regclass::text AS partition, to_char(created_at, 'YYYY_MM') AS month FROM decision_log WHERE id = $1`,
      [data.evaluateNumberApplication.decisionId],
    );
    expect(row.partition).toBe(`decision_log_${row.month}`);
  });

  it('creates the partition of a month the log has not reached yet when a batch crosses into it', async () => {
    const future = new Date(Date.UTC(2031, 4, 10, 12));
    const [chained] = await server.app.services.logWriter.append([record('来自未来的决定', future)]);
    const [row] = await server.dataSource.query('SELECT tableoid::regclass::text AS partition FROM decision_log WHERE id = $1', [chained.id]);
    expect(row.partition).toBe('decision_log_2031_05');
    const { data } = await server.gql(VERIFY, {}, server.keys.auditor);
    expect(data.verifyDecisionLog.valid).toBe(true);
  });
});
