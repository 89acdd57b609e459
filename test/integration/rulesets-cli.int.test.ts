import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { CliIo, runRulesetsCli } from '../../src/cli/rulesets';
import { contentHash, orderContent } from '../../src/rulesets/content-hash';
import { readRulesetDir } from '../../src/rulesets/ruleset-files';
import { seedRulesetDir } from '../../src/rulesets/seed';
import { businessRule, openDraft, PUBLISH, upsertRule } from '../helpers/authoring';
import { startTestServer, TestServer } from '../helpers/test-server';

describe('npm run rulesets: validate, import, export, diff', () => {
  let server: TestServer;
  let tmp: string;
  beforeAll(async () => {
    server = await startTestServer();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-rulesets-cli-'));
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Runs the CLI against the test server's database; returns exit code and output. */
  async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      openDatabase: async () => ({ dataSource: server.dataSource, close: async () => undefined }),
    };
    const code = await runRulesetsCli(args, io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  const dir = (name: string) => path.join(tmp, name);
  const currentHash = async (key: string) =>
    (await server.gql(`query($k: ID!) { ruleset(key: $k) { currentVersion { number contentHash } } }`, { k: key })).data.ruleset.currentVersion;

  /** Version 1 of ccc-access exported afresh into a directory of the test's own (no test uses another's files). */
  async function exportVersion1(name: string): Promise<string> {
    const exported = await cli('export', 'ccc-access', '--version', '1', dir(name));
    expect(exported.code).toBe(0);
    return dir(name);
  }

  it('exports a published version to files that import as a new ruleset with the same content hash', async () => {
    const exported = await cli('export', 'ccc-access', '--version', '1', dir('v1'));
    expect(exported.code).toBe(0);
    const v1 = await currentHash('ccc-access');
    expect(exported.out).toContain(v1.contentHash);

    // The version's test cases travel with it (and are part of the hash compared below).
    const testCases = YAML.parse(fs.readFileSync(path.join(dir('v1'), 'tests.yaml'), 'utf8')) as { key: string }[];
    expect(testCases.map((testCase) => testCase.key)).toContain('violation.fraud-complaint');
    const meta = YAML.parse(fs.readFileSync(path.join(dir('v1'), 'ruleset.yaml'), 'utf8'));
    fs.writeFileSync(path.join(dir('v1'), 'ruleset.yaml'), YAML.stringify({ ...meta, key: 'ccc-access-copy' }));
    const imported = await cli('import', dir('v1'), '--actor', 'importer');
    expect(imported.code).toBe(0);
    // A new ruleset is imported as a draft like any change: with maker-checker on, another identity publishes it.
    const draftId = /new ruleset; created draft ([0-9a-f-]{36})/.exec(imported.out)![1];
    expect(imported.out).toMatch(/using a publisher key other than the importer/);
    // The version's test cases ran before anything was written, with progress (plain lines: no terminal here).
    expect(imported.out).toMatch(/ccc-access-copy: (\d+) of \1 test cases pass/);
    expect(imported.err).toMatch(/^import: (\d+)\/\1 test cases \(100%\)/m);
    const published = await server.gql(PUBLISH, { id: draftId, rev: 0, changelog: 'copy of the seed' }, server.keys.publisher);
    expect(published.errors).toBeUndefined();
    expect(await currentHash('ccc-access-copy')).toEqual({ number: 1, contentHash: v1.contentHash });
  });

  it('exports an edited version, imports it into the original ruleset as a draft, and publishing it reproduces the hash', async () => {
    const draft = await openDraft(server);
    const revision = await upsertRule(
      server,
      draft.id,
      draft.revision,
      businessRule('finance.credit-card-sales', ['办卡', '信用卡推销'], { industry: '金融', scenario: '信用卡推销' }),
    );
    const v2 = (await server.gql(PUBLISH, { id: draft.id, rev: revision, changelog: 'v2' }, server.keys.publisher)).data.publishDraft;
    expect(v2.number).toBe(2);

    expect((await cli('export', 'ccc-access', dir('v2'))).code).toBe(0);
    // Back to version 1 (the seed files would do as well), then re-import version 2's files.
    expect((await server.gql(`mutation { retireVersion(rulesetKey: "ccc-access", number: 2) { status } }`, {}, server.keys.publisher)).errors).toBeUndefined();
    const imported = await cli('import', dir('v2'), '--actor', 'importer');
    expect(imported.code).toBe(0);
    const draftId = /created draft ([0-9a-f-]{36})/.exec(imported.out)![1];

    const version = (await server.gql(`query($id: ID!) { rulesetVersion(id: $id) { status revision contentHash editors } }`, { id: draftId })).data
      .rulesetVersion;
    // The identity is who ran the CLI; --actor is kept beside it as a claim, not instead of it.
    expect(version).toMatchObject({ status: 'DRAFT', revision: 0, contentHash: v2.contentHash, editors: [`cli:${os.userInfo().username}`] });
    const created = (await server.gql(`query($id: ID!) { auditEvents(draftId: $id, type: "DRAFT_CREATED") { actor after } }`, { id: draftId })).data
      .auditEvents;
    expect(created).toEqual([{ actor: `cli:${os.userInfo().username}`, after: expect.objectContaining({ claimedBy: 'importer' }) }]);
    // Identical content is refused as a duplicate of version 2, named: the hash really is the same.
    const republished = await server.gql(PUBLISH, { id: draftId, rev: 0, changelog: 're-import' }, server.keys.publisher);
    expect(republished.errors?.[0].message).toMatch(/identical to version 2/);
  });

  it('validates files and reports problems with their paths, exiting 1', async () => {
    const v1 = await exportVersion1('validate-v1');
    expect((await cli('validate', v1)).code).toBe(0);
    const broken = dir('broken');
    fs.cpSync(v1, broken, { recursive: true });
    const rules = YAML.parse(fs.readFileSync(path.join(broken, 'business-rules.yaml'), 'utf8'));
    rules[0].condition = 'input.industry ==';
    rules.push({ ...rules[1] });
    fs.writeFileSync(path.join(broken, 'business-rules.yaml'), YAML.stringify(rules));
    const result = await cli('validate', broken);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(new RegExp(`businessRules\\[${rules[0].key.replace('.', '\\.')}\\]\\.condition: invalid condition at position \\d+`));
    expect(result.err).toMatch(/duplicate rule key/);
    const refusedImport = await cli('import', broken);
    expect(refusedImport.code).toBe(1);
  });

  it('diffs two directories, and a directory against a published version, in domain terms', async () => {
    const v1 = await exportVersion1('diff-v1');
    const edited = dir('edited');
    fs.cpSync(v1, edited, { recursive: true });
    const rules = YAML.parse(fs.readFileSync(path.join(edited, 'business-rules.yaml'), 'utf8'));
    const target = rules[0];
    target.keywords = [...target.keywords.filter((k: string) => k !== target.keywords[0]), '新增词'];
    fs.writeFileSync(path.join(edited, 'business-rules.yaml'), YAML.stringify(rules));
    const expected = `~ [BUSINESS_RULE ${target.key}] ${target.industry}/${target.scenario}: keywords +新增词 -${YAML.parse(fs.readFileSync(path.join(v1, 'business-rules.yaml'), 'utf8'))[0].keywords[0]}`;

    const files = await cli('diff', v1, edited);
    expect(files.code).toBe(1); // like diff(1): the contents differ
    expect(files.out.split('\n').slice(2)).toEqual([expected]);

    const against = await cli('diff', edited, '--against', 'ccc-access@1');
    expect(against.out.split('\n')[0]).toMatch(/^--- ccc-access@1 \([0-9a-f]{64}\)$/);
    expect(against.out.split('\n').slice(2)).toEqual([expected]);

    const same = await cli('diff', v1, '--against', 'ccc-access');
    expect(same.out).toMatch(/no differences$/);
    expect(same.code).toBe(0);
  });

  it('publishes an import at once only for a ruleset without maker-checker, through the same checks', async () => {
    const solo = dir('solo');
    fs.cpSync(seedRulesetDir(), solo, { recursive: true });
    const meta = YAML.parse(fs.readFileSync(path.join(solo, 'ruleset.yaml'), 'utf8'));
    fs.writeFileSync(path.join(solo, 'ruleset.yaml'), YAML.stringify({ ...meta, key: 'solo-ruleset', makerChecker: false }));
    const imported = await cli('import', solo, '--changelog', 'first version');
    expect(imported.code).toBe(0);
    expect(imported.out).toMatch(/published as version 1/);
    expect((await currentHash('solo-ruleset')).number).toBe(1);

    // With maker-checker on, --changelog cannot make the importer its own checker.
    const checked = dir('checked');
    fs.cpSync(seedRulesetDir(), checked, { recursive: true });
    fs.writeFileSync(path.join(checked, 'ruleset.yaml'), YAML.stringify({ ...meta, key: 'checked-ruleset', makerChecker: true }));
    const refused = await cli('import', checked, '--changelog', 'first version');
    expect(refused.code).toBe(0);
    expect(refused.err).toMatch(/maker-checker is on/);
    const versions = (await server.gql(`{ ruleset(key: "checked-ruleset") { versions { status } } }`)).data.ruleset.versions;
    expect(versions).toEqual([{ status: 'DRAFT' }]);
  });

  it('explains usage mistakes with exit code 2', async () => {
    expect((await cli('export', 'ccc-access')).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('export', 'no-such-ruleset', dir('none'))).code).toBe(1);
  });

  it('answers --help, help <command> and <command> --help with usage and an example, exit 0', async () => {
    const overall = await cli('--help');
    expect(overall.code).toBe(0);
    for (const command of ['validate', 'import', 'export', 'diff']) expect(overall.out).toMatch(new RegExp(`^  ${command} `, 'm'));
    const exportHelp = await cli('export', '--help');
    expect(exportHelp.code).toBe(0);
    expect(exportHelp.out).toContain('usage: npm run rulesets -- export <key> <dir> [--version N]');
    expect(exportHelp.out).toContain('example:\n  npm run rulesets -- export ccc-access exported/ccc-access --version 1');
    expect((await cli('help', 'diff')).out).toContain('Exit codes as diff(1)');
  });

  it('refuses unknown options, extra arguments and unknown rulesets without writing anything', async () => {
    const target = dir('refused');
    const unknownOption = await cli('export', 'ccc-access', target, '--form', 'x');
    expect(unknownOption).toMatchObject({ code: 2, out: '' });
    expect(unknownOption.err).toContain('unknown option --form for export (it takes --version)');
    expect((await cli('validate', dir('one'), dir('two'))).code).toBe(2);
    expect((await cli('export', 'ccc-access', target, '--version', 'one')).code).toBe(2);
    const unknownRuleset = await cli('export', 'nope', target);
    expect(unknownRuleset.code).toBe(1);
    expect(unknownRuleset.err).toBe('no ruleset with key "nope"');
    expect(fs.existsSync(target)).toBe(false);
    const diffAgainstUnknown = await cli('diff', await exportVersion1('refused-v1'), '--against', 'nope');
    expect(diffAgainstUnknown.code).toBe(2); // diff(1): 2 is trouble, 1 would mean "different"
  });

  it('reports malformed and hostile YAML as one line with file, line and column, never a stack', async () => {
    const v1 = await exportVersion1('yaml-v1');
    const cases: [string, string, RegExp][] = [
      ['unclosed', '- key: a\n  keywords: [x, y\n', /business-rules\.yaml:\d+:\d+: /],
      ['alias', '- key: a\n  keywords: *nowhere\n', /business-rules\.yaml:2:13: Unresolved alias/],
      ['duplicate', '- key: a\n  key: b\n', /business-rules\.yaml:2:3: Map keys must be unique/],
      [
        'bomb',
        [
          'a: &a [x, x, x, x, x, x, x, x, x, x]',
          ...Array.from(
            { length: 12 },
            (_, i) =>
              `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
                .fill(`*${String.fromCharCode(97 + i)}`)
                .join(', ')}]`,
          ),
        ].join('\n'),
        /business-rules\.yaml:\d+:\d+: Excessive alias count/,
      ],
    ];
    for (const [name, text, expected] of cases) {
      const broken = dir(`yaml-${name}`);
      fs.cpSync(v1, broken, { recursive: true });
      fs.writeFileSync(path.join(broken, 'business-rules.yaml'), text);
      const result = await cli('validate', broken);
      expect(result.code).toBe(1);
      expect(result.err.split('\n')).toHaveLength(1);
      expect(result.err).toMatch(expected);
      expect(result.err.startsWith(path.join(broken, 'business-rules.yaml'))).toBe(true);
      expect(result.err).not.toMatch(/node_modules|\n\s+at /);
    }
    // A file that is not YAML is reported once, not again as a list of missing fields.
    const brokenTop = dir('yaml-top');
    fs.cpSync(v1, brokenTop, { recursive: true });
    fs.writeFileSync(path.join(brokenTop, 'ruleset.yaml'), 'key: x\nname: [unclosed\n');
    const top = await cli('validate', brokenTop);
    expect(top.code).toBe(1);
    expect(top.err).toMatch(new RegExp(`^${path.join(brokenTop, 'ruleset.yaml')}:3:1: Flow sequence in block collection`));
    expect(top.err.split('\n')).toHaveLength(1);
  });

  it('reports every problem of every file at once, each with its path and position', async () => {
    const broken = dir('many-problems');
    fs.cpSync(await exportVersion1('many-problems-v1'), broken, { recursive: true });
    fs.writeFileSync(path.join(broken, 'penalties.yaml'), '- { severity: SERIOUS, label: 严重违规, rank: high, actions: [], message: m }\n');
    fs.writeFileSync(path.join(broken, 'violation-rules.yaml'), '- key: v\n  behavior: B\n  severity: SERIOUS\n  titel: typo\n');
    const result = await cli('validate', broken);
    expect(result.code).toBe(1);
    expect(result.err.split('\n').slice(1)).toEqual([
      `  ${path.join(broken, 'violation-rules.yaml')}:4:3: [0] (v).titel: unknown field (expected key, behavior, title, severity, condition, source, note)`,
      `  ${path.join(broken, 'violation-rules.yaml')}:1:3: [0] (v).title: expected a string, got nothing`,
      `  ${path.join(broken, 'penalties.yaml')}:1:43: [0] (SERIOUS).rank: expected an integer, got "high"`,
    ]);
    expect(result.err.split('\n')[0]).toBe('3 problems:');
  });

  it('accepts a ruleset without description and without the optional files, and exports it as it was', async () => {
    const minimal = dir('minimal');
    fs.mkdirSync(minimal);
    fs.writeFileSync(
      path.join(minimal, 'ruleset.yaml'),
      'key: minimal\nname: Minimal\nmakerChecker: false\ndefaultDecision: REVIEW\ndefaultMessage: 人工审核\n',
    );
    fs.writeFileSync(path.join(minimal, 'business-rules.yaml'), YAML.stringify([businessRule('finance.cards', ['信用卡'], { note: 'why this rule exists' })]));
    expect((await cli('validate', minimal)).code).toBe(0);
    expect((await cli('import', minimal, '--changelog', 'minimal')).code).toBe(0);
    const ruleset = (await server.gql(`{ ruleset(key: "minimal") { description currentVersion { contentHash businessRules { note } } } }`)).data.ruleset;
    expect(ruleset.description).toBeNull();
    expect(ruleset.currentVersion.businessRules).toEqual([{ note: 'why this rule exists' }]);
    expect((await cli('export', 'minimal', dir('minimal-exported'))).code).toBe(0);
    expect(YAML.parse(fs.readFileSync(path.join(dir('minimal-exported'), 'ruleset.yaml'), 'utf8'))).not.toHaveProperty('description');
    expect(contentHash(readRulesetDir(dir('minimal-exported')).content)).toBe(ruleset.currentVersion.contentHash);
    expect(fs.readFileSync(path.join(dir('minimal-exported'), 'violation-rules.yaml'), 'utf8')).toBe('[]\n');
  });

  it('exports the seed losslessly: its notes and sources survive, and the export equals the seed files', async () => {
    const seedFiles = readRulesetDir(seedRulesetDir());
    const notes = seedFiles.content.businessRules.filter((rule) => rule.note).length + seedFiles.content.violationRules.filter((rule) => rule.note).length;
    expect(notes).toBeGreaterThan(10);
    expect((await cli('export', 'ccc-access', '--version', '1', dir('seed-exported'))).code).toBe(0);
    const exported = readRulesetDir(dir('seed-exported'));
    const { content: exportedContent, ...exportedMeta } = exported;
    const { content: seedContent, ...seedMeta } = seedFiles;
    expect(exportedMeta).toEqual(seedMeta);
    expect(exportedContent).toEqual(orderContent(seedContent));
    expect((await cli('diff', seedRulesetDir(), dir('seed-exported'))).code).toBe(0);
    const v1 = (await server.gql(`{ ruleset(key: "ccc-access") { version(number: 1) { contentHash violationRules { key note } } } }`)).data.ruleset.version;
    expect(contentHash(exported.content)).toBe(v1.contentHash);
    expect(v1.violationRules.find((rule: { key: string }) => rule.key === 'violation.business-mismatch-prohibited').note).toMatch(
      /^Rows 3 and 4 share the behaviour BUSINESS_MISMATCH/,
    );
  });
});
