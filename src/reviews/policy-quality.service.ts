import { DataSource } from 'typeorm';
import { BadInputError } from '../common/errors';
import { RequestContext } from '../common/request-context';
import type { RuleEffect } from '../engine';
import { RulesetService } from '../rulesets/ruleset.service';
import { VersionCatalogue } from '../rulesets/version-catalogue';
import { policyQuality, PolicyQualityReport } from './policy-quality';
import { decisionCounts, reviewedDecisions } from './review-log.store';

/** The ruleset's accuracy on real traffic: its decisions of a window against the reviewers' final answers. Counts only, no decision ids. */
export class PolicyQualityService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: VersionCatalogue,
    private readonly rulesets: RulesetService,
  ) {}

  async report(context: RequestContext, rulesetKey: string, from: Date | null, to: Date | null): Promise<PolicyQualityReport> {
    if (from !== null && to !== null && from >= to) throw new BadInputError('from must be before to (the window is [from, to))', { path: 'from' });
    const db = this.dataSource.manager;
    await this.rulesets.getRulesetIn(db, rulesetKey);
    const [counts, reviewed] = await Promise.all([decisionCounts(db, rulesetKey, from, to), reviewedDecisions(db, rulesetKey, from, to)]);
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
