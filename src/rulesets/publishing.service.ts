import { DataSource, EntityManager } from 'typeorm';
import { uuidv7 } from 'uuidv7';
import { AuditService } from '../audit/audit.service';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError, ValidationFailedError } from '../common/errors';
import { Issues } from '../common/issues';
import { AUTHORING_TEXT_LIMITS } from '../common/limits';
import { actorOf, RequestContext } from '../common/request-context';
import { hasRole } from '../common/roles';
import { CHANNELS, notifyAtCommit } from '../db/notification-listener';
import { inTransaction } from '../db/transaction';
import { ENGINE_SEMANTICS, RulesetContent, validateContent } from '../engine';
import { AuthoringService, staleRevision } from './authoring.service';
import { contentHash, orderContent } from './content-hash';
import { RulesetVersionView } from './ruleset-version.view';
import { RulesetMeta, RulesetService } from './ruleset.service';
import { versionInEffect } from './version-catalogue';
import * as versions from './version.store';

/** Publishing with an effective-from this far in the past is refused: it would rewrite what `asOf` resolved to. */
const BACKDATING_TOLERANCE_MS = 60_000;

export interface PublishInput {
  expectedRevision: number;
  changelog: string;
  effectiveFrom?: Date | null;
}

/**
 * Publishing: freezes drafts as numbered, immutable versions and retires versions. Imports
 * take the same path (a draft, then its publication) in one transaction. Every change
 * appends its audit event and notifies other processes' version caches at commit; this
 * process's cache is told once the transaction has committed (`versionsChanged`), so a caller
 * sees its own publish at once, not only when the notification comes back round.
 */
