import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from 'pg';
import { runDecisionsCli } from '../../src/cli/decisions';
import { systemContext } from '../../src/common/request-context';
import { loadCheckpointSigner } from '../../src/decisions/checkpoint-signing';
import { DecisionContent, serialiseDecision } from '../../src/decisions/decision-record';
import { newDecision } from '../../src/decisions/new-decision';
import { evaluateNumberApplication, NumberApplicationInput } from '../../src/engine';
import { startTestServer, TestServer } from '../helpers/test-server';
import { readTestState } from '../helpers/test-state';
import { APPLY } from '../helpers/workload';

const VERIFY = `{ verifyDecisionLog { checked valid firstBrokenId reason } }`;
const DECISION = `query($id: ID!) { decision(id: $id) { id kind contentHash output recordHash prevHash hash sequence } }`;
const REPLAY = `query($id: ID!) { replayDecision(id: $id) { identical differences original replayed } }`;

/**
 * A format-1 record appended the way the previous release did: hashed over the full output
 * (no format key) and written by append_decision_batch, which that release called and which
 * stays in place for a rolling upgrade. The JSON row names decision_log's columns.
 */
async function appendFormatOne(server: TestServer, description: string): Promise<{ id: string; recordHash: string; output: unknown }> {
  const context = systemContext('old-release');
  const version = await server.app.services.versions.resolveVersion(context, 'ccc-access', {});
  const input: NumberApplicationInput = {
    description,
    industry: '金融',
    scenario: '信用卡',
    enterpriseId: 'old-format-ent',
    callDirection: 'OUTBOUND',
    facts: null,
  };
  const state = { enterprise: null };
  const output = evaluateNumberApplication(version.compiled, input, state);
  const fields = { enterpriseId: 'old-format-ent', decision: output.decision, severity: null, input, output, state };
  const { format, ...content }: DecisionContent = newDecision(context, version, 'NUMBER_APPLICATION', fields, new Date());
  expect(format).toBe(2);
  const { recordHash } = serialiseDecision(content);
  const row = {
    caller: content.caller,
    content_hash: content.contentHash,
    created_at: content.createdAt,
    decision: content.decision,
    engine_version: content.engineVersion,
    enterprise_id: content.enterpriseId,
    id: content.id,
    input: content.input,
    kind: content.kind,
    output: content.output,
    request_id: content.requestId,
    ruleset_key: content.rulesetKey,
    severity: content.severity,
    state: content.state,
    version_number: content.versionNumber,
  };
  await server.dataSource.query('SELECT * FROM append_decision_batch($1::json, $2::text[])', [JSON.stringify([row]), [recordHash]]);
  return { id: content.id, recordHash, output: JSON.parse(JSON.stringify(output)) };
}

async function apply(server: TestServer, description: string): Promise<string> {
  const { data, errors } = await server.gql(APPLY, { input: { description } }, server.keys.evaluator);
  expect(errors).toBeUndefined();
  return data.evaluateNumberApplication.decisionId;
}

describe('a log holding records of both formats (issue 15)', () => {
  let server: TestServer;
  let lean: string[];
  let old: { id: string; recordHash: string; output: unknown };
  beforeAll(async () => {
    server = await startTestServer();
    lean = [await apply(server, '办信用卡提额服务，帮客户下卡')];
    old = await appendFormatOne(server, '信用卡分期推广，外呼老客户');
    lean.push(await apply(server, '家政保洁上门服务预约'));
  });
  afterAll(() => server.close());

  it('stores the old record as it was written and the new ones lean', async () => {
    const rows: { id: string; record_format: number; has_text_hashes: boolean; has_bytes: boolean; has_evidence: boolean }[] = await server.dataSource.query(
      `SELECT id, record_format, (record_hash IS NOT NULL AND prev_hash IS NOT NULL AND hash IS NOT NULL AND content_hash IS NOT NULL) AS has_text_hashes,
              (record_sha256 IS NOT NULL AND chain_sha256 IS NOT NULL) AS has_bytes, jsonb_path_exists(output, '$.matches[*].evidence') AS has_evidence
       FROM decision_log ORDER BY seq`,
    );
    expect(rows).toEqual([
      { id: lean[0], record_format: 2, has_text_hashes: false, has_bytes: true, has_evidence: false },
      { id: old.id, record_format: 1, has_text_hashes: true, has_bytes: false, has_evidence: true },
      { id: lean[1], record_format: 2, has_text_hashes: false, has_bytes: true, has_evidence: false },
    ]);
  });

  it('verifies one chain across both formats', async () => {
    expect((await server.gql(VERIFY, {}, server.keys.auditor)).data.verifyDecisionLog).toEqual({ checked: 3, valid: true, firstBrokenId: null, reason: null });
  });

  it('serves the old record as stored and the lean ones with full outputs, hashes and links', async () => {
    const read = async (id: string) => (await server.gql(DECISION, { id }, server.keys.auditor)).data.decision;
    const [first, middle, last] = [await read(lean[0]), await read(old.id), await read(lean[1])];
    expect(middle.output).toEqual(old.output);
    expect(middle.recordHash).toBe(old.recordHash);
    expect(middle.prevHash).toBe(first.hash);
    expect(last.prevHash).toBe(middle.hash);
    expect(first.prevHash).toBeNull();
    expect(first.contentHash).toBe(middle.contentHash);
    expect(first.output).toMatchObject({ decision: 'REJECT', message: expect.any(String) });
    expect(first.output.matches[0]).toMatchObject({ ruleKey: 'finance.credit-card', evidence: expect.arrayContaining([expect.any(String)]) });
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('replays both formats identically against their own version', async () => {
    for (const id of [lean[0], old.id, lean[1]]) {
      const { data, errors } = await server.gql(REPLAY, { id }, server.keys.auditor);
      expect(errors).toBeUndefined();
      expect(data.replayDecision).toMatchObject({ identical: true, differences: [] });
      expect(data.replayDecision.replayed).toEqual(data.replayDecision.original);
    }
  });

  it('exports both formats as logged, and the export verifies offline', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-formats-'));
    const lines: string[] = [];
    const io = {
      out: (line: string) => lines.push(line),
      err: (line: string) => lines.push(line),
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      openDatabase: async () => ({ dataSource: server.dataSource, close: async () => undefined }),
      signer: () => loadCheckpointSigner(readTestState().checkpointSigningKey),
    };
    try {
      const file = path.join(dir, 'log.ndjson');
      expect(await runDecisionsCli(['export', '--out', file], io)).toBe(0);
      const exported = fs
        .readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(exported[0]).toMatchObject({ version: 3, count: 3 });
      expect(exported[2]).toMatchObject({ id: old.id, output: old.output });
      expect(exported[2].format).toBeUndefined();
      expect(exported[1]).toMatchObject({ id: lean[0], format: 2, output: { decision: 'REJECT', matches: [{ ruleKey: 'finance.credit-card' }] } });
      expect(await runDecisionsCli(['verify', file], io)).toBe(0);
      expect(lines[lines.length - 1]).toMatch(/^valid: 3 decisions checked/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds an old record whose link was rewritten by its prev_hash, as before', async () => {
    const client = new Client({ connectionString: server.databaseUrl });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      await client.query(`UPDATE decision_log SET prev_hash = repeat('e', 64) WHERE id = $1`, [old.id]);
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    expect((await server.gql(VERIFY, {}, server.keys.auditor)).data.verifyDecisionLog).toEqual({
      checked: 2,
      valid: false,
      firstBrokenId: old.id,
      reason: 'prev-hash',
    });
  });
});
