import os from 'node:os';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/errors';
import { loadConfig } from '../config/config';
import { systemContext } from '../common/request-context';
import { openPolicyDatabase } from '../composition/data-source';
import { createAuthoringServices } from '../composition/services';
import { compileRuleset, runTestCase, validateContent, type RulesetContent } from '../engine';
import { ProgressStream, startProgress } from './progress';
import { contentHash } from '../rulesets/content-hash';
import { readRulesetDir, writeRulesetDir } from '../rulesets/ruleset-files';
import { RulesetVersionView } from '../rulesets/ruleset-version.view';
import { RulesetService } from '../rulesets/ruleset.service';
import { AuthoringService } from '../rulesets/authoring.service';
import { PublishingService } from '../rulesets/publishing.service';
import { diffContent, formatChanges } from '../rulesets/version-diff';
import { commandHelp, EXIT, parseCommandLine, ProgramSpec, programHelp, UsageError, usageErrorText } from './args';
import { failureText, runAsMain } from './cli-main';

export const RULESETS_CLI: ProgramSpec = {
  invocation: 'npm run rulesets --',
  summary: 'Check, import, export and compare rulesets kept as YAML files (one directory per ruleset).',
  commands: [
    {
      name: 'validate',
      synopsis: '<dir>',
      summary: 'check ruleset files: every problem of every file, with file:line:column',
      options: {},
      example: 'rulesets/ccc-access',
      details: 'Exit 0 when valid, 1 when there are problems, 2 for usage errors.',
    },
    {
      name: 'import',
      synopsis: '<dir> [--actor NAME] [--changelog TEXT]',
      summary: 'create a draft from the files (and the ruleset, when new) to review and publish like any draft',
      options: {
        actor: 'who you say wrote the files: recorded as a claim beside your identity (cli:<your user name>), not instead of it',
        changelog: 'publishes the draft at once, only for a ruleset without maker-checker',
      },
      example: 'rulesets/ccc-access --actor alice',
      details:
        'The draft goes through the same validation, test cases and publish path as the API: with maker-checker on, another identity publishes it (publishDraft). Exit 0 when imported, 1 when the files have problems or the import fails, 2 for usage errors.',
    },
    {
      name: 'export',
      synopsis: '<key> <dir> [--version N]',
      summary: 'write a published version (default: the one in effect) as files that import back unchanged',
      options: { version: 'published version number to write' },
      example: 'ccc-access exported/ccc-access --version 1',
      details: 'Exit 0 when written, 1 for an unknown ruleset or version, 2 for usage errors.',
    },
    {
      name: 'diff',
      synopsis: '<dirA> <dirB> | <dir> --against <key>[@N]',
      summary: 'compare two ruleset directories, or a directory with a published version, in domain terms',
      options: { against: 'published version to compare with: <key> (the one in effect) or <key>@<number>' },
      example: 'rulesets/ccc-access --against ccc-access@1',
      details: 'Exit codes as diff(1): 0 when the contents are the same, 1 when they differ, 2 for usage errors or trouble.',
    },
  ],
  footer: 'Database (import, export, diff --against): DATABASE_URL, or the embedded database under DATA_DIR.',
};

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Opens the service database; only the commands that need it call this. */
  openDatabase(): Promise<{ dataSource: DataSource; close(): Promise<void> }>;
  /** Where progress goes: a terminal shows a bar; without one (or without a stream), plain lines on `err`. */
  progress?: ProgressStream;
}

function parseVersionNumber(text: string): number {
  const number = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(number) || number < 1) throw new UsageError(`"${text}" is not a version number`);
  return number;
}

function reportIssues(io: CliIo, issues: { path: string; message: string }[]): void {
  for (const issue of issues) io.err(`  ${issue.path}: ${issue.message}`);
}

/** The published version to export or compare: number N, else the one in effect now, else the newest. */
async function publishedVersion(rulesets: RulesetService, key: string, number: number | null): Promise<RulesetVersionView> {
  const ruleset = await rulesets.getRuleset(key);
  if (number !== null) {
    const version = await rulesets.findVersionByNumber(ruleset.id, number);
    if (!version || version.status === 'DRAFT') throw new NotFoundError(`ruleset "${key}" has no published version ${number}`);
    return version;
  }
  const current = await rulesets.findVersionInEffect(ruleset.id, new Date());
  if (current) return current;
  const newest = (await rulesets.listVersions(ruleset.id)).find((version) => version.status !== 'DRAFT');
  if (!newest) throw new NotFoundError(`ruleset "${key}" has no published version`);
  return newest;
}

interface CliServices {
  rulesets: RulesetService;
  authoring: AuthoringService;
  publishing: PublishingService;
}

async function withDatabase<T>(io: CliIo, work: (services: CliServices) => Promise<T>): Promise<T> {
  const database = await io.openDatabase();
  try {
    return await work(createAuthoringServices(database.dataSource));
  } finally {
    await database.close();
  }
}

