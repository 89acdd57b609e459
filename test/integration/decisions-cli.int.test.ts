import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { DecisionsCliIo, runDecisionsCli } from '../../src/cli/decisions';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { CheckpointSigner, loadCheckpointSigner } from '../../src/decisions/checkpoint-signing';
import { startTestServer, TestServer } from '../helpers/test-server';
import { readTestState } from '../helpers/test-state';
import { runMixedWorkload } from '../helpers/workload';
import { seedContent } from '../helpers/policy-versions';
import { systemContext } from '../../src/common/request-context';

const EVALUATE_IN = `query($key: ID!, $input: NumberApplicationInput!) { evaluateNumberApplication(rulesetKey: $key, input: $input) { decisionId } }`;

/** The CLI's io over the test server's database (nothing to close), its lines collected in `lines` when given. */
function cliIo(server: TestServer, lines: string[] | null = null): DecisionsCliIo {
  const collect = (line: string) => lines?.push(line);
  return {
    out: collect,
    err: collect,
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    openDatabase: async () => ({ dataSource: server.dataSource, close: async () => undefined }),
    signer: () => loadCheckpointSigner(readTestState().checkpointSigningKey),
  };
}

describe('the decisions CLI', () => {
  let server: TestServer;
  let dir: string;
  const lines: string[] = [];
  let io: DecisionsCliIo;
  beforeAll(async () => {
    server = await startTestServer();
    await runMixedWorkload(server, 1);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-decisions-'));
    io = cliIo(server, lines);
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exports the log as NDJSON that verifies offline, and finds an edited line', async () => {
    const file = path.join(dir, 'all.ndjson');
    expect(await runDecisionsCli(['export', '--out', file], io)).toBe(0);
    const content = fs.readFileSync(file, 'utf8').trim().split('\n');
    const [{ count }] = await server.dataSource.query('SELECT count(*)::int AS count FROM decision_log');
    expect(JSON.parse(content[0])).toMatchObject({ type: 'ccc-policy-decision-log-export', count });
    // Header, every record, and the signed checkpoint at the last one.
    expect(content).toHaveLength(count + 2);
    expect(JSON.parse(content[content.length - 1])).toMatchObject({ type: 'ccc-policy-checkpoint', sequence: String(count) });
    expect(await runDecisionsCli(['verify', file], io)).toBe(0);
    expect(lines[lines.length - 1]).toMatch(new RegExp(`^valid: ${count} decisions checked; signed by key [0-9a-f]{16}`));

    const edited = JSON.parse(content[3]);
    edited.output.message = 'edited';
    content[3] = JSON.stringify(edited);
    const tampered = path.join(dir, 'tampered.ndjson');
    fs.writeFileSync(tampered, `${content.join('\n')}\n`);
    expect(await runDecisionsCli(['verify', tampered], io)).toBe(1);
    expect(lines[lines.length - 1]).toContain(`decision ${edited.id}`);

    const dropped = path.join(dir, 'dropped.ndjson');
    fs.writeFileSync(dropped, `${content.filter((_, i) => i !== 5).join('\n')}\n`);
    expect(await runDecisionsCli(['verify', dropped], io)).toBe(1);
  });

  it('proves an export complete against the signed checkpoint: a record dropped at the end, a forged signature and a stub standing for another record are caught', async () => {
    const file = path.join(dir, 'signed.ndjson');
    expect(await runDecisionsCli(['export', '--out', file], io)).toBe(0);
    const content = fs.readFileSync(file, 'utf8').trim().split('\n');
    const publicKey = path.join(dir, 'trusted.pem');
    fs.writeFileSync(publicKey, io.signer().publicKeyPem());
    const verify = async (name: string, lines: string[], ...options: string[]) => {
      const target = path.join(dir, name);
      fs.writeFileSync(target, `${lines.join('\n')}\n`);
      return runDecisionsCli(['verify', target, ...options], io);
    };
    expect(await verify('ok.ndjson', content, '--public-key', publicKey)).toBe(0);
    expect(lines[lines.length - 1]).toContain('(the trusted key)');

    // The newest record dropped, header count and lastSeq adjusted, the checkpoint kept: it no longer matches.
    const header = JSON.parse(content[0]);
    const shortened = [
      JSON.stringify({ ...header, count: header.count - 1, lastSeq: header.lastSeq - 1 }),
      ...content.slice(1, -2),
      content[content.length - 1],
    ];
    expect(await verify('short.ndjson', shortened)).toBe(1);
    expect(lines[lines.length - 1]).toMatch(/checkpoint-mismatch/);
    // ... and without the checkpoint: unsigned.
    expect(await verify('unsigned.ndjson', shortened.slice(0, -1))).toBe(1);
    expect(lines[lines.length - 1]).toMatch(/unsigned/);

    // Re-signed by another key: refused against the trusted one.
    const checkpoint = JSON.parse(content[content.length - 1]);
    const other = new CheckpointSigner(generateKeyPairSync('ed25519').privateKey).sign({ sequence: checkpoint.sequence, hash: checkpoint.hash }, new Date());
    expect(await verify('resigned.ndjson', [...content.slice(0, -1), JSON.stringify(other)], '--public-key', publicKey)).toBe(1);
    expect(lines[lines.length - 1]).toMatch(/signature \(signed by another key\)/);
    // A signature that does not cover the checkpoint.
    expect(await verify('forged.ndjson', [...content.slice(0, -1), JSON.stringify({ ...checkpoint, signedAt: new Date(0).toISOString() })])).toBe(1);
    expect(lines[lines.length - 1]).toMatch(/bad signature/);

    // A record replaced by a stub that names a different record hash.
    const middle = JSON.parse(content[3]);
    const stubbed = [...content];
    stubbed[3] = JSON.stringify({ stub: true, seq: middle.seq, recordHash: 'f'.repeat(64) });
    expect(await verify('stubbed.ndjson', [JSON.stringify({ ...header, count: header.count - 1 }), ...stubbed.slice(1)])).toBe(1);
    expect(lines[lines.length - 1]).toMatch(/prev-hash/);
  });

  it('checks an export against a signed checkpoint kept from verifyDecisionLog', async () => {
    const { data } = await server.gql(
      '{ verifyDecisionLog { valid signedCheckpoint { type sequence hash signedAt keyId publicKey signature } } }',
      {},
      server.keys.auditor,
    );
    expect(data.verifyDecisionLog.valid).toBe(true);
    const kept = path.join(dir, 'kept.json');
    fs.writeFileSync(kept, JSON.stringify(data.verifyDecisionLog.signedCheckpoint));
    const file = path.join(dir, 'later.ndjson');
    await runMixedWorkload(server, 1);
    expect(await runDecisionsCli(['export', '--out', file], io)).toBe(0);
    expect(await runDecisionsCli(['verify', file, '--checkpoint', kept], io)).toBe(0);
    expect(lines[lines.length - 1]).toContain(`kept checkpoint at ${data.verifyDecisionLog.signedCheckpoint.sequence} matched`);
    const altered = path.join(dir, 'kept-altered.json');
    fs.writeFileSync(altered, JSON.stringify({ ...data.verifyDecisionLog.signedCheckpoint, hash: '0'.repeat(64) }));
    expect(await runDecisionsCli(['verify', file, '--checkpoint', altered], io)).toBe(1);
    expect(lines[lines.length - 1]).toMatch(/bad signature/);
  });

  it('exports a filtered window with stubs for the positions it leaves out, and catches a record dropped from its middle', async () => {
    const [{ middle }] = await server.dataSource.query(
      `SELECT created_at AS middle FROM decision_log ORDER BY seq OFFSET (SELECT count(*) / 2 FROM decision_log) LIMIT 1`,
    );
    const file = path.join(dir, 'half.ndjson');
    expect(await runDecisionsCli(['export', '--from', new Date(middle).toISOString(), '--out', file], io)).toBe(0);
    const content = fs.readFileSync(file, 'utf8').trim().split('\n');
    const header = JSON.parse(content[0]);
    expect(header.afterSeq).toBeGreaterThan(0);
    expect(header.anchorHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await runDecisionsCli(['verify', file], io)).toBe(0);
    const dropped = path.join(dir, 'half-dropped.ndjson');
    fs.writeFileSync(dropped, `${[JSON.stringify({ ...header, count: header.count - 1 }), ...content.slice(1).filter((_, i) => i !== 2)].join('\n')}\n`);
    expect(await runDecisionsCli(['verify', dropped], io)).toBe(1);
    expect(lines[lines.length - 1]).toMatch(/sequence/);
  });

  /** Runs the CLI with its own streams: `stderrIsTty` decides between a bar and plain lines. */
  async function run(argv: string[], stderrIsTty = false) {
    const out: string[] = [];
    const stderr = Object.assign(new PassThrough(), { isTTY: stderrIsTty });
    let progress = '';
    stderr.on('data', (chunk) => (progress += String(chunk)));
    const stdout = new PassThrough();
    let exported = '';
    stdout.on('data', (chunk) => (exported += String(chunk)));
    const code = await runDecisionsCli(argv, { ...io, out: (line) => out.push(line), err: (line) => out.push(line), stdout, stderr });
    return { code, out: out.join('\n'), progress, exported };
  }

  it('runs impact analysis of a draft over the logged decisions, with progress, exiting 1 only when outcomes change', async () => {
    const [{ count }] = await server.dataSource.query(`SELECT count(*)::int AS count FROM decision_log WHERE ruleset_key = 'ccc-access'`);
    const draft = (await server.gql('mutation { createDraft(rulesetKey: "ccc-access") { id } }', {}, server.keys.editor)).data.createDraft;
    const stderr = new PassThrough();
    let progress = '';
    stderr.on('data', (chunk) => (progress += chunk));
    const unchanged = await runDecisionsCli(['impact', '--ruleset', 'ccc-access', '--draft', draft.id], { ...io, stderr });
    expect(unchanged).toBe(0);
    expect(lines).toContain(`ccc-access: ${count} decisions replayed against draft ${draft.id}; 0 would change`);
    expect(progress.trim().split('\n').pop()).toMatch(new RegExp(`^impact: ${count}/${count} decisions \\(100%\\)`));

    // Rejecting by default changes every REVIEW of the log: the exit code says outcomes change.
    const changed = await server.gql(
      'mutation($id: ID!) { setDefaultDecision(draftId: $id, expectedRevision: 0, decision: REJECT, message: "不予接入") { revision } }',
      { id: draft.id },
      server.keys.editor,
    );
    expect(changed.errors).toBeUndefined();
    expect(await runDecisionsCli(['impact', '--ruleset', 'ccc-access', '--draft', draft.id], io)).toBe(1);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}REVIEW -> REJECT: \d+$/));
    expect(await runDecisionsCli(['impact', '--ruleset', 'ccc-access', '--version', '1'], io)).toBe(0);
    expect(await runDecisionsCli(['impact', '--ruleset', 'ccc-access'], io)).toBe(2);
  });

  it('answers --help and per-command help with an example', async () => {
    const overall = await run(['--help']);
    expect(overall.code).toBe(0);
    expect(overall.out).toMatch(/^ {2}export /m);
    expect(overall.out).toMatch(/^ {2}verify /m);
    const exportHelp = await run(['export', '--help']);
    expect(exportHelp.code).toBe(0);
    expect(exportHelp.out).toContain('--ruleset');
    expect(exportHelp.out).toContain('example:\n  npm run decisions -- export --from 2026-01-01T00:00:00Z --ruleset ccc-access --out decisions.ndjson');
    expect((await run(['help', 'verify'])).out).toContain('usage: npm run decisions -- verify <file>');
  });

  it('refuses an unknown option and an unknown ruleset with nothing exported', async () => {
    const file = path.join(dir, 'refused.ndjson');
    const typo = await run(['export', '--form', '2026-01-01', '--out', file]);
    expect(typo.code).toBe(2);
    expect(typo.out).toContain('unknown option --form for export');
    const unknown = await run(['export', '--ruleset', 'nope', '--out', file]);
    expect(unknown.code).toBe(1);
    expect(unknown.out).toBe('unknown ruleset "nope" (known: ccc-access)');
    expect(fs.existsSync(file)).toBe(false);
    const toStdout = await run(['export', '--ruleset', 'nope']);
    expect(toStdout).toMatchObject({ code: 1, exported: '' });
    expect((await run(['verify'])).code).toBe(2);
    expect((await run(['verify', path.join(dir, 'missing.ndjson')])).code).toBe(1);
  });

  it('shows progress as plain lines without a terminal and as a bar on one, for export and verify', async () => {
    const [{ count }] = await server.dataSource.query('SELECT count(*)::int AS count FROM decision_log');
    const file = path.join(dir, 'progress.ndjson');
    const plain = await run(['export', '--out', file]);
    expect(plain.code).toBe(0);
    const lines = plain.progress.trim().split('\n');
    expect(lines[lines.length - 1]).toMatch(new RegExp(`^export: ${count}/${count} decisions \\(100%\\), \\d+/s$`));
    for (const line of lines) expect(line).toMatch(new RegExp(`^export: \\d+/${count} decisions \\(\\d+%\\), \\d+/s$`));
    expect(plain.progress).not.toContain('\u001b['); // no terminal control codes in a log

    const verified = await run(['verify', file]);
    expect(verified.code).toBe(0);
    expect(verified.progress.trim().split('\n').pop()).toMatch(new RegExp(`^verify: ${count}/${count} decisions \\(100%\\), \\d+/s$`));

    const onTerminal = await run(['export', '--out', file], true);
    expect(onTerminal.code).toBe(0);
    expect(onTerminal.progress).toMatch(new RegExp(`export \\[[^\\]]+\\] 100% \\| ${count}/${count} decisions \\| \\d+/s`));
  });
});

