import { DataSource, EntityManager } from 'typeorm';
import { uuidv7 } from 'uuidv7';
import { AuditService } from '../audit/audit.service';
import { AuditEventType } from '../audit/audit-event';
import { BadInputError, ConflictError, DomainError, ForbiddenError, NotFoundError, ValidationFailedError } from '../common/errors';
import { isUuid } from '../common/ids';
import { CHANNELS } from '../db/notification-listener';
import {
  checkCondition,
  ENGINE_SEMANTICS,
  validateContent,
  type BusinessRuleContent,
  type ConditionKind,
  type Decision,
  type PenaltyMappingContent,
  type RulesetContent,
  type ValidationIssue,
  type ViolationRuleContent,
} from '../engine';
import { contentHash, orderContent } from './content-hash';
import { RulesetVersionView } from './ruleset-version.view';
import { RulesetEntity } from './ruleset.entity';
import { RulesetService, toVersionView, VERSION_SELECT, VersionRow } from './ruleset.service';
import { ChangeKind, ContentChange, diffContent, emptyContent } from './version-diff';

/** Ruleset keys appear in URLs, file names and CLI arguments: lower-case, digits and dashes. */
export const RULESET_KEY_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** Publishing with an effective-from this far in the past is refused: it would rewrite what `asOf` resolved to. */
const BACKDATING_TOLERANCE_MS = 60_000;

/** What the first draft of a new ruleset says when no rule matches, unless the creator says otherwise. */
const DEFAULT_MESSAGES: Record<Decision, string> = {
  ALLOW: '未匹配任何禁止规则，允许接入',
  REVIEW: '未匹配任何规则，转人工审核',
  REJECT: '未匹配任何允许规则，不予接入',
};

export interface CreateRulesetInput {
  key: string;
  name: string;
  description?: string | null;
  defaultDecision: Decision;
  defaultMessage?: string | null;
  makerChecker?: boolean;
}

export interface PublishInput {
  expectedRevision: number;
  changelog: string;
  effectiveFrom?: Date | null;
}

export interface VersionDiffResult {
  from: number;
  to: number | null;
  fromHash: string;
  toHash: string;
  draftId: string | null;
  changes: ContentChange[];
}

interface ContentEdit {
  type: AuditEventType;
  content: RulesetContent;
  before: unknown;
  after: unknown;
}

type RulesetRow = { id: string; key: string; maker_checker: boolean };

/** What removeRule can remove: the content kinds a key can name (diffs use the same names). */
export type RemovableKind = Exclude<ChangeKind, 'DEFAULT'>;

/** How each kind reads in messages, and how the edit trail's RULE_REMOVED events name it. */
const REMOVABLE_KINDS: Record<RemovableKind, { name: string; audit: string }> = {
  BUSINESS_RULE: { name: 'business rule', audit: 'businessRule' },
  VIOLATION_RULE: { name: 'violation rule', audit: 'violationRule' },
  PENALTY: { name: 'penalty mapping', audit: 'penalty' },
};

/** Unique violations, serialization failures and deadlocks are races lost to a concurrent change. */
function isRaceLost(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === '23505' || code === '40001' || code === '40P01';
}

/** The affected rows of an UPDATE/DELETE through TypeORM's postgres driver: `[rows, rowCount]`. */
function affectedRows<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

/** Bounds on the free text of rulesets and versions (rule fields are bounded by their input types). */
export const AUTHORING_TEXT_LIMITS = { name: 200, description: 2000, message: 2000, changelog: 4000 } as const;

function checkLength(argument: string, value: string | null | undefined, limit: number): void {
  if (value == null) return;
  const length = [...value].length;
  if (length > limit) {
    throw new BadInputError(`${argument} must be at most ${limit} characters (got ${length})`, { issues: [{ path: argument, message: `must be at most ${limit} characters` }] });
  }
}

/**
 * Authoring: rulesets, drafts, edits with optimistic concurrency, publishing, retiring,
 * validation and diffs. Every mutation appends an audit event in its own transaction;
 * publish and retire also notify other processes' version caches.
 */
