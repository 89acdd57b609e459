import { DataSource, EntityManager } from 'typeorm';
import { uuidv7 } from 'uuidv7';
import { AuditService } from '../audit/audit.service';
import { BadInputError, ConflictError, NotFoundError } from '../common/errors';
import { Issues } from '../common/issues';
import { AUTHORING_TEXT_LIMITS, CONTEXT_LIMITS, RULE_LIMITS } from '../common/limits';
import { actorOf, RequestContext } from '../common/request-context';
import { inTransaction } from '../db/transaction';
import type {
  BusinessRuleContent,
  CueContent,
  Decision,
  PenaltyMappingContent,
  RulesetContent,
  TestCaseContent,
  VariantContent,
  ViolationRuleContent,
} from '../engine';
import { MergeConflict, mergeDraft, MergeResolution } from './draft-merge';
import { contentHash, orderContent } from './content-hash';
import * as edits from './draft-edits';
import { RulesetVersionView } from './ruleset-version.view';
import { RulesetEntity } from './ruleset.entity';
import { emptyContentOf, RulesetService } from './ruleset.service';
import * as versions from './version.store';

/** Ruleset keys appear in URLs, file names and CLI arguments: lower-case, digits and dashes. */
export const RULESET_KEY_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

export interface CreateRulesetInput {
  key: string;
  name: string;
  description?: string | null;
  defaultDecision: Decision;
  defaultMessage?: string | null;
  makerChecker?: boolean;
}

/** What a rebase did: the draft (unchanged when there are conflicts), the version it now builds on, and the conflicts. */
export interface RebaseResult {
  draft: RulesetVersionView;
  rebasedOnto: number | null;
  conflicts: MergeConflict[];
}

/** Stale or no longer a draft: says which, so the editor knows to reload or to start a new draft. */
export function assertEditable(version: RulesetVersionView, expectedRevision: number | null): void {
  if (version.status !== 'DRAFT') {
    throw new ConflictError(
      `version ${version.number} of "${version.rulesetKey}" is ${version.status.toLowerCase()} and immutable; create a draft (createDraft) to change it`,
    );
  }
  if (expectedRevision != null && version.revision !== expectedRevision) throw staleRevision(version, expectedRevision);
}

export function staleRevision(version: RulesetVersionView, expectedRevision: number): ConflictError {
  return new ConflictError(
    `stale revision: draft ${version.id} is at revision ${version.revision}, not ${expectedRevision}; reload it and reapply your change`,
    { currentRevision: version.revision },
  );
}

function assertListSize(path: string, size: number, limit: number): void {
  if (size > limit) throw new BadInputError(`${path}: at most ${limit} entries, got ${size}`, { path });
}

/**
 * Authoring: rulesets, drafts and their edits with optimistic concurrency. Each edit is a
 * pure function of the draft's content (draft-edits.ts) run inside one transaction that
 * also appends its audit event.
 */
