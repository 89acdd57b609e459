import { DataSource } from 'typeorm';
import { BadInputError, NotFoundError, ValidationFailedError } from '../common/errors';
import { isUuid } from '../common/ids';
import { compileRuleset, CompiledRuleset, ConditionError, RulesetContent } from '../engine';
import { PolicyMetrics } from '../metrics/metrics';
import { contentHash } from './content-hash';
import { VersionStatus } from './ruleset-version.view';

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

/** A published version's metadata: enough to resolve every pin in memory. */
export interface PublishedVersionMeta {
  id: string;
  number: number;
  contentHash: string;
  effectiveFrom: number;
  retiredAt: number | null;
}

interface RulesetVersions {
  rulesetId: string;
  rulesetKey: string;
  versions: PublishedVersionMeta[];
  /** Memo of the version in effect now, valid until the next scheduled switch. */
  current: { version: PublishedVersionMeta | null; validUntil: number } | null;
}

/** The published version in effect at `at`: effective by then, not yet retired then; latest effective-from wins. */
export function versionInEffect(versions: PublishedVersionMeta[], at: number): PublishedVersionMeta | null {
  let best: PublishedVersionMeta | null = null;
  for (const version of versions) {
    if (version.effectiveFrom > at) continue;
    if (version.retiredAt !== null && version.retiredAt <= at) continue;
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
  private generation = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly cachingAllowed: () => boolean,
    private readonly metrics: PolicyMetrics | null = null,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A publish or retirement happened (payload: ruleset key), or notifications may have been missed (null). */
  invalidate(rulesetKey: string | null): void {
    this.generation += 1;
    if (rulesetKey) this.rulesets.delete(rulesetKey);
    else this.rulesets.clear();
  }

  async resolveVersion(rulesetKey: string, pins: VersionPins): Promise<ResolvedVersion> {
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
      const version = ruleset.versions.find((candidate) => candidate.contentHash === hash);
      if (!version) throw new NotFoundError(`ruleset "${rulesetKey}" has no published version with content hash ${hash}`);
      chosen.push({ by: `contentHash ${hash.slice(0, 12)}…`, version });
    }
    if (pins.asOf !== undefined && pins.asOf !== null) {
      const at = pins.asOf.getTime();
      if (Number.isNaN(at)) throw new BadInputError('asOf is not a valid time');
      const version = versionInEffect(ruleset.versions, at);
      if (!version) throw new NotFoundError(`no version of ruleset "${rulesetKey}" was in effect at ${pins.asOf.toISOString()}`);
      chosen.push({ by: `asOf ${pins.asOf.toISOString()}`, version });
    }

    let version: PublishedVersionMeta;
    if (chosen.length === 0) {
      const current = this.currentVersion(ruleset);
      if (!current) throw new NotFoundError(`no version of ruleset "${rulesetKey}" is in effect now`);
      version = current;
    } else {
      version = chosen[0].version;
      const disagreeing = chosen.find((pin) => pin.version.id !== version.id);
      if (disagreeing) {
        throw new BadInputError(
          `the version pins disagree: ${chosen.map((pin) => `${pin.by} names version ${pin.version.number}`).join(', ')}`,
          { pins: chosen.map((pin) => ({ pin: pin.by, version: pin.version.number })) },
        );
      }
    }

    const now = this.clock();
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
    if (!isUuid(versionId)) throw new NotFoundError(`no ruleset version with id "${versionId}"`);
    const rows: {
      id: string;
      ruleset_id: string;
      key: string;
      status: string;
      number: number | null;
      content_hash: string | null;
      retired: boolean;
      draft_content: RulesetContent | null;
    }[] = await this.dataSource.query(
        `SELECT v.id, v.ruleset_id, r.key, v.status, v.number, v.content_hash, (vr.version_id IS NOT NULL) AS retired,
                CASE WHEN v.status = 'DRAFT' THEN v.content END AS draft_content
         FROM ruleset_version v JOIN ruleset r ON r.id = v.ruleset_id
         LEFT JOIN version_retirement vr ON vr.version_id = v.id WHERE v.id = $1`,
        [versionId],
      );
    const row = rows[0];
    if (!row) throw new NotFoundError(`no ruleset version with id "${versionId}"`);
    if (rulesetKey !== undefined && row.key !== rulesetKey) {
      throw new BadInputError(`version ${versionId} belongs to ruleset "${row.key}", not "${rulesetKey}"`);
    }
    if (row.status === 'PUBLISHED') {
      return {
        rulesetId: row.ruleset_id,
        rulesetKey: row.key,
        versionId: row.id,
        number: row.number,
        contentHash: row.content_hash!,
        status: row.retired ? 'RETIRED' : 'PUBLISHED',
        compiled: await this.compiledVersion(row.id),
      };
    }
    const content = row.draft_content!;
    return {
      rulesetId: row.ruleset_id,
      rulesetKey: row.key,
      versionId: row.id,
      number: null,
      contentHash: contentHash(content),
      status: 'DRAFT',
      compiled: compile(content, `draft ${versionId}`),
    };
  }

  private currentVersion(ruleset: RulesetVersions): PublishedVersionMeta | null {
    const now = this.clock();
    if (ruleset.current && now < ruleset.current.validUntil) return ruleset.current.version;
    const version = versionInEffect(ruleset.versions, now);
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
    const rows: {
      ruleset_id: string;
      id: string | null;
      number: number | null;
      content_hash: string | null;
      effective_from: Date | null;
      retired_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT r.id AS ruleset_id, v.id, v.number, v.content_hash, v.effective_from, vr.retired_at
       FROM ruleset r
       LEFT JOIN ruleset_version v ON v.ruleset_id = r.id AND v.status = 'PUBLISHED'
       LEFT JOIN version_retirement vr ON vr.version_id = v.id
       WHERE r.key = $1
       ORDER BY v.number`,
      [rulesetKey],
    );
    if (rows.length === 0) throw new NotFoundError(`no ruleset with key "${rulesetKey}"`);
    const ruleset: RulesetVersions = {
      rulesetId: rows[0].ruleset_id,
      rulesetKey,
      versions: rows
        .filter((row) => row.id !== null)
        .map((row) => ({
          id: row.id!,
          number: row.number!,
          contentHash: row.content_hash!,
          effectiveFrom: row.effective_from!.getTime(),
          retiredAt: row.retired_at ? row.retired_at.getTime() : null,
        })),
      current: null,
    };
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
      const rows: { content: RulesetContent }[] = await this.dataSource.query(
        `SELECT content FROM ruleset_version WHERE id = $1 AND status = 'PUBLISHED'`,
        [versionId],
      );
      if (!rows[0]) throw new NotFoundError(`no published version with id "${versionId}"`);
      return compile(rows[0].content, `version ${versionId}`);
    })();
    loading.catch(() => this.compiled.delete(versionId));
    if (this.compiled.size >= COMPILED_CACHE_LIMIT) this.compiled.delete(this.compiled.keys().next().value!);
    this.compiled.set(versionId, loading);
    return loading;
  }
}

function compile(content: RulesetContent, what: string): CompiledRuleset {
  try {
    return compileRuleset(content);
  } catch (error) {
    if (error instanceof ConditionError) {
      throw new ValidationFailedError(`${what} does not compile: ${error.message}`, [{ path: error.ruleKey, message: error.message }]);
    }
    throw error;
  }
}