export class DraftService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rulesets: RulesetService,
    private readonly audit: AuditService,
  ) {}

  // ---- rulesets and drafts -------------------------------------------------------------

  async createRuleset(actor: string, input: CreateRulesetInput): Promise<RulesetEntity> {
    if (!RULESET_KEY_PATTERN.test(input.key)) {
      throw new BadInputError(`ruleset key "${input.key}" must match ${RULESET_KEY_PATTERN.source} (lower case, digits, dashes)`);
    }
    if (input.name.trim() === '') throw new BadInputError('ruleset name is empty');
    checkLength('name', input.name, AUTHORING_TEXT_LIMITS.name);
    checkLength('description', input.description, AUTHORING_TEXT_LIMITS.description);
    checkLength('defaultMessage', input.defaultMessage, AUTHORING_TEXT_LIMITS.message);
    const defaultMessage = input.defaultMessage?.trim() ? input.defaultMessage : null;
    const entity: RulesetEntity = {
      id: uuidv7(),
      key: input.key,
      name: input.name,
      description: input.description ?? null,
      makerChecker: input.makerChecker ?? true,
      defaultDecision: input.defaultDecision,
      defaultMessage,
      createdBy: actor,
      createdAt: new Date(),
    };
    return this.transaction(`ruleset "${input.key}" already exists`, async (manager) => {
      if (await this.rulesets.findRuleset(input.key, manager)) throw new ConflictError(`ruleset "${input.key}" already exists`);
      await manager.getRepository(RulesetEntity).insert(entity);
      const { id: _id, createdAt: _at, createdBy: _by, ...settings } = entity;
      await this.audit.append(manager, { type: 'RULESET_CREATED', actor, rulesetKey: entity.key, versionId: null, revision: null, before: null, after: settings });
      return entity;
    });
  }

  /**
   * A new draft copying version `fromVersion`, by default the version in effect now (or the
   * newest published one when none is in effect yet); empty when the ruleset has none.
   */
  async createDraft(actor: string, rulesetKey: string, fromVersion?: number | null): Promise<RulesetVersionView> {
    return this.transaction('draft creation', async (manager) => {
      const ruleset = await this.rulesets.getRuleset(rulesetKey, manager);
      const source = await this.draftSource(manager, ruleset, fromVersion ?? null);
      const content = source?.content ?? emptyContent({
        defaultDecision: ruleset.defaultDecision,
        defaultMessage: ruleset.defaultMessage ?? DEFAULT_MESSAGES[ruleset.defaultDecision],
      });
      return this.insertDraft(manager, actor, ruleset, content, source?.number ?? null);
    });
  }

  /** A draft holding the given content (the CLI's import into an existing ruleset). */
  async createDraftWithContent(actor: string, rulesetKey: string, content: RulesetContent): Promise<RulesetVersionView> {
    return this.transaction('draft creation', async (manager) => {
      const ruleset = await this.rulesets.getRuleset(rulesetKey, manager);
      const parent = await this.draftSource(manager, ruleset, null);
      return this.insertDraft(manager, actor, ruleset, content, parent?.number ?? null);
    });
  }

  async discardDraft(actor: string, draftId: string, expectedRevision?: number | null): Promise<boolean> {
    return this.transaction('discard', async (manager) => {
      const draft = await this.lockVersion(manager, draftId);
      if (draft.status !== 'DRAFT') {
        throw new ConflictError(`version ${draft.number} of "${draft.rulesetKey}" is published and cannot be discarded; retire it with retireVersion instead`);
      }
      if (expectedRevision != null && draft.revision !== expectedRevision) throw this.staleRevision(draft, expectedRevision);
      await manager.query(`DELETE FROM ruleset_version WHERE id = $1 AND status = 'DRAFT'`, [draftId]);
      await this.audit.append(manager, {
        type: 'DRAFT_DISCARDED',
        actor,
        rulesetKey: draft.rulesetKey,
        versionId: draft.id,
        revision: draft.revision,
        before: { parentNumber: draft.parentNumber, contentHash: draft.contentHash, editors: draft.editors, content: draft.content },
        after: null,
      });
      return true;
    });
  }

  // ---- edits -----------------------------------------------------------------------------

  async setDefaultDecision(actor: string, draftId: string, expectedRevision: number, decision: Decision, message?: string | null): Promise<RulesetVersionView> {
    if (message != null && message.trim() === '') throw new BadInputError('the default message is empty');
    checkLength('message', message, AUTHORING_TEXT_LIMITS.message);
    return this.editDraft(actor, draftId, expectedRevision, (content) => {
      // The message is told to callers when no rule matches: one written for another decision would mislead them.
      if (message == null && decision !== content.defaultDecision) {
        throw new BadInputError(
          `changing the default decision from ${content.defaultDecision} to ${decision} needs a message: supply \`message\` for the new default decision (the current one, "${content.defaultMessage}", was written for ${content.defaultDecision})`,
          { path: 'defaultMessage' },
        );
      }
      const next = { ...content, defaultDecision: decision, defaultMessage: message ?? content.defaultMessage };
      return {
        type: 'DEFAULT_DECISION_SET',
        content: next,
        before: { defaultDecision: content.defaultDecision, defaultMessage: content.defaultMessage },
        after: { defaultDecision: next.defaultDecision, defaultMessage: next.defaultMessage },
      };
    });
  }

  async upsertBusinessRule(actor: string, draftId: string, expectedRevision: number, rule: BusinessRuleContent): Promise<RulesetVersionView> {
    const normalized = { ...rule, condition: blankToNull(rule.condition) };
    assertCondition(`businessRules[${rule.key}]`, normalized.condition, 'business');
    return this.editDraft(actor, draftId, expectedRevision, (content) => {
      const before = content.businessRules.find((existing) => existing.key === rule.key) ?? null;
      assertKeyFree(content, rule.key, 'business');
      return {
        type: 'BUSINESS_RULE_UPSERTED',
        content: { ...content, businessRules: [...content.businessRules.filter((existing) => existing.key !== rule.key), normalized] },
        before,
        after: normalized,
      };
    });
  }

  async upsertViolationRule(actor: string, draftId: string, expectedRevision: number, rule: ViolationRuleContent): Promise<RulesetVersionView> {
    const normalized = { ...rule, condition: blankToNull(rule.condition) };
    assertCondition(`violationRules[${rule.key}]`, normalized.condition, 'violation');
    return this.editDraft(actor, draftId, expectedRevision, (content) => {
      const before = content.violationRules.find((existing) => existing.key === rule.key) ?? null;
      assertKeyFree(content, rule.key, 'violation');
      return {
        type: 'VIOLATION_RULE_UPSERTED',
        content: { ...content, violationRules: [...content.violationRules.filter((existing) => existing.key !== rule.key), normalized] },
        before,
        after: normalized,
      };
    });
  }

  async upsertPenaltyMapping(actor: string, draftId: string, expectedRevision: number, penalty: PenaltyMappingContent): Promise<RulesetVersionView> {
    return this.editDraft(actor, draftId, expectedRevision, (content) => {
      const before = content.penalties.find((existing) => existing.severity === penalty.severity) ?? null;
      return {
        type: 'PENALTY_MAPPING_UPSERTED',
        content: { ...content, penalties: [...content.penalties.filter((existing) => existing.severity !== penalty.severity), penalty] },
        before,
        after: penalty,
      };
    });
  }

  /**
   * Removes the business rule, violation rule or penalty mapping (by severity) with this key.
   * Rule keys and severities are separate namespaces, so a key may name more than one thing:
   * then `kind` must say which, rather than one silently shadowing the other.
   */
  async removeRule(actor: string, draftId: string, expectedRevision: number, key: string, kind?: RemovableKind | null): Promise<RulesetVersionView> {
    return this.editDraft(actor, draftId, expectedRevision, (content) => {
      const found: { kind: RemovableKind; value: unknown }[] = [
        { kind: 'BUSINESS_RULE' as const, value: content.businessRules.find((rule) => rule.key === key) },
        { kind: 'VIOLATION_RULE' as const, value: content.violationRules.find((rule) => rule.key === key) },
        { kind: 'PENALTY' as const, value: content.penalties.find((mapping) => mapping.severity === key) },
      ].filter((entry) => entry.value !== undefined && (kind == null || entry.kind === kind));
      if (found.length === 0) {
        const what = kind == null ? 'business rule, violation rule or penalty mapping' : REMOVABLE_KINDS[kind].name;
        throw new NotFoundError(`the draft has no ${what} "${key}"`);
      }
      if (found.length > 1) {
        const kinds = found.map((entry) => entry.kind);
        const named = found.map((entry) => `a ${REMOVABLE_KINDS[entry.kind].name}`).join(' and ');
        throw new BadInputError(`key "${key}" names ${named} in this draft; pass kind (${kinds.join(' or ')}) to say which to remove`, { kinds });
      }
      const [removed] = found;
      const next: RulesetContent =
        removed.kind === 'BUSINESS_RULE'
          ? { ...content, businessRules: content.businessRules.filter((rule) => rule !== removed.value) }
          : removed.kind === 'VIOLATION_RULE'
            ? { ...content, violationRules: content.violationRules.filter((rule) => rule !== removed.value) }
            : { ...content, penalties: content.penalties.filter((mapping) => mapping !== removed.value) };
      return { type: 'RULE_REMOVED', content: next, before: { kind: REMOVABLE_KINDS[removed.kind].audit, value: removed.value }, after: null };
    });
  }

  // ---- publish and retire -----------------------------------------------------------------

  /**
   * Freezes a draft as the next numbered version. Locks the ruleset row, then the draft row,
   * so that concurrent publishes (from any number of processes) serialise: one wins, the
   * others see a published row or a stale revision and get CONFLICT; numbers stay gapless.
   */
  async publishDraft(actor: string, draftId: string, input: PublishInput): Promise<RulesetVersionView> {
    const changelog = input.changelog.trim();
    if (changelog === '') throw new BadInputError('a changelog is required: say what changed and why');
    checkLength('changelog', changelog, AUTHORING_TEXT_LIMITS.changelog);
    const now = new Date();
    const effectiveFrom = input.effectiveFrom ?? now;
    if (effectiveFrom.getTime() < now.getTime() - BACKDATING_TOLERANCE_MS) {
      throw new BadInputError('effectiveFrom is in the past: a version cannot take effect retroactively (omit it for "now", or give a future time to schedule)');
    }
    return this.transaction('publish', async (manager) => {
      const located = await this.findVersion(manager, draftId);
      const [ruleset]: RulesetRow[] = await manager.query('SELECT id, key, maker_checker FROM ruleset WHERE id = $1 FOR UPDATE', [located.rulesetId]);
      const draft = await this.lockVersion(manager, draftId);
      if (draft.status !== 'DRAFT') {
        throw new ConflictError(`draft ${draftId} is already published as version ${draft.number} of "${draft.rulesetKey}"`);
      }
      if (draft.revision !== input.expectedRevision) throw this.staleRevision(draft, input.expectedRevision);
      const issues = validateContent(draft.content);
      if (issues.length > 0) {
        throw new ValidationFailedError(`the draft has ${issues.length} problem(s); fix them before publishing (see extensions.issues)`, issues);
      }
      if (ruleset.maker_checker && draft.editors.includes(actor)) {
        throw new ForbiddenError(
          `maker-checker: "${actor}" edited this draft and may not publish it; another publisher must review and publish it (editors: ${draft.editors.join(', ')})`,
        );
      }
      const content = orderContent(draft.content);
      const hash = contentHash(content);
      const [twin]: { number: number }[] = await manager.query(
        `SELECT number FROM ruleset_version WHERE ruleset_id = $1 AND status = 'PUBLISHED' AND content_hash = $2`,
        [ruleset.id, hash],
      );
      if (twin) {
        throw new ConflictError(
          `the draft's content is identical to version ${twin.number} of "${ruleset.key}" (content hash ${hash}); nothing to publish — to return to that version, retire the versions after it`,
        );
      }
      const [{ next }]: { next: number }[] = await manager.query(
        'SELECT coalesce(max(number), 0) + 1 AS next FROM ruleset_version WHERE ruleset_id = $1',
        [ruleset.id],
      );
      const updated = affectedRows(
        await manager.query(
          `UPDATE ruleset_version
           SET status = 'PUBLISHED', number = $3, content = $4, content_hash = $5, changelog = $6, effective_from = $7,
               published_by = $8, published_at = $9, engine_semantics = $10
           WHERE id = $1 AND status = 'DRAFT' AND revision = $2 RETURNING id`,
          [draftId, input.expectedRevision, next, content, hash, changelog, effectiveFrom, actor, now, ENGINE_SEMANTICS],
        ),
      );
      if (updated.length !== 1) throw new ConflictError(`draft ${draftId} changed while publishing; reload it and retry`);
      await this.audit.append(
        manager,
        {
          type: 'DRAFT_PUBLISHED',
          actor,
          rulesetKey: ruleset.key,
          versionId: draftId,
          revision: draft.revision,
          before: { status: 'DRAFT', parentNumber: draft.parentNumber, editors: draft.editors },
          after: { status: 'PUBLISHED', number: next, contentHash: hash, changelog, effectiveFrom: effectiveFrom.toISOString() },
        },
        now,
      );
      await this.notifyVersionsChanged(manager, ruleset.key);
      return (await this.findVersion(manager, draftId))!;
    });
  }

  /** Takes a published version out of currentVersion/asOf resolution; its row stays, pinned evaluations keep working. */
  async retireVersion(actor: string, rulesetKey: string, number: number): Promise<RulesetVersionView> {
    return this.transaction(`retiring version ${number}`, async (manager) => {
      const [ruleset]: RulesetRow[] = await manager.query('SELECT id, key, maker_checker FROM ruleset WHERE key = $1 FOR UPDATE', [rulesetKey]);
      if (!ruleset) throw new NotFoundError(`no ruleset with key "${rulesetKey}"`);
      const version = await this.rulesets.findVersionByNumber(ruleset.id, number, manager);
      if (!version) throw new NotFoundError(`ruleset "${rulesetKey}" has no version ${number}`);
      if (version.status === 'RETIRED') {
        throw new ConflictError(`version ${number} of "${rulesetKey}" was already retired at ${version.retiredAt!.toISOString()}`);
      }
      const now = new Date();
      await manager.query('INSERT INTO version_retirement (version_id, retired_by, retired_at) VALUES ($1, $2, $3)', [version.id, actor, now]);
      await this.audit.append(
        manager,
        {
          type: 'VERSION_RETIRED',
          actor,
          rulesetKey,
          versionId: version.id,
          revision: version.revision,
          before: { status: 'PUBLISHED', number, contentHash: version.contentHash },
          after: { status: 'RETIRED', number, contentHash: version.contentHash },
        },
        now,
      );
      await this.notifyVersionsChanged(manager, rulesetKey);
      return (await this.findVersion(manager, version.id))!;
    });
  }

  // ---- checks and comparisons --------------------------------------------------------------

  /** Every problem publishing would refuse, with a path per problem. Works on published versions too. */
  async validateDraft(draftId: string): Promise<ValidationIssue[]> {
    const version = await this.findVersion(this.dataSource.manager, draftId);
    return validateContent(version.content);
  }

  /**
   * Differences from version `from` (0: the empty ruleset before version 1) to version `to`
   * or to a draft.
   */
  async diffVersions(rulesetKey: string, from: number, to?: number | null, draftId?: string | null): Promise<VersionDiffResult> {
    const manager = this.dataSource.manager;
    const ruleset = await this.rulesets.getRuleset(rulesetKey, manager);
    if ((to == null) === (draftId == null)) throw new BadInputError('give exactly one of `to` (a version number) or `draftId`');
    const empty = emptyContent({ defaultDecision: ruleset.defaultDecision, defaultMessage: ruleset.defaultMessage ?? DEFAULT_MESSAGES[ruleset.defaultDecision] });
    const fromContent = from === 0 ? empty : (await this.versionByNumber(ruleset, from)).content;
    let target: RulesetVersionView;
    if (draftId != null) {
      target = await this.findVersion(manager, draftId);
      if (target.rulesetId !== ruleset.id) throw new BadInputError(`version ${draftId} belongs to ruleset "${target.rulesetKey}", not "${rulesetKey}"`);
    } else {
      target = await this.versionByNumber(ruleset, to!);
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

  // ---- internals -----------------------------------------------------------------------------

  private async editDraft(
    actor: string,
    draftId: string,
    expectedRevision: number,
    edit: (content: RulesetContent) => ContentEdit,
  ): Promise<RulesetVersionView> {
    return this.transaction('edit', async (manager) => {
      const draft = await this.findVersion(manager, draftId);
      this.assertEditable(draft, expectedRevision);
      const change = edit(draft.content);
      const content = orderContent(change.content);
      const updated = affectedRows<{ revision: number }>(
        await manager.query(
          `UPDATE ruleset_version
           SET content = $3, revision = revision + 1,
               editors = CASE WHEN $4 = ANY(editors) THEN editors ELSE array_append(editors, $4) END
           WHERE id = $1 AND status = 'DRAFT' AND revision = $2 RETURNING revision`,
          [draftId, expectedRevision, content, actor],
        ),
      );
      if (updated.length === 0) {
        // Someone else edited, published or discarded it since we read it: say which.
        const now = await this.findVersion(manager, draftId);
        this.assertEditable(now, expectedRevision);
        throw this.staleRevision(now, expectedRevision);
      }
      await this.audit.append(manager, {
        type: change.type,
        actor,
        rulesetKey: draft.rulesetKey,
        versionId: draftId,
        revision: updated[0].revision,
        before: change.before,
        after: change.after,
      });
      return (await this.findVersion(manager, draftId))!;
    });
  }

  private assertEditable(version: RulesetVersionView, expectedRevision: number): void {
    if (version.status !== 'DRAFT') {
      throw new ConflictError(
        `version ${version.number} of "${version.rulesetKey}" is ${version.status.toLowerCase()} and immutable; create a draft (createDraft) to change it`,
      );
    }
    if (version.revision !== expectedRevision) throw this.staleRevision(version, expectedRevision);
  }

  private staleRevision(version: RulesetVersionView, expectedRevision: number): ConflictError {
    return new ConflictError(
      `stale revision: draft ${version.id} is at revision ${version.revision}, not ${expectedRevision}; reload it and reapply your change`,
      { currentRevision: version.revision },
    );
  }

  private async insertDraft(
    manager: EntityManager,
    actor: string,
    ruleset: RulesetEntity,
    content: RulesetContent,
    parentNumber: number | null,
  ): Promise<RulesetVersionView> {
    const id = uuidv7();
    const ordered = orderContent(content);
    await manager.query(
      `INSERT INTO ruleset_version (id, ruleset_id, status, revision, parent_number, content, editors, created_by, created_at)
       VALUES ($1, $2, 'DRAFT', 0, $3, $4, $5, $6, $7)`,
      [id, ruleset.id, parentNumber, ordered, [actor], actor, new Date()],
    );
    await this.audit.append(manager, {
      type: 'DRAFT_CREATED',
      actor,
      rulesetKey: ruleset.key,
      versionId: id,
      revision: 0,
      before: null,
      after: { parentNumber, contentHash: contentHash(ordered) },
    });
    return (await this.findVersion(manager, id))!;
  }

  private async draftSource(manager: EntityManager, ruleset: RulesetEntity, fromVersion: number | null): Promise<RulesetVersionView | null> {
    if (fromVersion !== null) return this.versionByNumber(ruleset, fromVersion, manager);
    const rows: VersionRow[] = await manager.query(
      `${VERSION_SELECT} WHERE v.ruleset_id = $1 AND v.status = 'PUBLISHED' AND vr.version_id IS NULL
       ORDER BY (v.effective_from <= now()) DESC, v.effective_from DESC, v.number DESC LIMIT 1`,
      [ruleset.id],
    );
    return rows[0] ? toVersionView(rows[0]) : null;
  }

  private async versionByNumber(ruleset: RulesetEntity, number: number, manager: EntityManager = this.dataSource.manager): Promise<RulesetVersionView> {
    const version = await this.rulesets.findVersionByNumber(ruleset.id, number, manager);
    if (!version) throw new NotFoundError(`ruleset "${ruleset.key}" has no version ${number}`);
    return version;
  }

  private async findVersion(manager: EntityManager, id: string): Promise<RulesetVersionView> {
    const version = await this.rulesets.findVersionById(id, manager);
    if (!version) throw new NotFoundError(`no draft or version with id "${id}"`);
    return version;
  }

  private async lockVersion(manager: EntityManager, id: string): Promise<RulesetVersionView> {
    if (!isUuid(id)) throw new NotFoundError(`no draft or version with id "${id}"`);
    const rows: VersionRow[] = await manager.query(`${VERSION_SELECT} WHERE v.id = $1 FOR UPDATE OF v`, [id]);
    if (!rows[0]) throw new NotFoundError(`no draft or version with id "${id}" (it may have been discarded)`);
    return toVersionView(rows[0]);
  }

  /** Delivered at commit: other processes' version caches reload this ruleset. */
  private async notifyVersionsChanged(manager: EntityManager, rulesetKey: string): Promise<void> {
    await manager.query('SELECT pg_notify($1, $2)', [CHANNELS.versions, rulesetKey]);
  }

  /** One transaction; a race lost at the database (unique key, serialization, deadlock) becomes CONFLICT. */
  private async transaction<T>(what: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      if (!(error instanceof DomainError) && isRaceLost(error)) {
        throw new ConflictError(`${what} lost a race with a concurrent change; reload and retry`);
      }
      throw error;
    }
  }
}