export class AuthoringService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rulesets: RulesetService,
    private readonly audit: AuditService,
  ) {}

  async createRuleset(context: RequestContext, input: CreateRulesetInput): Promise<RulesetEntity> {
    if (!RULESET_KEY_PATTERN.test(input.key)) {
      throw new BadInputError(`ruleset key "${input.key}" must match ${RULESET_KEY_PATTERN.source} (lower case, digits, dashes)`);
    }
    if (input.name.trim() === '') throw new BadInputError('ruleset name is empty');
    const issues = new Issues();
    issues.text('name', input.name, AUTHORING_TEXT_LIMITS.name, true);
    issues.text('description', input.description, AUTHORING_TEXT_LIMITS.description, false);
    issues.text('defaultMessage', input.defaultMessage, AUTHORING_TEXT_LIMITS.message, false);
    issues.throwIfAny();
    return inTransaction(this.dataSource, `ruleset "${input.key}" already exists`, (tx) =>
      this.insertRuleset(tx, context, {
        ...input,
        description: input.description ?? null,
        defaultMessage: input.defaultMessage?.trim() ? input.defaultMessage : null,
        makerChecker: input.makerChecker ?? true,
      }),
    );
  }

  /** Inserts the ruleset row and its RULESET_CREATED event (also the first step of an import). */
  async insertRuleset(tx: EntityManager, context: RequestContext, settings: Required<CreateRulesetInput>): Promise<RulesetEntity> {
    if (await this.rulesets.findRulesetIn(tx, settings.key)) throw new ConflictError(`ruleset "${settings.key}" already exists`);
    const { key, name, description, makerChecker, defaultDecision, defaultMessage } = settings;
    const entity: RulesetEntity = {
      id: uuidv7(),
      key,
      name,
      description,
      makerChecker,
      defaultDecision,
      defaultMessage,
      createdBy: actorOf(context),
      createdAt: context.now,
    };
    await tx.getRepository(RulesetEntity).insert(entity);
    await this.audit.append(tx, context, {
      type: 'RULESET_CREATED',
      rulesetKey: key,
      versionId: null,
      revision: null,
      before: null,
      after: { key, name, description, makerChecker, defaultDecision, defaultMessage },
    });
    return entity;
  }

  /**
   * A new draft copying version `fromVersion`, by default the version in effect now (or the
   * newest published one when none is in effect yet); empty when the ruleset has none.
   */
  async createDraft(context: RequestContext, rulesetKey: string, fromVersion: number | null): Promise<RulesetVersionView> {
    return inTransaction(this.dataSource, 'draft creation', async (tx) => {
      const ruleset = await this.rulesets.getRulesetIn(tx, rulesetKey);
      const source =
        fromVersion != null ? await this.rulesets.versionByNumberIn(tx, ruleset, fromVersion) : await versions.findDraftSource(tx, ruleset.id, context.now);
      return this.insertDraft(tx, context, ruleset, source?.content ?? emptyContentOf(ruleset), source?.number ?? null);
    });
  }

  /**
   * Imports files as a draft, in one transaction: the ruleset is created first when it does not
   * exist (with the files' settings). The draft is then reviewed and published like any other.
   * `claimedBy` is who the person running the import says the author is: kept in the edit trail
   * beside the identity that really ran it, never instead of it.
   */
  async importAsDraft(
    context: RequestContext,
    meta: { key: string; name: string; description: string | null; makerChecker: boolean },
    content: RulesetContent,
    claimedBy: string | null,
  ): Promise<{ draft: RulesetVersionView; created: boolean }> {
    return inTransaction(this.dataSource, `importing "${meta.key}"`, async (tx) => {
      const existing = await this.rulesets.findRulesetIn(tx, meta.key);
      const ruleset =
        existing ?? (await this.insertRuleset(tx, context, { ...meta, defaultDecision: content.defaultDecision, defaultMessage: content.defaultMessage }));
      const parent = await versions.findDraftSource(tx, ruleset.id, context.now);
      return { draft: await this.insertDraft(tx, context, ruleset, content, parent?.number ?? null, claimedBy), created: existing === null };
    });
  }

  async discardDraft(context: RequestContext, draftId: string, expectedRevision: number | null): Promise<boolean> {
    return inTransaction(this.dataSource, 'discard', async (tx) => {
      const draft = await versions.lockVersion(tx, draftId);
      if (!draft) throw new NotFoundError(`no draft or version with id "${draftId}" (it may have been discarded)`);
      if (draft.status !== 'DRAFT') {
        throw new ConflictError(`version ${draft.number} of "${draft.rulesetKey}" is published and cannot be discarded; retire it with retireVersion instead`);
      }
      assertEditable(draft, expectedRevision);
      await versions.deleteDraft(tx, draftId);
      await this.audit.append(tx, context, {
        type: 'DRAFT_DISCARDED',
        rulesetKey: draft.rulesetKey,
        versionId: draft.id,
        revision: draft.revision,
        before: { parentNumber: draft.parentNumber, contentHash: draft.contentHash, editors: draft.editors, content: draft.content },
        after: null,
      });
      return true;
    });
  }

  async setDefaultDecision(
    context: RequestContext,
    draftId: string,
    expectedRevision: number,
    decision: Decision,
    message: string | null,
  ): Promise<RulesetVersionView> {
    if (message != null && message.trim() === '') throw new BadInputError('the default message is empty');
    const issues = new Issues();
    issues.text('message', message, AUTHORING_TEXT_LIMITS.message, false);
    issues.throwIfAny();
    return this.editDraft(context, draftId, expectedRevision, (content) => edits.setDefaultDecision(content, decision, message));
  }

  async setReinstatementPolicy(
    context: RequestContext,
    draftId: string,
    expectedRevision: number,
    violationsCountAfterReinstatement: boolean,
  ): Promise<RulesetVersionView> {
    return this.editDraft(context, draftId, expectedRevision, (content) => edits.setReinstatementPolicy(content, violationsCountAfterReinstatement));
  }

  async setContextCues(context: RequestContext, draftId: string, expectedRevision: number, cues: CueContent[]): Promise<RulesetVersionView> {
    assertListSize('cues', cues.length, CONTEXT_LIMITS.cues);
    return this.editDraft(context, draftId, expectedRevision, (content) => edits.setContextCues(content, cues));
  }

  async setVariants(context: RequestContext, draftId: string, expectedRevision: number, variants: VariantContent[]): Promise<RulesetVersionView> {
    assertListSize('variants', variants.length, CONTEXT_LIMITS.variants);
    return this.editDraft(context, draftId, expectedRevision, (content) => edits.setVariants(content, variants));
  }

  async setDistinctWords(context: RequestContext, draftId: string, expectedRevision: number, words: string[]): Promise<RulesetVersionView> {
    assertListSize('words', words.length, CONTEXT_LIMITS.distinctWords);
    const tooLong = words.findIndex((word) => word.length > RULE_LIMITS.short);
    if (tooLong >= 0) throw new BadInputError(`words[${tooLong}] is longer than ${RULE_LIMITS.short} characters`, { path: `words[${tooLong}]` });
    return this.editDraft(context, draftId, expectedRevision, (content) => edits.setDistinctWords(content, words));
  }

  async upsertBusinessRule(context: RequestContext, draftId: string, expectedRevision: number, rule: BusinessRuleContent): Promise<RulesetVersionView> {
    const checked = edits.checkRuleCondition(rule, 'business');
    return this.editDraft(context, draftId, expectedRevision, (content) => edits.upsertBusinessRule(content, checked));
  }

  async upsertViolationRule(context: RequestContext, draftId: string, expectedRevision: number, rule: ViolationRuleContent): Promise<RulesetVersionView> {
    const checked = edits.checkRuleCondition(rule, 'violation');
    return this.editDraft(context, draftId, expectedRevision, (content) => edits.upsertViolationRule(content, checked));
  }

  async upsertPenaltyMapping(context: RequestContext, draftId: string, expectedRevision: number, penalty: PenaltyMappingContent): Promise<RulesetVersionView> {
    return this.editDraft(context, draftId, expectedRevision, (content) => edits.upsertPenaltyMapping(content, penalty));
  }

  async removeRule(
    context: RequestContext,
    draftId: string,
    expectedRevision: number,
    key: string,
    kind: edits.RemovableKind | null,
  ): Promise<RulesetVersionView> {
    return this.editDraft(context, draftId, expectedRevision, (content) => edits.removeRule(content, key, kind));
  }

  /** Changes part of a business rule (keywords in or out, single fields) without resending the rule. */
  async editBusinessRule(
    context: RequestContext,
    draftId: string,
    expectedRevision: number,
    key: string,
    patch: edits.BusinessRulePatch,
  ): Promise<RulesetVersionView> {
    return this.editDraft(context, draftId, expectedRevision, (content) => edits.patchBusinessRule(content, key, patch));
  }

  async upsertTestCase(context: RequestContext, draftId: string, expectedRevision: number, testCase: TestCaseContent): Promise<RulesetVersionView> {
    return this.editDraft(context, draftId, expectedRevision, (content) => edits.upsertTestCase(content, testCase));
  }

  async removeTestCase(context: RequestContext, draftId: string, expectedRevision: number, key: string): Promise<RulesetVersionView> {
    return this.editDraft(context, draftId, expectedRevision, (content) => edits.removeTestCase(content, key));
  }

  /**
   * Brings a stale draft onto the latest published version by a three-way merge (see
   * draft-merge.ts). With conflicts the draft is left unchanged and they are returned, with
   * both values, for the editor to resolve (`resolutions`, or by editing and rebasing again).
   */
  async rebaseDraft(context: RequestContext, draftId: string, expectedRevision: number, resolutions: MergeResolution[]): Promise<RebaseResult> {
    return inTransaction(this.dataSource, 'rebase', async (tx) => {
      const draft = await this.rulesets.getVersionIn(tx, draftId);
      assertEditable(draft, expectedRevision);
      const latest = await versions.findLatestPublished(tx, draft.rulesetId);
      if (latest === null || latest.number === draft.parentNumber) return { draft, rebasedOnto: null, conflicts: [] };
      const ruleset = await this.rulesets.getRulesetIn(tx, draft.rulesetKey);
      const base = draft.parentNumber === null ? emptyContentOf(ruleset) : (await this.rulesets.versionByNumberIn(tx, ruleset, draft.parentNumber)).content;
      const { content, conflicts } = mergeDraft(base, draft.content, latest.content, resolutions);
      if (conflicts.length > 0) return { draft, rebasedOnto: null, conflicts };
      const ordered = orderContent(content);
      const revision = await versions.updateDraftContent(tx, draftId, expectedRevision, ordered, actorOf(context), latest.number);
      if (revision === null) throw staleRevision(await this.rulesets.getVersionIn(tx, draftId), expectedRevision);
      await this.audit.append(tx, context, {
        type: 'DRAFT_REBASED',
        rulesetKey: draft.rulesetKey,
        versionId: draftId,
        revision,
        before: { parentNumber: draft.parentNumber, contentHash: draft.contentHash },
        after: { parentNumber: latest.number!, contentHash: contentHash(ordered) },
      });
      return { draft: (await versions.findVersionById(tx, draftId))!, rebasedOnto: latest.number, conflicts: [] };
    });
  }

  /** Inserts a draft row and its DRAFT_CREATED event. */
  private async insertDraft(
    tx: EntityManager,
    context: RequestContext,
    ruleset: RulesetEntity,
    content: RulesetContent,
    parentNumber: number | null,
    claimedBy: string | null = null,
  ): Promise<RulesetVersionView> {
    const id = uuidv7();
    const ordered = orderContent(content);
    await versions.insertDraft(tx, { id, rulesetId: ruleset.id, parentNumber, content: ordered, actor: actorOf(context), at: context.now });
    await this.audit.append(tx, context, {
      type: 'DRAFT_CREATED',
      rulesetKey: ruleset.key,
      versionId: id,
      revision: 0,
      before: null,
      after: { parentNumber, contentHash: contentHash(ordered), ...(claimedBy === null ? {} : { claimedBy }) },
    });
    return (await versions.findVersionById(tx, id))!;
  }

  /** One edit transaction: read the draft, apply the pure edit, save it at the next revision, append the event. */
  private async editDraft(
    context: RequestContext,
    draftId: string,
    expectedRevision: number,
    edit: (content: RulesetContent) => edits.ContentEdit,
  ): Promise<RulesetVersionView> {
    return inTransaction(this.dataSource, 'edit', async (tx) => {
      const draft = await this.rulesets.getVersionIn(tx, draftId);
      assertEditable(draft, expectedRevision);
      const { content, ...change } = edit(draft.content);
      const revision = await versions.updateDraftContent(tx, draftId, expectedRevision, orderContent(content), actorOf(context));
      if (revision === null) {
        // Someone else edited, published or discarded it since we read it: say which.
        const now = await this.rulesets.getVersionIn(tx, draftId);
        assertEditable(now, expectedRevision);
        throw staleRevision(now, expectedRevision);
      }
      await this.audit.append(tx, context, { ...change, rulesetKey: draft.rulesetKey, versionId: draftId, revision });
      return (await versions.findVersionById(tx, draftId))!;
    });
  }
}