// A server of its own: this test adds a ruleset, which the other tests' messages do not expect.
describe('the decisions CLI export filters', () => {
  let server: TestServer;
  let dir: string;
  let io: DecisionsCliIo;
  beforeAll(async () => {
    server = await startTestServer();
    await runMixedWorkload(server, 1);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-decisions-filters-'));
    io = cliIo(server);
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exports in full only the records inside the time window and of the ruleset, the other positions as stubs', async () => {
    const other = `cli-other-${randomBytes(3).toString('hex')}`;
    await server.app.services.publishing.importRuleset(
      systemContext('test'),
      { key: other, name: other, description: null, makerChecker: false },
      await seedContent(server.dataSource),
      'a second ruleset, so the ruleset filter has something to leave out',
    );
    const evaluate = async (rulesetKey: string, description: string) => {
      const response = await server.gql(EVALUATE_IN, { key: rulesetKey, input: { description } }, server.keys.evaluator);
      expect(response.errors).toBeUndefined();
      return response.data.evaluateNumberApplication.decisionId as string;
    };
    const firstInWindow = await evaluate(other, '其他规则集 家政保洁 0');
    for (let i = 0; i < 3; i += 1) {
      await evaluate('ccc-access', `窗口内 家政保洁 ${i}`);
      await evaluate(other, `其他规则集 家政保洁 ${i + 1}`);
    }
    const firstAfterWindow = await evaluate('ccc-access', '窗口后 家政保洁');
    await evaluate('ccc-access', '窗口后 家政保洁 2');

    type Row = { id: string; seq: string; ruleset_key: string; created_at: Date };
    const rows: Row[] = await server.dataSource.query('SELECT id, seq::text AS seq, ruleset_key, created_at FROM decision_log ORDER BY seq');
    const at = (id: string) => rows.find((row) => row.id === id)!.created_at;
    const from = at(firstInWindow);
    const to = at(firstAfterWindow);
    const inWindow = (row: Row) => row.created_at.getTime() >= from.getTime() && row.created_at.getTime() < to.getTime();
    const expected = rows.filter((row) => row.ruleset_key === 'ccc-access' && inWindow(row)).map((row) => row.id);
    // Each filter leaves records out, or an ignored filter would pass unnoticed.
    expect(rows.filter((row) => row.ruleset_key === 'ccc-access' && row.created_at.getTime() < from.getTime()).length).toBeGreaterThan(0);
    expect(rows.filter((row) => row.ruleset_key === 'ccc-access' && row.created_at.getTime() >= to.getTime()).length).toBeGreaterThan(0);
    expect(rows.filter((row) => row.ruleset_key === other && inWindow(row)).length).toBeGreaterThan(0);
    expect(expected.length).toBeGreaterThan(0);

    const file = path.join(dir, 'window.ndjson');
    const argv = ['export', '--from', from.toISOString(), '--to', to.toISOString(), '--ruleset', 'ccc-access', '--out', file];
    expect(await runDecisionsCli(argv, io)).toBe(0);
    const [header, ...entries] = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(header).toMatchObject({ from: from.toISOString(), to: to.toISOString(), rulesetKey: 'ccc-access', count: expected.length });
    const positions = entries.slice(0, -1);
    expect(positions.filter((entry) => entry.stub !== true).map((entry) => entry.id)).toEqual(expected);
    expect(positions.map((entry) => String(entry.seq))).toEqual(
      rows.filter((row) => Number(row.seq) > header.afterSeq && Number(row.seq) <= header.lastSeq).map((row) => row.seq),
    );
    expect(await runDecisionsCli(['verify', file], io)).toBe(0);
    expect(await runDecisionsCli(['export', '--from', 'yesterday'], io)).toBe(2);
  });
});