function blankToNull(value: string | null | undefined): string | null {
  return value == null || value.trim() === '' ? null : value;
}

/** Conditions are parsed and type-checked when saved, so a typo is reported at once, with its position. */
function assertCondition(path: string, condition: string | null, kind: ConditionKind): void {
  if (condition === null) return;
  const check = checkCondition(condition, kind);
  if (check.ok) return;
  const where = check.position === null ? '' : ` at position ${check.position}`;
  if (check.problem === 'over-budget') {
    // Valid CEL that could stall an evaluation: the same refusal publishing would give.
    const message = `condition over its cost limit${where}: ${check.message}`;
    throw new ValidationFailedError(`${path}.condition: ${message}`, [{ path: `${path}.condition`, message }]);
  }
  throw new BadInputError(`${path}.condition: invalid condition${where}: ${check.message}`, {
    path: `${path}.condition`,
    position: check.position,
  });
}

/** Keys name rules across both kinds (a RuleMatch names its rule by key alone). */
function assertKeyFree(content: RulesetContent, key: string, kind: 'business' | 'violation'): void {
  const other = kind === 'business' ? content.violationRules : content.businessRules;
  if (other.some((rule) => rule.key === key)) {
    const otherKind = kind === 'business' ? 'violation' : 'business';
    throw new BadInputError(`key "${key}" already names a ${otherKind} rule in this draft; rule keys are unique across both kinds`);
  }
}
