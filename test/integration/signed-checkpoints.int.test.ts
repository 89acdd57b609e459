import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkSignature, loadCheckpointSigner, SignedCheckpoint } from '../../src/decisions/checkpoint-signing';
import { startTestServer, TestServer } from '../helpers/test-server';
import { readTestState } from '../helpers/test-state';
import { APPLY } from '../helpers/workload';

describe('signed checkpoints', () => {
  let server: TestServer;
  let dir: string;
  let out: string;
  const trusted = () => loadCheckpointSigner(readTestState().checkpointSigningKey).publicKey;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-checkpoints-'));
    out = path.join(dir, 'checkpoints.ndjson');
    // An hour apart: the test publishes by hand, the timer never fires during it.
    server = await startTestServer({ env: { CHECKPOINT_EVERY: '3600', CHECKPOINT_OUT: out } });
    for (let i = 0; i < 3; i++) await server.gql(APPLY, { input: { description: `签名 ${i}` } }, server.keys.evaluator);
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('verifyDecisionLog returns its checkpoint signed with the service key', async () => {
    const { data } = await server.gql(
      '{ verifyDecisionLog { valid checkpoint { sequence hash } signedCheckpoint { type sequence hash signedAt keyId publicKey signature } } }',
      {},
      server.keys.auditor,
    );
    const signed: SignedCheckpoint = data.verifyDecisionLog.signedCheckpoint;
    expect(signed).toMatchObject({ ...data.verifyDecisionLog.checkpoint, type: 'ccc-policy-checkpoint' });
    expect(checkSignature(signed, trusted())).toBeNull();
    expect(checkSignature({ ...signed, sequence: '1' }, trusted())).toBe('bad signature');
  });

  it('publishes the signed chain head to CHECKPOINT_OUT, one line per interval', async () => {
    await server.app.checkpoints!.publishNow();
    await server.gql(APPLY, { input: { description: '签名 later' } }, server.keys.evaluator);
    await server.app.checkpoints!.publishNow();
    const published: SignedCheckpoint[] = fs
      .readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const [head] = await server.dataSource.query('SELECT seq::text AS seq, hash FROM decision_log_head');
    expect(published.map((checkpoint) => checkpoint.sequence)).toEqual([String(Number(head.seq) - 1), head.seq]);
    expect(published[1].hash).toBe(head.hash);
    for (const checkpoint of published) expect(checkSignature(checkpoint, trusted())).toBeNull();
  });
});
