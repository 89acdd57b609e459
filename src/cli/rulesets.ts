import os from 'node:os';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { DomainError, NotFoundError } from '../common/errors';
import { ConfigError, loadConfig } from '../config/config';
import { systemContext } from '../common/request-context';
import { openPolicyDatabase } from '../composition/data-source';
import { createAuthoringServices } from '../composition/services';
import { validateContent, type RulesetContent } from '../engine';
import { contentHash } from '../rulesets/content-hash';
import { readRulesetDir, RulesetFileError, writeRulesetDir } from '../rulesets/ruleset-files';
import { RulesetVersionView } from '../rulesets/ruleset-version.view';
import { RulesetService } from '../rulesets/ruleset.service';
import { AuthoringService } from '../rulesets/authoring.service';
import { PublishingService } from '../rulesets/publishing.service';
import { diffContent, formatChanges } from '../rulesets/version-diff';
import { parseArgs, UsageError } from './args';

const USAGE = `usage: npm run rulesets -- <command>
  validate <dir>                          check ruleset files; exit 1 on problems
  import <dir> [--actor NAME]             new ruleset: publish as version 1; existing: create a draft to review and publish
  export <key> [--version N] <dir>        write a published version (default: the one in effect) as files
  diff <dirA> <dirB>                      compare two ruleset directories
  diff <dir> --against <key>[@N]          compare files with a published version (default: the one in effect)
Database: DATABASE_URL, or the embedded database under DATA_DIR.`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Opens the service database; only the commands that need it call this. */
  openDatabase(): Promise<{ dataSource: DataSource; close(): Promise<void> }>;
}

function parseVersionNumber(text: string): number {
  const number = Number(text);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`"${text}" is not a version number`);
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

/** Runs one command; returns the process exit code. */
export async function runRulesetsCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const { positional, options } = parseArgs(rest);
    switch (command) {
      case 'validate': {
        if (positional.length !== 1) throw new UsageError('validate takes one directory');
        const { key, content } = readRulesetDir(positional[0]);
        const issues = validateContent(content);
        if (issues.length > 0) {
          io.err(`${key}: ${issues.length} problem(s)`);
          reportIssues(io, issues);
          return 1;
        }
        io.out(`${key}: valid (${content.businessRules.length} business rules, ${content.violationRules.length} violation rules, ${content.penalties.length} penalties; content hash ${contentHash(content)})`);
        return 0;
      }
      case 'import': {
        if (positional.length !== 1) throw new UsageError('import takes one directory');
        const { content, ...meta } = readRulesetDir(positional[0]);
        const issues = validateContent(content);
        if (issues.length > 0) {
          io.err(`${meta.key}: not imported, ${issues.length} problem(s)`);
          reportIssues(io, issues);
          return 1;
        }
        const actor = options.get('actor') ?? `cli:${os.userInfo().username}`;
        const context = systemContext(actor);
        return await withDatabase(io, async ({ rulesets, authoring, publishing }) => {
          if (!(await rulesets.findRuleset(meta.key))) {
            const version = await publishing.importRuleset(context, meta, content, `Imported from ${positional[0]}`);
            io.out(`${meta.key}: new ruleset, published as version ${version.number} (content hash ${version.contentHash})`);
            return 0;
          }
          const draft = await authoring.createDraftWithContent(context, meta.key, content);
          io.out(`${meta.key}: exists; created draft ${draft.id} (revision ${draft.revision}, content hash ${draft.contentHash})`);
          io.out(`review it (diffVersions, validateDraft) and publish it with publishDraft(draftId: "${draft.id}", expectedRevision: ${draft.revision}, changelog: "...")`);
          return 0;
        });
      }
      case 'export': {
        if (positional.length !== 2) throw new UsageError('export takes a ruleset key and a directory');
        const [key, dir] = positional;
        const number = options.has('version') ? parseVersionNumber(options.get('version')!) : null;
        return await withDatabase(io, async ({ rulesets }) => {
          const ruleset = await rulesets.getRuleset(key);
          const version = await publishedVersion(rulesets, key, number);
          writeRulesetDir(dir, { key, name: ruleset.name, description: ruleset.description ?? '', makerChecker: ruleset.makerChecker }, version.content);
          io.out(`${key}: wrote version ${version.number} to ${dir} (content hash ${version.contentHash})`);
          return 0;
        });
      }
      case 'diff': {
        const against = options.get('against');
        let before: { label: string; content: RulesetContent };
        let after: { label: string; content: RulesetContent };
        if (against !== undefined) {
          if (positional.length !== 1) throw new UsageError('diff --against takes one directory');
          const [key, at] = against.split('@');
          const number = at === undefined ? null : parseVersionNumber(at);
          const files = readRulesetDir(positional[0]);
          const version = await withDatabase(io, ({ rulesets }) => publishedVersion(rulesets, key, number));
          before = { label: `${key}@${version.number}`, content: version.content };
          after = { label: positional[0], content: files.content };
        } else {
          if (positional.length !== 2) throw new UsageError('diff takes two directories, or one with --against <key>[@N]');
          before = { label: positional[0], content: readRulesetDir(positional[0]).content };
          after = { label: positional[1], content: readRulesetDir(positional[1]).content };
        }
        io.out(`--- ${before.label} (${contentHash(before.content)})`);
        io.out(`+++ ${after.label} (${contentHash(after.content)})`);
        io.out(formatChanges(diffContent(before.content, after.content)));
        return 0;
      }
      default:
        throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n${USAGE}`);
      return 2;
    }
    if (error instanceof RulesetFileError || error instanceof DomainError || error instanceof ConfigError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  const io: CliIo = {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    async openDatabase() {
      const config = loadConfig();
      return openPolicyDatabase(config, () => undefined);
    },
  };
  runRulesetsCli(process.argv.slice(2), io).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