describe('the decisions CLI with reviewed decisions', () => {
  let server: TestServer;
  let dir: string;
  const lines: string[] = [];
  let io: DecisionsCliIo;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    server = await startTestServer();
    const decide = async (name: string, description: string) => {
      const response = await server.gql(
        `query($input: NumberApplicationInput!) { evaluateNumberApplication(input: $input) { decisionId } }`,
        { input: { description } },
        server.keys.evaluator,
      );
      ids[name] = response.data.evaluateNumberApplication.decisionId;
    };
    await decide('rejected', '网贷逾期催收外包');
    await decide('review', '燃气公司 欠费查询热线 用户来电咨询');
    await decide('untouched', '餐厅订座');
    const appeal = await server.gql(`mutation($id: ID!) { openAppeal(decisionId: $id, reason: "申诉") { id } }`, { id: ids.rejected }, server.keys.evaluator);
    expect(appeal.errors).toBeUndefined();
    for (const [name, outcome] of [
      ['rejected', 'REJECTED'],
      ['review', 'APPROVED'],
    ]) {
      const answered = await server.gql(
        `mutation($id: ID!, $outcome: ReviewOutcomeKind!) { recordReviewOutcome(decisionId: $id, outcome: $outcome, reason: "复核") { id } }`,
        { id: ids[name], outcome },
        server.keys.reviewer,
      );
      expect(answered.errors).toBeUndefined();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-decisions-reviews-'));
    io = cliIo(server, lines);
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exports each application with its appeal and answers, verifies them offline, and finds an edited or moved answer', async () => {
    const file = path.join(dir, 'reviewed.ndjson');
    expect(await runDecisionsCli(['export', '--out', file], io)).toBe(0);
    const content = fs.readFileSync(file, 'utf8').trim().split('\n');
    const records = content.slice(1, -1).map((line) => JSON.parse(line));
    const byId = new Map(records.map((record, index) => [record.id, { record, line: index + 1 }]));
    expect(byId.get(ids.rejected)!.record.reviews.map((review: { kind: string; outcome: string | null }) => [review.kind, review.outcome])).toEqual([
      ['APPEAL', null],
      ['OUTCOME', 'REJECTED'],
    ]);
    expect(byId.get(ids.review)!.record.reviews.map((review: { outcome: string }) => review.outcome)).toEqual(['APPROVED']);
    expect(byId.get(ids.untouched)!.record).not.toHaveProperty('reviews');
    expect(await runDecisionsCli(['verify', file], io)).toBe(0);
    expect(lines[lines.length - 1]).toMatch(/^valid: 3 decisions checked; .*; 3 reviews checked$/);

    const rewrite = (name: string, change: (record: { reviews: Record<string, unknown>[] }) => void) => {
      const copy = [...content];
      const { line } = byId.get(ids[name])!;
      const record = JSON.parse(copy[line]);
      change(record);
      copy[line] = JSON.stringify(record);
      const out = path.join(dir, `${name}-changed.ndjson`);
      fs.writeFileSync(out, `${copy.join('\n')}\n`);
      return out;
    };
    expect(await runDecisionsCli(['verify', rewrite('review', (record) => (record.reviews[0].outcome = 'REJECTED'))], io)).toBe(1);
    expect(lines[lines.length - 1]).toContain(`decision ${ids.review}`);
    expect(lines[lines.length - 1]).toContain('review-record-hash');

    // An answer carried beside another decision does not name it.
    const answer = byId.get(ids.review)!.record.reviews[0];
    expect(await runDecisionsCli(['verify', rewrite('untouched', (record) => (record.reviews = [answer]))], io)).toBe(1);
    expect(lines[lines.length - 1]).toContain('review-decision');
  });
});
