import { DataSource, EntityManager } from 'typeorm';
import { uuidv7 } from 'uuidv7';
import { AuditService } from '../audit/audit.service';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError, ValidationFailedError } from '../common/errors';
import { Issues } from '../common/issues';
import { AUTHORING_TEXT_LIMITS } from '../common/limits';
import { actorOf, RequestContext } from '../common/request-context';
import { CHANNELS, notifyAtCommit } from '../db/notification-listener';
import { inTransaction } from '../db/transaction';
import { RulesetContent, validateContent } from '../engine';
import { AuthoringService, staleRevision } from './authoring.service';
import { contentHash, orderContent } from './content-hash';
import { RulesetVersionView } from './ruleset-version.view';
import { RulesetMeta, RulesetService } from './ruleset.service';
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
 * appends its audit event and notifies other processes' version caches at commit.
 */
export class PublishingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rulesets: RulesetService,
    private readonly authoring: AuthoringService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Freezes a draft as the next numbered version. Locks the ruleset row, then the draft row,
   * so that concurrent publishes (from any number of processes) serialise: one wins, the
   * others see a published row or a stale revision and get CONFLICT; numbers stay gapless.
   */
  async publishDraft(context: RequestContext, draftId: string, input: PublishInput): Promise<RulesetVersionView> {
    const changelog = checkChangelog(input.changelog);
    const effectiveFrom = input.effectiveFrom ?? context.now;
    if (effectiveFrom.getTime() < context.now.getTime() - BACKDATING_TOLERANCE_MS) {
      throw new BadInputError('effectiveFrom is in the past: a version cannot take effect retroactively (omit it for "now", or give a future time to schedule)');
    }
    return inTransaction(this.dataSource, 'publish', async (tx) => {
      const located = await this.rulesets.getVersionIn(tx, draftId);
      // A version's ruleset always exists (foreign key): the lock is all that is asked of it.
      const ruleset = (await this.rulesets.lockRuleset(tx, { id: located.rulesetId }))!;
      const draft = await versions.lockVersion(tx, draftId);
      if (!draft) throw new NotFoundError(`no draft or version with id "${draftId}" (it may have been discarded)`);
      if (draft.status !== 'DRAFT') throw new ConflictError(`draft ${draftId} is already published as version ${draft.number} of "${draft.rulesetKey}"`);
      if (draft.revision !== input.expectedRevision) throw staleRevision(draft, input.expectedRevision);
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

  /** Takes a published version out of currentVersion/asOf resolution; its row stays, pinned evaluations keep working. */
  async retireVersion(context: RequestContext, rulesetKey: string, number: number): Promise<RulesetVersionView> {
    return inTransaction(this.dataSource, `retiring version ${number}`, async (tx) => {
      const ruleset = await this.rulesets.lockRuleset(tx, { key: rulesetKey });
      if (!ruleset) throw new NotFoundError(`no ruleset with key "${rulesetKey}"`);
      const version = await versions.findVersionByNumber(tx, ruleset.id, number);
      if (!version) throw new NotFoundError(`ruleset "${rulesetKey}" has no version ${number}`);
      if (version.status === 'RETIRED') {
        throw new ConflictError(`version ${number} of "${rulesetKey}" was already retired at ${version.retiredAt!.toISOString()}`);
      }
      await versions.insertRetirement(tx, version.id, actorOf(context), context.now);
      await this.audit.append(tx, context, {
        type: 'VERSION_RETIRED',
        rulesetKey,
        versionId: version.id,
        revision: version.revision,
        before: { status: 'PUBLISHED', number, contentHash: version.contentHash },
        after: { status: 'RETIRED', number, contentHash: version.contentHash },
      });
      await notifyVersionsChanged(tx, rulesetKey);
      return (await versions.findVersionById(tx, version.id))!;
    });
  }

  /**
   * Creates a ruleset and publishes `content` as its version 1, in one transaction, through
   * the same publication step as publishDraft (validation, hashing, numbering, edit trail).
   * Used for the seed and for importing ruleset files into an empty database.
   */
  async importRuleset(context: RequestContext, meta: RulesetMeta, content: RulesetContent, changelog: string): Promise<RulesetVersionView> {
    return inTransaction(this.dataSource, `ruleset "${meta.key}" already exists`, async (tx) => {
      // The ruleset remembers the defaults it started with, as createRuleset records them.
      const ruleset = await this.authoring.insertRuleset(tx, context, { ...meta, defaultDecision: content.defaultDecision, defaultMessage: content.defaultMessage });
      const draftId = uuidv7();
      await versions.insertDraft(tx, { id: draftId, rulesetId: ruleset.id, parentNumber: null, content: orderContent(content), actor: actorOf(context), at: context.now });
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
    const issues = validateContent(draft.content);
    if (issues.length > 0) {
      throw new ValidationFailedError(`the draft has ${issues.length} problem(s); fix them before publishing (see extensions.issues)`, issues);
    }
    options.review?.();
    const content = orderContent(draft.content);
    const hash = contentHash(content);
    const twin = await versions.findPublishedNumberByHash(tx, draft.rulesetId, hash);
    if (twin !== null) {
      throw new ConflictError(
        `the draft's content is identical to version ${twin} of "${draft.rulesetKey}" (content hash ${hash}); nothing to publish — to return to that version, retire the versions after it`,
      );
    }
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
      after: { status: 'PUBLISHED', number, contentHash: hash, changelog: options.changelog, effectiveFrom: options.effectiveFrom.toISOString() },
    });
    const published = await versions.markPublished(tx, {
      draftId: draft.id,
      expectedRevision: draft.revision,
      number,
      content,
      contentHash: hash,
      changelog: options.changelog,
      effectiveFrom: options.effectiveFrom,
      publishedBy: actorOf(context),
      publishedAt: context.now,
    });
    // Rolling back takes the audit event with it.
    if (!published) throw new ConflictError(`draft ${draft.id} changed while publishing; reload it and retry`);
    await notifyVersionsChanged(tx, draft.rulesetKey);
    return (await versions.findVersionById(tx, draft.id))!;
  }
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
