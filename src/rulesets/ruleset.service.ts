import { DataSource, EntityManager } from 'typeorm';
import { BadInputError, NotFoundError, ValidationFailedError } from '../common/errors';
import { failingCaseIssues, validateContent, type Decision, type RulesetContent, type TestReport, type ValidationIssue } from '../engine';
import { RequestContext } from '../common/request-context';
import { contentHash } from './content-hash';
import { runTestCasesInPlace, TestCaseRunner } from './test-case-runner';
import { RulesetVersionView } from './ruleset-version.view';
import { RulesetEntity } from './ruleset.entity';
import { ContentChange, diffContent, emptyContent } from './version-diff';
import * as versions from './version.store';

export interface RulesetMeta {
  key: string;
  name: string;
  description: string | null;
  makerChecker: boolean;
}

/** What the first draft of a new ruleset says when no rule matches, unless the creator says otherwise. */
export const DEFAULT_MESSAGES: Record<Decision, string> = {
  ALLOW: '未匹配任何禁止规则，允许接入',
  REVIEW: '未匹配任何规则，转人工审核',
  REJECT: '未匹配任何允许规则，不予接入',
};

/** The content of a ruleset before its first version: no rules, the ruleset's own defaults. */
export function emptyContentOf(ruleset: RulesetEntity): RulesetContent {
  return emptyContent({ defaultDecision: ruleset.defaultDecision, defaultMessage: ruleset.defaultMessage ?? DEFAULT_MESSAGES[ruleset.defaultDecision] });
}

/** A validation problem, or a warning that does not block publishing by itself. */
export interface DraftIssue extends ValidationIssue {
  level: 'ERROR' | 'WARNING';
}

export interface VersionDiffResult {
  from: number;
  to: number | null;
  fromHash: string;
  toHash: string;
  draftId: string | null;
  changes: ContentChange[];
}

/**
 * Reads rulesets and their versions, and what can be said about a version without changing
 * it: its validation problems and its differences from another. Methods named `…In` run on
 * the caller's transaction.
 */
