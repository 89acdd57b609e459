import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contentHash, orderContent } from '../../../src/rulesets/content-hash';
import { setReinstatementPolicy } from '../../../src/rulesets/draft-edits';
import { mergeDraft } from '../../../src/rulesets/draft-merge';
import { readRulesetDir, writeRulesetDir } from '../../../src/rulesets/ruleset-files';
import { diffContent } from '../../../src/rulesets/version-diff';

const SEED_DIR = path.resolve(__dirname, '../../../rulesets/ccc-access');
const seed = readRulesetDir(SEED_DIR);

describe('the reinstatement policy of a ruleset', () => {
  it('is absent from the seed: violations before a reinstatement still count', () => {
    expect(seed.content).not.toHaveProperty('violationsCountAfterReinstatement');
  });

  it('is set by a draft edit that records both values; setting it back restores the original hash', () => {
    const forgiving = setReinstatementPolicy(seed.content, false);
    expect(forgiving).toMatchObject({
      type: 'REINSTATEMENT_POLICY_SET',
      before: { violationsCountAfterReinstatement: true },
      after: { violationsCountAfterReinstatement: false },
    });
    expect(contentHash(forgiving.content)).not.toBe(contentHash(seed.content));
    const back = setReinstatementPolicy(orderContent(forgiving.content), true);
    expect(back.before).toEqual({ violationsCountAfterReinstatement: false });
    expect(contentHash(back.content)).toBe(contentHash(seed.content));
  });

  it('shows in a diff as a ruleset-wide setting', () => {
    const forgiving = { ...seed.content, violationsCountAfterReinstatement: false };
    expect(diffContent(seed.content, forgiving)).toEqual([
      {
        key: 'violationsCountAfterReinstatement',
        kind: 'DEFAULT',
        action: 'CHANGED',
        change: 'violations before a reinstatement: still count -> forgiven toward escalation',
        before: true,
        after: false,
      },
    ]);
    expect(diffContent(seed.content, { ...seed.content, violationsCountAfterReinstatement: true })).toEqual([]);
  });

  it('round-trips through the ruleset files, written only when it is not the default', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruleset-'));
    try {
      const { content, ...meta } = seed;
      writeRulesetDir(dir, meta, { ...content, violationsCountAfterReinstatement: false });
      expect(readRulesetDir(dir).content.violationsCountAfterReinstatement).toBe(false);
      writeRulesetDir(dir, meta, content);
      expect(fs.readFileSync(path.join(dir, 'ruleset.yaml'), 'utf8')).not.toContain('violationsCountAfterReinstatement');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('survives a rebase: a draft that changed it keeps the change, and a latest version that changed it brings it', () => {
    const forgiving = { ...seed.content, violationsCountAfterReinstatement: false };
    const otherEdit = { ...seed.content, defaultMessage: '其他业务以人工审核为准' };
    const ours = mergeDraft(seed.content, forgiving, otherEdit);
    expect(ours.conflicts).toEqual([]);
    expect(ours.content).toMatchObject({ violationsCountAfterReinstatement: false, defaultMessage: '其他业务以人工审核为准' });
    expect(mergeDraft(seed.content, otherEdit, forgiving).content.violationsCountAfterReinstatement).toBe(false);
    expect(mergeDraft(forgiving, forgiving, seed.content).content).not.toHaveProperty('violationsCountAfterReinstatement');
  });
});