export class PublishingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rulesets: RulesetService,
    private readonly authoring: AuthoringService,
    private readonly audit: AuditService,
    private readonly versionsChanged: (rulesetKey: string) => void = () => {},
  ) {}

  /** Runs a transaction that may publish or retire, then drops this process's cached version list. */
  private async changingVersions(label: string, body: (tx: EntityManager) => Promise<RulesetVersionView>): Promise<RulesetVersionView> {
    const changed = await inTransaction(this.dataSource, label, body);
    this.versionsChanged(changed.rulesetKey);
    return changed;
  }

  /**
   * Freezes a draft as the next numbered version. Locks the ruleset row, then the draft row,
   * so that concurrent publishes (from any number of processes) serialise: one wins, the
   * others see a published row or a stale revision and get CONFLICT; numbers stay gapless.
   */
  async publishDraft(context: RequestContext, draftId: string, input: PublishInput): Promise<RulesetVersionView> {
    const changelog = checkChangelog(input.changelog);
    const effectiveFrom = input.effectiveFrom ?? context.now;
    if (effectiveFrom.getTime() < context.now.getTime() - BACKDATING_TOLERANCE_MS) {
      throw new BadInputError(
        'effectiveFrom is in the past: a version cannot take effect retroactively (omit it for "now", or give a future time to schedule)',
      );
    }
    return this.changingVersions('publish', async (tx) => {
      const located = await this.rulesets.getVersionIn(tx, draftId);
      // A version's ruleset always exists (foreign key): the lock is all that is asked of it.
      const ruleset = (await this.rulesets.lockRuleset(tx, { id: located.rulesetId }))!;
      const draft = await versions.lockVersion(tx, draftId);
      if (!draft) throw new NotFoundError(`no draft or version with id "${draftId}" (it may have been discarded)`);
      if (draft.status !== 'DRAFT') throw new ConflictError(`draft ${draftId} is already published as version ${draft.number} of "${draft.rulesetKey}"`);
      if (draft.revision !== input.expectedRevision) throw staleRevision(draft, input.expectedRevision);
      await assertBasedOnLatest(tx, draft);
      const actor = actorOf(context);
      const makerChecker = () => {
        if (ruleset.makerChecker && draft.editors.includes(actor)) {
          throw new ForbiddenError(
            `maker-checker: "${actor}" edited this draft and may not publish it; another publisher must review and publish it (editors: ${draft.editors.join(', ')})`,
          );
        }
      };
      return this.publishLocked(tx, context, draft, { changelog, effectiveFrom, review: makerChecker });
    });
  }

  /**
   * Takes a published version out of currentVersion/asOf resolution; its row stays, pinned
   * evaluations keep working. Retiring the version in effect now is refused (CONFLICT) when no
   * other published version would be in effect after it, since unpinned evaluations would then
   * fail; an admin may `force` it, and the trail records that it was forced.
   */
  async retireVersion(context: RequestContext, rulesetKey: string, number: number, options: { force?: boolean } = {}): Promise<RulesetVersionView> {
    const force = options.force === true;
    if (force && !context.caller?.roles.includes('admin')) {
      throw new ForbiddenError('only an admin may force a retirement that leaves no version in effect');
    }
    return this.changingVersions(`retiring version ${number}`, async (tx) => {
      const ruleset = await this.rulesets.lockRuleset(tx, { key: rulesetKey });
      if (!ruleset) throw new NotFoundError(`no ruleset with key "${rulesetKey}"`);
      const version = await versions.findVersionByNumber(tx, ruleset.id, number);
      if (!version) throw new NotFoundError(`ruleset "${rulesetKey}" has no version ${number}`);
      if (version.status === 'RETIRED') {
        throw new ConflictError(`version ${number} of "${rulesetKey}" was already retired at ${version.retiredAt!.toISOString()}`);
      }
      // The ruleset row is locked: no publish or retirement of this ruleset can change the answer before commit.
      const published = (await versions.publishedVersionsOf(tx, rulesetKey))!.versions;
      const now = context.now.getTime();
      const outage =
        versionInEffect(published, now, now)?.id === version.id &&
        versionInEffect(
          published.filter((other) => other.id !== version.id),
          now,
          now,
        ) === null;
      if (outage && !force) {
        throw new ConflictError(
          `version ${number} of "${rulesetKey}" is in effect now and no other published version would be in effect after its retirement, so unpinned evaluations would fail; publish a replacement first (or an admin retires it with force: true)`,
        );
      }
      await versions.insertRetirement(tx, version.id, actorOf(context), context.now);
      await this.audit.append(tx, context, {
        type: 'VERSION_RETIRED',
        rulesetKey,
        versionId: version.id,
        revision: version.revision,
        before: { status: 'PUBLISHED', number, contentHash: version.contentHash },
        after: { status: 'RETIRED', number, contentHash: version.contentHash, ...(outage ? { forced: true as const } : {}) },
      });
      await notifyVersionsChanged(tx, rulesetKey);
      return (await versions.findVersionById(tx, version.id))!;
    });
  }

  /**
   * Rollback: a draft whose content is version `number`'s, based on the latest published
   * version, so history stays linear (vN+1 "reverts to version 2"). Published at once when the
   * caller may publish and the ruleset has no maker-checker; otherwise another publisher
   * reviews and publishes the draft like any other.
   */
  async revertToVersion(context: RequestContext, rulesetKey: string, number: number, changelog: string): Promise<RulesetVersionView> {
    const note = checkChangelog(changelog);
    return this.changingVersions(`reverting to version ${number}`, async (tx) => {
      const ruleset = await this.rulesets.lockRuleset(tx, { key: rulesetKey });
      if (!ruleset) throw new NotFoundError(`no ruleset with key "${rulesetKey}"`);
      const target = await versions.findVersionByNumber(tx, ruleset.id, number);
      if (!target || target.status === 'DRAFT') throw new NotFoundError(`ruleset "${rulesetKey}" has no published version ${number}`);
      const latest = await versions.findLatestPublished(tx, ruleset.id);
      if (latest?.contentHash === target.contentHash) {
        throw new ConflictError(`version ${latest.number}, the latest of "${rulesetKey}", already has version ${number}'s content; nothing to revert`);
      }
      const draftId = uuidv7();
      await versions.insertDraft(tx, {
        id: draftId,
        rulesetId: ruleset.id,
        parentNumber: latest?.number ?? null,
        revertsTo: number,
        content: target.content,
        actor: actorOf(context),
        at: context.now,
      });
      await this.audit.append(tx, context, {
        type: 'DRAFT_CREATED',
        rulesetKey,
        versionId: draftId,
        revision: 0,
        before: null,
        after: { parentNumber: latest?.number ?? null, contentHash: target.contentHash, revertsTo: number, changelog: note },
      });
      const draft = (await versions.lockVersion(tx, draftId))!;
      const mayPublish = context.caller !== null && hasRole(context.caller.roles, ['publisher']) && !ruleset.makerChecker;
      return mayPublish ? this.publishLocked(tx, context, draft, { changelog: note, effectiveFrom: context.now, review: null }) : draft;
    });
  }

  /**
   * Creates a ruleset and publishes `content` as its version 1, in one transaction, through
   * the same publication step as publishDraft (validation, hashing, numbering, edit trail).
   * Used for the seed and for importing ruleset files into an empty database.
   */
  async importRuleset(context: RequestContext, meta: RulesetMeta, content: RulesetContent, changelog: string): Promise<RulesetVersionView> {
    return this.changingVersions(`ruleset "${meta.key}" already exists`, async (tx) => {
      // The ruleset remembers the defaults it started with, as createRuleset records them.
      const ruleset = await this.authoring.insertRuleset(tx, context, {
        ...meta,
        defaultDecision: content.defaultDecision,
        defaultMessage: content.defaultMessage,
      });
      const draftId = uuidv7();
      await versions.insertDraft(tx, {
        id: draftId,
        rulesetId: ruleset.id,
        parentNumber: null,
        content: orderContent(content),
        actor: actorOf(context),
        at: context.now,
      });
      const draft = (await versions.lockVersion(tx, draftId))!;
      return this.publishLocked(tx, context, draft, { changelog: checkChangelog(changelog), effectiveFrom: context.now, review: null });
    });
  }

  /**
   * The publication step both paths share; the ruleset and draft rows are locked by the caller.
   * `review` (maker-checker) runs once the content is known to be publishable.
   */
  private async publishLocked(
    tx: EntityManager,
    context: RequestContext,
    draft: RulesetVersionView,
    options: { changelog: string; effectiveFrom: Date; review: (() => void) | null },
  ): Promise<RulesetVersionView> {
    const invalid = validateContent(draft.content);
    const issues = invalid.length > 0 ? invalid : await this.rulesets.failingTestCases(context, draft.content);
    if (issues.length > 0) {
      throw new ValidationFailedError(`the draft has ${issues.length} problem(s); fix them before publishing (see extensions.issues)`, issues);
    }
    options.review?.();
    const content = orderContent(draft.content);
    const hash = contentHash(content);
    const twins = await versions.findPublishedNumbersByHash(tx, draft.rulesetId, hash);
    const reverting = draft.revertsTo !== null && twins.includes(draft.revertsTo);
    if (twins.length > 0 && !reverting) {
      throw new ConflictError(
        `the draft's content is identical to version ${twins[0]} of "${draft.rulesetKey}" (content hash ${hash}); nothing to publish — to return to an older version, use revertToVersion`,
      );
    }
    // A rollback says so in its changelog, whoever writes the rest of it.
    const changelog =
      reverting && !options.changelog.startsWith(revertNote(draft.revertsTo!)) ? `${revertNote(draft.revertsTo!)}: ${options.changelog}` : options.changelog;
    const number = await versions.nextVersionNumber(tx, draft.rulesetId);
    // The audit event comes first: the database refuses to publish a row without this
    // transaction's DRAFT_PUBLISHED event (same number and hash), so no other path can.
    await this.audit.append(tx, context, {
      type: 'DRAFT_PUBLISHED',
      rulesetKey: draft.rulesetKey,
      versionId: draft.id,
      revision: draft.revision,
      // An import's draft existed only inside this transaction: there is no reviewed draft state to record.
      before: options.review ? { status: 'DRAFT', parentNumber: draft.parentNumber, editors: draft.editors } : null,
      after: { status: 'PUBLISHED', number, contentHash: hash, changelog, effectiveFrom: options.effectiveFrom.toISOString() },
    });
    const published = await versions.markPublished(tx, {
      draftId: draft.id,
      expectedRevision: draft.revision,
      number,
      content,
      contentHash: hash,
      changelog,
      effectiveFrom: options.effectiveFrom,
      publishedBy: actorOf(context),
      publishedAt: context.now,
      engineSemantics: ENGINE_SEMANTICS,
    });
    // Rolling back takes the audit event with it.
    if (!published) throw new ConflictError(`draft ${draft.id} changed while publishing; reload it and retry`);
    await notifyVersionsChanged(tx, draft.rulesetKey);
    return (await versions.findVersionById(tx, draft.id))!;
  }
}