export class RulesetService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly testCases: TestCaseRunner = runTestCasesInPlace,
  ) {}

  listRulesets(): Promise<RulesetEntity[]> {
    return this.dataSource.getRepository(RulesetEntity).find({ order: { key: 'ASC' } });
  }

  findRuleset(key: string): Promise<RulesetEntity | null> {
    return this.findRulesetIn(this.dataSource.manager, key);
  }

  findRulesetIn(db: EntityManager, key: string): Promise<RulesetEntity | null> {
    return db.getRepository(RulesetEntity).findOneBy({ key });
  }

  getRuleset(key: string): Promise<RulesetEntity> {
    return this.getRulesetIn(this.dataSource.manager, key);
  }

  async getRulesetIn(db: EntityManager, key: string): Promise<RulesetEntity> {
    const ruleset = await this.findRulesetIn(db, key);
    if (!ruleset) throw new NotFoundError(`no ruleset with key "${key}"`);
    return ruleset;
  }

  /** The ruleset row locked until the transaction ends: publishes and retirements of one ruleset serialise on it. */
  lockRuleset(tx: EntityManager, where: { id: string } | { key: string }): Promise<RulesetEntity | null> {
    return tx.getRepository(RulesetEntity).findOne({ where, lock: { mode: 'pessimistic_write' } });
  }

  /** Drafts first, then published versions, newest first. */
  listVersions(rulesetId: string): Promise<RulesetVersionView[]> {
    return versions.listVersions(this.dataSource.manager, rulesetId);
  }

  findVersionById(id: string): Promise<RulesetVersionView | null> {
    return versions.findVersionById(this.dataSource.manager, id);
  }

  async getVersionIn(db: EntityManager, id: string): Promise<RulesetVersionView> {
    const version = await versions.findVersionById(db, id);
    if (!version) throw new NotFoundError(`no draft or version with id "${id}"`);
    return version;
  }

  findVersionByNumber(rulesetId: string, number: number): Promise<RulesetVersionView | null> {
    return versions.findVersionByNumber(this.dataSource.manager, rulesetId, number);
  }

  async versionByNumberIn(db: EntityManager, ruleset: RulesetEntity, number: number): Promise<RulesetVersionView> {
    const version = await versions.findVersionByNumber(db, ruleset.id, number);
    if (!version) throw new NotFoundError(`ruleset "${ruleset.key}" has no version ${number}`);
    return version;
  }

  /** The published, unretired version with the latest effective-from at or before `at`. */
  findVersionInEffect(rulesetId: string, at: Date): Promise<RulesetVersionView | null> {
    return versions.findVersionInEffect(this.dataSource.manager, rulesetId, at);
  }

  /**
   * Every problem publishing would refuse, with a path per problem: content errors, else
   * failing test cases; and, as a warning, a draft based on an older version than the latest
   * (publishing refuses it until rebased). Works on published versions too.
   */
  async validateDraft(context: RequestContext, draftId: string): Promise<DraftIssue[]> {
    const db = this.dataSource.manager;
    const version = await this.getVersionIn(db, draftId);
    const invalid = validateContent(version.content);
    const errors = invalid.length > 0 ? invalid : await this.failingTestCases(context, version.content);
    const issues: DraftIssue[] = errors.map((issue) => ({ ...issue, level: 'ERROR' }));
    const latest = version.status === 'DRAFT' ? await versions.findLatestPublished(db, version.rulesetId) : null;
    if (latest !== null && latest.number !== version.parentNumber) {
      const basedOn = version.parentNumber === null ? 'no version' : `v${version.parentNumber}`;
      issues.push({
        path: 'parentNumber',
        message: `based on ${basedOn}, latest is v${latest.number}: rebase it (rebaseDraft) before publishing`,
        level: 'WARNING',
      });
    }
    return issues;
  }

  /** Runs the version's test cases: each result, and the rules no case exercises. */
  async testDraft(context: RequestContext, draftId: string): Promise<TestReport> {
    const version = await this.getVersionIn(this.dataSource.manager, draftId);
    const issues = validateContent(version.content);
    if (issues.length > 0)
      throw new ValidationFailedError(`the draft has ${issues.length} problem(s) to fix before its test cases can run (see extensions.issues)`, issues);
    return this.testCases(context, version.content);
  }

  /** The failing test cases of valid content, as the problems publishing refuses. */
  async failingTestCases(context: RequestContext, content: RulesetContent): Promise<ValidationIssue[]> {
    if (!content.testCases?.length) return [];
    return failingCaseIssues(await this.testCases(context, content));
  }

  /** What publishing the draft would change: its differences from the latest published version. */
  async diffDraft(draftId: string): Promise<VersionDiffResult> {
    const db = this.dataSource.manager;
    const draft = await this.getVersionIn(db, draftId);
    const ruleset = await this.getRuleset(draft.rulesetKey);
    const latest = await versions.findLatestPublished(db, draft.rulesetId);
    const fromContent = latest?.content ?? emptyContentOf(ruleset);
    return {
      from: latest?.number ?? 0,
      to: draft.number,
      fromHash: contentHash(fromContent),
      toHash: draft.contentHash,
      draftId,
      changes: diffContent(fromContent, draft.content),
    };
  }

  /** Differences from version `from` (0: the empty ruleset before version 1) to version `to` or to a draft. */
  async diffVersions(rulesetKey: string, from: number, to: number | null, draftId: string | null): Promise<VersionDiffResult> {
    const db = this.dataSource.manager;
    const ruleset = await this.getRuleset(rulesetKey);
    if ((to == null) === (draftId == null)) throw new BadInputError('give exactly one of `to` (a version number) or `draftId`');
    const fromContent: RulesetContent = from === 0 ? emptyContentOf(ruleset) : (await this.versionByNumberIn(db, ruleset, from)).content;
    let target: RulesetVersionView;
    if (draftId != null) {
      target = await this.getVersionIn(db, draftId);
      if (target.rulesetId !== ruleset.id) throw new BadInputError(`version ${draftId} belongs to ruleset "${target.rulesetKey}", not "${rulesetKey}"`);
    } else {
      target = await this.versionByNumberIn(db, ruleset, to!);
    }
    return {
      from,
      to: target.number,
      fromHash: contentHash(fromContent),
      toHash: target.contentHash,
      draftId: draftId ?? null,
      changes: diffContent(fromContent, target.content),
    };
  }
}
