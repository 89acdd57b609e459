import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { DecisionsCliIo, runDecisionsCli } from '../../src/cli/decisions';
import { startTestServer, TestServer } from '../helpers/test-server';
import { runMixedWorkload } from '../helpers/workload';

describe('the decisions CLI', () => {
  let server: TestServer;
  let dir: string;
  const lines: string[] = [];
  let io: DecisionsCliIo;
  beforeAll(async () => {
    server = await startTestServer();
    await runMixedWorkload(server, 1);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-decisions-'));
    io = {
      out: (line) => lines.push(line),
      err: (line) => lines.push(line),
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      openDatabase: async () => ({ dataSource: server.dataSource, close: async () => undefined }),
    };
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
    expect(content).toHaveLength(count + 1);
    expect(await runDecisionsCli(['verify', file], io)).toBe(0);
    expect(lines[lines.length - 1]).toBe(`valid: ${count} decisions checked`);

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

  it('exports a time window and a single ruleset', async () => {
    const file = path.join(dir, 'window.ndjson');
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 3600_000).toISOString();
    expect(await runDecisionsCli(['export', '--from', from, '--to', to, '--ruleset', 'ccc-access', '--out', file], io)).toBe(0);
    expect(await runDecisionsCli(['verify', file], io)).toBe(0);
    expect(await runDecisionsCli(['export', '--from', 'yesterday'], io)).toBe(2);
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
