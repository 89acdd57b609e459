import { DataSource } from 'typeorm';
import { BadInputError } from '../common/errors';
import { RequestContext } from '../common/request-context';
import { hasRole } from '../common/roles';
import { chainHead, wholeBlocks } from '../decisions/decision-log.store';
import type { RuleEffect } from '../engine';
import { RulesetService } from '../rulesets/ruleset.service';
import { VersionCatalogue } from '../rulesets/version-catalogue';
import { policyQuality, PolicyQualityReport } from './policy-quality';
import { decisionCounts, reviewedDecisions, SequenceRange } from './review-log.store';

/**
 * The ruleset's accuracy on real traffic: its decisions of a window against the reviewers'
 * final answers. Counts only, no decision ids; and, like impact analysis, for roles that may
 * not read the log, only over the whole blocks of `minDecisions` consecutive decisions of the
 * ruleset that the window covers, so that no window singles out one decision.
 */
export class PolicyQualityService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: VersionCatalogue,
    private readonly rulesets: RulesetService,
    private readonly minDecisions: number,
  ) {}

  async report(context: RequestContext, rulesetKey: string, from: Date | null, to: Date | null): Promise<PolicyQualityReport> {
    if (from !== null && to !== null && from >= to) throw new BadInputError('from must be before to (the window is [from, to))', { path: 'from' });
    const db = this.dataSource.manager;
    await this.rulesets.getRulesetIn(db, rulesetKey);
    let blocks: SequenceRange | null = null;
    if (!(context.caller !== null && hasRole(context.caller.roles, ['auditor']))) {
      blocks = await wholeBlocks(db, { rulesetKey, from, to, lastSeq: (await chainHead(db)).seq }, this.minDecisions);
      if (!blocks) {
        throw new BadInputError(
          `this window holds no complete block of ${this.minDecisions} consecutive decisions of "${rulesetKey}": roles that may not read the decision log see the quality of whole blocks only (widen the window)`,
          { minimumDecisions: this.minDecisions },
        );
      }
    }
    const [counts, reviewed] = await Promise.all([decisionCounts(db, rulesetKey, from, to, blocks), reviewedDecisions(db, rulesetKey, from, to, blocks)]);
    const rulesOf = new Map<number, { key: string; effect: RuleEffect }[]>();
    for (const number of new Set([...counts.versions.keys(), ...reviewed.map((decision) => decision.versionNumber)])) {
      const version = await this.versions.resolveVersion(context, rulesetKey, { version: number });
      rulesOf.set(
        number,
        version.compiled.businessRules.map((rule) => ({ key: rule.key, effect: rule.effect })),
      );
    }
    return policyQuality(counts, reviewed, rulesOf);
  }
}