const revertNote = (number: number): string => `reverts to version ${number}`;

/**
 * A draft copied from an older version would silently undo what was published since: it must
 * be rebased onto the latest published version first (rebaseDraft keeps both sides' changes).
 */
async function assertBasedOnLatest(tx: EntityManager, draft: RulesetVersionView): Promise<void> {
  const latest = await versions.findLatestPublished(tx, draft.rulesetId);
  if (latest === null || latest.number === draft.parentNumber) return;
  const basedOn = draft.parentNumber === null ? 'no version' : `version ${draft.parentNumber}`;
  throw new ConflictError(
    `draft ${draft.id} is based on ${basedOn}, but the latest published version of "${draft.rulesetKey}" is ${latest.number}: publishing it would undo version ${latest.number}'s changes; rebase it (rebaseDraft) and review the result first`,
    { basedOn: draft.parentNumber, latest: latest.number },
  );
}

function checkChangelog(changelog: string): string {
  const trimmed = changelog.trim();
  if (trimmed === '') throw new BadInputError('a changelog is required: say what changed and why');
  const issues = new Issues();
  issues.text('changelog', trimmed, AUTHORING_TEXT_LIMITS.changelog, true);
  issues.throwIfAny();
  return trimmed;
}

/** Delivered at commit: other processes' version caches reload this ruleset. */
function notifyVersionsChanged(tx: EntityManager, rulesetKey: string): Promise<void> {
  return notifyAtCommit(tx, CHANNELS.versions, rulesetKey);
}
