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
});
