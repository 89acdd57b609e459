import { DataSource } from 'typeorm';
import { BadInputError, NotFoundError, ValidationFailedError, VersionIntegrityError } from '../common/errors';
import { compileRuleset, CompiledRuleset, ConditionError, RulesetContent } from '../engine';
import { RequestContext } from '../common/request-context';
import { PolicyMetrics } from '../metrics/metrics';
import { contentHash } from './content-hash';
import { VersionStatus } from './ruleset-version.view';
import * as versions from './version.store';
import { PublishedVersionMeta } from './version.store';

export type { PublishedVersionMeta } from './version.store';

/** How a client pins the version an evaluation uses; all absent means "in effect now". */
export interface VersionPins {
  version?: number | null;
  contentHash?: string | null;
  asOf?: Date | null;
}

export interface ResolvedVersion {
  rulesetId: string;
  rulesetKey: string;
  versionId: string;
  /** null for drafts */
  number: number | null;
  contentHash: string;
  status: VersionStatus;
  compiled: CompiledRuleset;
}

interface RulesetVersions {
  rulesetId: string;
  rulesetKey: string;
  versions: PublishedVersionMeta[];
  /** Memo of the version in effect now, valid until the next scheduled switch. */
  current: { version: PublishedVersionMeta | null; validUntil: number } | null;
}

/**
 * The published version in effect at `at`, as known at `now`: effective by `at`, and not
 * retired by `now` (a retired version leaves resolution for every time, past ones too: it was
 * withdrawn, so `asOf` a time it was live resolves to the version that is in effect without
 * it); latest effective-from wins. For "in effect now", `at` is `now`.
 */
export function versionInEffect(versions: PublishedVersionMeta[], at: number, now: number): PublishedVersionMeta | null {
  let best: PublishedVersionMeta | null = null;
  for (const version of versions) {
    if (version.effectiveFrom > at) continue;
    if (version.retiredAt !== null && version.retiredAt <= now) continue;
    if (!best || version.effectiveFrom > best.effectiveFrom || (version.effectiveFrom === best.effectiveFrom && version.number > best.number)) {
      best = version;
    }
  }
  return best;
}

/** The next time after `at` when the version in effect may change (a scheduled effective-from or retirement). */
export function nextSwitchAfter(versions: PublishedVersionMeta[], at: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (const version of versions) {
    if (version.effectiveFrom > at) next = Math.min(next, version.effectiveFrom);
    if (version.retiredAt !== null && version.retiredAt > at) next = Math.min(next, version.retiredAt);
  }
  return next;
}

/** A published version refused on load: its content does not hash to the hash it was published (and is pinned) with. */
export interface IntegrityFailure {
  rulesetKey: string;
  number: number;
  versionId: string;
  recordedHash: string;
  contentHash: string;
}

const HASH = /^[0-9a-f]{64}$/;
const COMPILED_CACHE_LIMIT = 64;

/**
 * Resolves version pins to a compiled version. Published versions never change, so their
 * compiled form is cached by id for the life of the process. Each ruleset's list of
 * published versions (ids, numbers, hashes, effective and retirement times: no content) is
 * cached too and dropped when any process publishes or retires (LISTEN ccc_policy_versions)
 * or when the listening connection is re-established; while it is not listening, nothing
 * is cached. "In effect now" is computed from that list, so scheduled versions switch on
 * time without a notification.
 */