/** Runs one command line; returns the process exit code. */
export async function runRulesetsCli(argv: string[], io: CliIo): Promise<number> {
  let command: string | null = null;
  try {
    const parsed = parseCommandLine(RULESETS_CLI, argv);
    if (parsed.kind === 'help') {
      io.out(parsed.command ? commandHelp(RULESETS_CLI, parsed.command) : programHelp(RULESETS_CLI));
      return EXIT.ok;
    }
    const { positional, options } = parsed;
    command = parsed.command.name;
    const usage = (message: string) => new UsageError(message, command);
    switch (command) {
      case 'validate': {
        if (positional.length !== 1) throw usage('validate takes one directory');
        const { key, content } = readRulesetDir(positional[0]);
        const issues = validateContent(content);
        if (issues.length > 0) {
          io.err(`${key}: ${issues.length} problem(s)`);
          reportIssues(io, issues);
          return EXIT.negative;
        }
        io.out(
          `${key}: valid (${content.businessRules.length} business rules, ${content.violationRules.length} violation rules, ${content.penalties.length} penalties; content hash ${contentHash(content)})`,
        );
        return EXIT.ok;
      }
      case 'import': {
        if (positional.length !== 1) throw usage('import takes one directory');
        const { content, ...meta } = readRulesetDir(positional[0]);
        const issues = validateContent(content);
        if (issues.length > 0) {
          io.err(`${meta.key}: not imported, ${issues.length} problem(s)`);
          reportIssues(io, issues);
          return EXIT.negative;
        }
        // The version's own test cases run first, with progress: a failing case is reported before
        // anything is written (the draft is still made; publishing it is what they block).
        const cases = content.testCases ?? [];
        if (cases.length > 0) {
          const compiled = compileRuleset(content);
          const progress = startProgress(
            io.progress ?? { isTTY: false, write: (text) => io.err(String(text).trimEnd()) },
            'import',
            cases.length,
            'test cases',
          );
          const failed = cases.flatMap((testCase, index) => {
            const result = runTestCase(compiled, testCase);
            progress.update(index + 1);
            return result.passed ? [] : [`  testCases[${result.key}]: ${result.failure}`];
          });
          progress.stop();
          io.out(`${meta.key}: ${cases.length - failed.length} of ${cases.length} test cases pass`);
          for (const line of failed) io.err(line);
        }
        // Who ran the import is the identity; what --actor says is a claim recorded beside it.
        const context = systemContext(`cli:${os.userInfo().username}`);
        const claimedBy = options.get('actor') ?? null;
        const changelog = options.get('changelog') ?? null;
        return await withDatabase(io, async ({ rulesets, authoring, publishing }) => {
          const { draft, created } = await authoring.importAsDraft(context, meta, content, claimedBy);
          const ruleset = await rulesets.getRuleset(meta.key);
          io.out(`${meta.key}: ${created ? 'new ruleset; ' : ''}created draft ${draft.id} (revision ${draft.revision}, content hash ${draft.contentHash})`);
          if (changelog !== null && !ruleset.makerChecker) {
            const version = await publishing.publishDraft(context, draft.id, { expectedRevision: draft.revision, changelog });
            io.out(`${meta.key}: published as version ${version.number} (content hash ${version.contentHash})`);
            return EXIT.ok;
          }
          if (changelog !== null) io.err(`${meta.key}: maker-checker is on, so the importer may not publish: --changelog ignored`);
          io.out(
            `review it (diffDraft, validateDraft) and publish it with publishDraft(draftId: "${draft.id}", expectedRevision: ${draft.revision}, changelog: "...")${ruleset.makerChecker ? ' using a publisher key other than the importer' : ''}`,
          );
          return EXIT.ok;
        });
      }
      case 'export': {
        if (positional.length !== 2) throw usage('export takes a ruleset key and a directory');
        const [key, dir] = positional;
        const number = options.has('version') ? parseVersionNumber(options.get('version')!) : null;
        return await withDatabase(io, async ({ rulesets }) => {
          const ruleset = await rulesets.getRuleset(key);
          const version = await publishedVersion(rulesets, key, number);
          writeRulesetDir(dir, { key, name: ruleset.name, description: ruleset.description, makerChecker: ruleset.makerChecker }, version.content);
          io.out(`${key}: wrote version ${version.number} to ${dir} (content hash ${version.contentHash})`);
          return EXIT.ok;
        });
      }
      default: {
        // diff: parseCommandLine accepts only the commands above.
        const against = options.get('against');
        let before: { label: string; content: RulesetContent };
        let after: { label: string; content: RulesetContent };
        if (against !== undefined) {
          if (positional.length !== 1) throw usage('diff --against takes one directory');
          const [key, at, ...extra] = against.split('@');
          if (!key || extra.length > 0) throw usage(`--against "${against}" is not <key> or <key>@<number>`);
          const number = at === undefined ? null : parseVersionNumber(at);
          const files = readRulesetDir(positional[0]);
          const version = await withDatabase(io, ({ rulesets }) => publishedVersion(rulesets, key, number));
          before = { label: `${key}@${version.number}`, content: version.content };
          after = { label: positional[0], content: files.content };
        } else {
          if (positional.length !== 2) throw usage('diff takes two directories, or one with --against <key>[@N]');
          before = { label: positional[0], content: readRulesetDir(positional[0]).content };
          after = { label: positional[1], content: readRulesetDir(positional[1]).content };
        }
        const [beforeHash, afterHash] = [contentHash(before.content), contentHash(after.content)];
        io.out(`--- ${before.label} (${beforeHash})`);
        io.out(`+++ ${after.label} (${afterHash})`);
        io.out(formatChanges(diffContent(before.content, after.content)));
        return beforeHash === afterHash ? EXIT.ok : EXIT.negative;
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(usageErrorText(RULESETS_CLI, error));
      return EXIT.usage;
    }
    const text = failureText(error);
    if (text === null) throw error;
    io.err(text);
    // diff(1) keeps 1 for "different": trouble is 2 there.
    return command === 'diff' ? EXIT.usage : EXIT.negative;
  }
}

if (require.main === module) {
  runAsMain('rulesets', (argv) =>
    runRulesetsCli(argv, {
      out: (line) => console.log(line),
      err: (line) => console.error(line),
      openDatabase: () => openPolicyDatabase(loadConfig(), () => undefined),
      progress: process.stderr,
    }),
  );
}
