import { createHash } from 'node:crypto';
import {
  compileRuleset,
  ENGINE_SEMANTICS,
  ENGINE_VERSION,
  evaluateNumberApplication,
  semanticsOfEngineVersion,
  UnknownSemanticsError,
} from '../../../src/engine';
import { createNormalizer } from '../../../src/engine/normalize';
import { semantics } from '../../../src/engine/semantics';
import { NORMALISATION_V1 } from '../../../src/engine/semantics/v1/normalisation';
import { businessRule, ruleset } from './helpers';

/**
 * Everything semantics 1's normaliser does to single characters and to the regional phrases,
 * hashed. The tables are built from OpenCC's dictionaries and the runtime's Unicode data as
 * well as from the frozen tables, so an upgrade of either that changes one character fails
 * here: keep the old behaviour for semantics 1 (snapshot its table) and ship the new one as
 * semantics 2.
 */
function fingerprint(normalize: (text: string) => string): string {
  const hash = createHash('sha256');
  for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
    hash.update(`${normalize(String.fromCodePoint(codePoint))}\u0000`);
  }
  for (const [regional, mainland] of NORMALISATION_V1.regionalPhrases) hash.update(`${normalize(regional)}\u0000${normalize(mainland)}\u0000`);
  return hash.digest('hex');
}

describe('engine semantics', () => {
  it('semantics 1 normalises exactly as when it shipped', () => {
    expect(fingerprint(semantics(1).normalizeText)).toBe('55a44bd1c7cbd4c2b1626594f564d16d3432af9dc2e208ab1276f0aeb6041f8b');
  });

  it('a changed table builds a different normaliser and leaves semantics 1 alone', () => {
    const changed = createNormalizer({ ...NORMALISATION_V1, regionalPhrases: [...NORMALISATION_V1.regionalPhrases, ['電銷', '电话营销']] });
    expect(changed('專業電銷團隊')).toBe('专业电话营销团队');
    expect(semantics(1).normalizeText('專業電銷團隊')).toBe('专业电销团队');
  });

  it('names each shipped semantics by the engine version decisions record', () => {
    expect(ENGINE_SEMANTICS).toBe(2);
    expect(ENGINE_VERSION).toBe('2.0.0');
    expect(semanticsOfEngineVersion('1.0.0')).toBe(1);
    expect(semanticsOfEngineVersion('2.0.0')).toBe(2);
    expect(semanticsOfEngineVersion('3.0.0')).toBeNull();
    expect(semanticsOfEngineVersion('')).toBeNull();
  });

  it('compiles under a chosen semantics and refuses one it has not shipped', () => {
    const content = ruleset({ businessRules: [businessRule({ key: 'software', keywords: ['软件'] })] });
    const compiled = compileRuleset(content, 1);
    expect(compiled.semantics).toBe(1);
    expect(evaluateNumberApplication(compiled, { description: '我們做軟體' }, { enterprise: null }).matches.map((match) => match.ruleKey)).toEqual([
      'software',
    ]);
    expect(() => compileRuleset(content, 3)).toThrow(UnknownSemanticsError);
  });

  it('semantics 2 reads keywords as words, in context, through the variant table; semantics 1 reads none of it', () => {
    const content = ruleset({
      businessRules: [businessRule({ key: 'broadband', keywords: ['宽带'] }), businessRule({ key: 'loans', keywords: ['贷款'] })],
      cues: [{ key: 'history', kind: 'HISTORY', words: ['前身'], side: 'BEFORE', window: 8 }],
      variants: [{ variant: 'dk', canonical: '贷款', kind: 'PINYIN' }],
      distinctWords: ['超宽带'],
    });
    const ruleKeys = (semanticsVersion: number, description: string) =>
      evaluateNumberApplication(compileRuleset(content, semanticsVersion), { description }, { enterprise: null }).matches.map((match) => match.ruleKey);
    expect(ruleKeys(1, '超宽带定位模组')).toEqual(['broadband']);
    expect(ruleKeys(2, '超宽带定位模组')).toEqual([]);
    expect(ruleKeys(1, '公司前身是贷款中介，现做餐饮')).toEqual(['loans']);
    expect(ruleKeys(2, '公司前身是贷款中介，现做餐饮')).toEqual([]);
    expect(ruleKeys(1, '专业dk，当天到账')).toEqual([]);
    expect(ruleKeys(2, '专业dk，当天到账')).toEqual(['loans']);
  });
});