export class VersionCatalogue {
  private readonly rulesets = new Map<string, RulesetVersions>();
  private readonly compiled = new Map<string, Promise<CompiledRuleset>>();
  private readonly failures = new Map<string, IntegrityFailure>();
  private generation = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly cachingAllowed: () => boolean,
    private readonly metrics: PolicyMetrics | null = null,
    private readonly reportIntegrityFailure: (failure: IntegrityFailure) => void = () => {},
  ) {}

  /** Versions this process refused to serve because their content does not match their hash (for /readyz). */
  integrityFailures(): IntegrityFailure[] {
    return [...this.failures.values()];
  }

  /** A publish or retirement happened (payload: ruleset key), or notifications may have been missed (null). */
  invalidate(rulesetKey: string | null): void {
    this.generation += 1;
    if (rulesetKey) this.rulesets.delete(rulesetKey);
    else this.rulesets.clear();
  }

  /** The version the pins name, or the one in effect at the request's time; compiled. */
  async resolveVersion(context: RequestContext, rulesetKey: string, pins: VersionPins): Promise<ResolvedVersion> {
    const ruleset = await this.rulesetVersions(rulesetKey);
    const chosen: { by: string; version: PublishedVersionMeta }[] = [];

    if (pins.version !== undefined && pins.version !== null) {
      const version = ruleset.versions.find((candidate) => candidate.number === pins.version);
      if (!version) throw new NotFoundError(`ruleset "${rulesetKey}" has no published version ${pins.version}`);
      chosen.push({ by: `version ${pins.version}`, version });
    }
    if (pins.contentHash !== undefined && pins.contentHash !== null) {
      const hash = pins.contentHash.trim().toLowerCase();
      if (!HASH.test(hash)) throw new BadInputError('contentHash must be 64 hexadecimal characters (sha256)');
      // A rollback publishes older content again: the hash then names the newest version holding it.
      const version = ruleset.versions.filter((candidate) => candidate.contentHash === hash).pop();
      if (!version) throw new NotFoundError(`ruleset "${rulesetKey}" has no published version with content hash ${hash}`);
      chosen.push({ by: `contentHash ${hash.slice(0, 12)}…`, version });
    }
    if (pins.asOf !== undefined && pins.asOf !== null) {
      const at = pins.asOf.getTime();
      if (Number.isNaN(at)) throw new BadInputError('asOf is not a valid time');
      // What will be in effect later is not a decision to log: a scheduled version is tried by pinning its number.
      if (at > context.now.getTime()) {
        throw new BadInputError(`asOf ${pins.asOf.toISOString()} is in the future; pin a scheduled version by its number to try it`);
      }
      const version = versionInEffect(ruleset.versions, at, context.now.getTime());
      if (!version) throw new NotFoundError(`no version of ruleset "${rulesetKey}" was in effect at ${pins.asOf.toISOString()}`);
      chosen.push({ by: `asOf ${pins.asOf.toISOString()}`, version });
    }

    let version: PublishedVersionMeta;
    if (chosen.length === 0) {
      const current = this.currentVersion(ruleset, context.now.getTime());
      if (!current) throw new NotFoundError(`no version of ruleset "${rulesetKey}" is in effect now`);
      version = current;
    } else {
      version = chosen[0].version;
      const disagreeing = chosen.find((pin) => pin.version.id !== version.id);
      if (disagreeing) {
        throw new BadInputError(`the version pins disagree: ${chosen.map((pin) => `${pin.by} names version ${pin.version.number}`).join(', ')}`, {
          pins: chosen.map((pin) => ({ pin: pin.by, version: pin.version.number })),
        });
      }
    }

    const now = context.now.getTime();
    return {
      rulesetId: ruleset.rulesetId,
      rulesetKey: ruleset.rulesetKey,
      versionId: version.id,
      number: version.number,
      contentHash: version.contentHash,
      status: version.retiredAt !== null && version.retiredAt <= now ? 'RETIRED' : 'PUBLISHED',
      compiled: await this.compiledVersion(version.id),
    };
  }

  /**
   * Any version row by id, drafts included (drafts are compiled afresh each time: they change).
   * `rulesetKey`, when given, must be the version's ruleset.
   */
  async versionById(versionId: string, rulesetKey?: string): Promise<ResolvedVersion> {
    const version = await versions.findVersionById(this.dataSource.manager, versionId);
    if (!version) throw new NotFoundError(`no ruleset version with id "${versionId}"`);
    if (rulesetKey !== undefined && version.rulesetKey !== rulesetKey) {
      throw new BadInputError(`version ${versionId} belongs to ruleset "${version.rulesetKey}", not "${rulesetKey}"`);
    }
    return {
      rulesetId: version.rulesetId,
      rulesetKey: version.rulesetKey,
      versionId: version.id,
      number: version.number,
      contentHash: version.contentHash,
      status: version.status,
      compiled: version.status === 'DRAFT' ? compileVersion(version.content, `draft ${versionId}`) : await this.compiledVersion(version.id),
    };
  }

  /** A version's stored content, for compiling it under another engine semantics (replay of older decisions). */
  async contentOf(versionId: string): Promise<RulesetContent> {
    const version = await versions.findVersionById(this.dataSource.manager, versionId);
    if (!version) throw new NotFoundError(`no ruleset version with id "${versionId}"`);
    return version.content;
  }

  private currentVersion(ruleset: RulesetVersions, now: number): PublishedVersionMeta | null {
    if (ruleset.current && now < ruleset.current.validUntil) return ruleset.current.version;
    const version = versionInEffect(ruleset.versions, now, now);
    ruleset.current = { version, validUntil: nextSwitchAfter(ruleset.versions, now) };
    return version;
  }

  private async rulesetVersions(rulesetKey: string): Promise<RulesetVersions> {
    const cached = this.rulesets.get(rulesetKey);
    if (cached) {
      this.metrics?.versionCache.inc({ cache: 'ruleset', result: 'hit' });
      return cached;
    }
    this.metrics?.versionCache.inc({ cache: 'ruleset', result: 'miss' });
    const generation = this.generation;
    const published = await versions.publishedVersionsOf(this.dataSource.manager, rulesetKey);
    if (!published) throw new NotFoundError(`no ruleset with key "${rulesetKey}"`);
    const ruleset: RulesetVersions = { ...published, rulesetKey, current: null };
    // A notification that arrived while this was loading makes what was read suspect: use it once, do not keep it.
    if (generation === this.generation && this.cachingAllowed()) this.rulesets.set(rulesetKey, ruleset);
    return ruleset;
  }

  private compiledVersion(versionId: string): Promise<CompiledRuleset> {
    const cached = this.compiled.get(versionId);
    if (cached) {
      this.metrics?.versionCache.inc({ cache: 'compiled', result: 'hit' });
      return cached;
    }
    this.metrics?.versionCache.inc({ cache: 'compiled', result: 'miss' });
    const loading = (async () => {
      const version = await versions.publishedContent(this.dataSource.manager, versionId);
      if (!version) throw new NotFoundError(`no published version with id "${versionId}"`);
      // The hash is what evaluations pin and the log records: content that no longer matches
      // it was changed outside the publish path, and deciding with it would log a lie.
      const recomputed = contentHash(version.content);
      if (recomputed !== version.contentHash) {
        const failure = { rulesetKey: version.rulesetKey, number: version.number, versionId, recordedHash: version.contentHash, contentHash: recomputed };
        this.failures.set(versionId, failure);
        this.metrics?.versionIntegrityFailures.inc({ ruleset: version.rulesetKey });
        this.reportIntegrityFailure(failure);
        throw new VersionIntegrityError(version.rulesetKey, version.number, versionId);
      }
      return compileVersion(version.content, `version ${versionId}`);
    })();
    // A refused version stays refused (published rows never change): cached, so it is reported once, not per request.
    loading.catch((error) => {
      if (!(error instanceof VersionIntegrityError)) this.compiled.delete(versionId);
    });
    if (this.compiled.size >= COMPILED_CACHE_LIMIT) this.compiled.delete(this.compiled.keys().next().value!);
    this.compiled.set(versionId, loading);
    return loading;
  }
}

/** Compiles content, reporting a condition that does not compile as VALIDATION_FAILED naming `what`. */
export function compileVersion(content: RulesetContent, what: string): CompiledRuleset {
  try {
    return compileRuleset(content);
  } catch (error) {
    if (error instanceof ConditionError) {
      throw new ValidationFailedError(`${what} does not compile: ${error.message}`, [{ path: error.ruleKey, message: error.message }]);
    }
    throw error;
  }
}
