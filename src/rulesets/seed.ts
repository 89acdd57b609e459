import path from 'node:path';
import { Logger } from '../common/logger';
import { ConflictError } from '../common/errors';
import { readRulesetDir } from './ruleset-files';
import { systemContext } from '../common/request-context';
import { PublishingService } from './publishing.service';
import { RulesetService } from './ruleset.service';

export const SEED_RULESET_DIR = path.resolve(__dirname, '../../../rulesets/ccc-access');
const SEED_DIR_FROM_SOURCE = path.resolve(__dirname, '../../rulesets/ccc-access');

/** Where the seed files are, whether running compiled (dist/src/...) or from source (ts-jest). */
export function seedRulesetDir(): string {
  return __dirname.includes(`${path.sep}dist${path.sep}`) ? SEED_RULESET_DIR : SEED_DIR_FROM_SOURCE;
}

/**
 * On first start the seed ruleset is imported and published as version 1 by `system`.
 * Restarts (and a second process starting at the same time) never duplicate it.
 */
export async function ensureSeedRuleset(
  services: { rulesets: RulesetService; publishing: PublishingService },
  logger: Logger,
  dir = seedRulesetDir(),
): Promise<void> {
  const { content, ...meta } = readRulesetDir(dir);
  if (await services.rulesets.findRuleset(meta.key)) return;
  try {
    const version = await services.publishing.importRuleset(systemContext('system'), meta, content, 'Initial import of the business access specification');
    logger.info({ ruleset: meta.key, version: version.number, contentHash: version.contentHash }, 'seed ruleset published');
  } catch (error) {
    const lostRace = error instanceof ConflictError || (error as { code?: string }).code === '23505';
    if (!lostRace) throw error;
  }
}
