import { compileRuleset, evaluateNumberApplication, validateContent, type CueContent, type RulesetContent } from '../../../src/engine';
import { businessRule, ruleset } from './helpers';

/** Semantics 2: keywords read in context (cues, variants, fragments, declared fields). */
const history: CueContent = { key: 'history', kind: 'HISTORY', words: ['以前'], side: 'BEFORE', window: 6 };
const serviceFor: CueContent = { key: 'service-for', kind: 'CLIENTELE', words: ['给'], side: 'BEFORE', window: 6, otherSide: ['做保洁'] };

function content(overrides: Partial<RulesetContent> = {}): RulesetContent {
  return ruleset({
    businessRules: [
      businessRule({ key: 'beauty', industry: '美容', scenario: '护肤瘦身', keywords: ['美容院'] }),
      businessRule({ key: 'gambling', industry: '其他', scenario: '赌博', keywords: ['赌场'], anyContext: true }),
      businessRule({ key: 'loans', industry: '金融', scenario: '贷款、网贷', keywords: ['贷款', '网贷'] }),
    ],
    cues: [history, serviceFor],
    variants: [{ variant: 'dk', canonical: '贷款', kind: 'PINYIN' }],
    ...overrides,
  });
}

const decide = (description: string, overrides: Partial<RulesetContent> = {}, industry: string | null = null, scenario: string | null = null) =>
  evaluateNumberApplication(compileRuleset(content(overrides)), { description, industry, scenario }, { enterprise: null });

describe('context cues', () => {
  it('neutralise a governed hit into a signal on the REVIEW decision, whose evidence names the cue', () => {
    const outcome = decide('以前开美容院，现在做宠物洗护');
    expect(outcome).toEqual({
      decision: 'REVIEW',
      message: '其他未明确业务以最终申请号码审核为准',
      matches: [],
      signals: [{ ruleKey: 'beauty', message: 'message of beauty', evidence: ['keyword: 美容院 (cue history, HISTORY: 以前)'], weight: 1, cue: 'history' }],
      riskScore: 1,
    });
  });

  it('reach no further than their window and their clause', () => {
    expect(decide('以前的同事现在开了美容院').decision).toBe('REJECT'); // 7 characters away
    expect(decide('以前不开，现在开美容院').decision).toBe('REJECT'); // within 6 characters, in the next clause
  });

  it('leave a hit of the same rule that no cue governs deciding', () => {
    expect(decide('以前开美容院，现在还开美容院').matches.map((match) => match.ruleKey)).toEqual(['beauty']);
  });

  it('do not neutralise a rule that is prohibited in any context', () => {
    expect(decide('以前开赌场').decision).toBe('REJECT');
  });

  it('with an other side need a word there too', () => {
    expect(decide('给美容院做保洁').signals?.map((signal) => signal.cue)).toEqual(['service-for']);
    expect(decide('给美容院介绍客人').decision).toBe('REJECT');
  });

  it('raise a default ALLOW to REVIEW: a signal is for a reviewer', () => {
    const outcome = decide('以前开美容院', { defaultDecision: 'ALLOW' });
    expect(outcome.decision).toBe('REVIEW');
    expect(outcome.signals).toHaveLength(1);
  });

  it('are validated: kinds, sides, windows, words, and no other side around the keyword', () => {
    const issues = validateContent(
      content({
        cues: [
          { key: 'bad', kind: 'MOOD' as CueContent['kind'], words: [], side: 'AROUND', window: 99, otherSide: ['x'] },
          { key: 'bad', kind: 'HISTORY', words: ['  '], side: 'BEFORE', window: 2 },
        ],
      }),
    ).map((issue) => issue.path);
    expect(issues).toEqual(['cues[bad].kind', 'cues[bad].window', 'cues[bad].words', 'cues[bad].otherSide', 'cues[bad].key', 'cues[bad].words[0]']);
  });
});

describe('variants', () => {
  it('rewrite a pinyin initial standing alone to its canonical term, not one inside an ASCII word', () => {
    expect(decide('专业dk当天到账').matches.map((match) => match.ruleKey)).toEqual(['loans']);
    expect(decide('sdk dkim 接入文档').matches).toEqual([]);
  });

  it('rewrite a variant that begins with a Chinese character right after an ASCII word', () => {
    const homophone = compileRuleset(content({ variants: [{ variant: '带款', canonical: '贷款', kind: 'HOMOPHONE' }] }));
    expect(evaluateNumberApplication(homophone, { description: 'vip带款当天到账' }, { enterprise: null }).matches.map((match) => match.ruleKey)).toEqual([
      'loans',
    ]);
  });

  it('are validated: blank, no-op, duplicate and chained entries', () => {
    const issues = validateContent(
      content({
        variants: [
          { variant: 'dk', canonical: '贷款', kind: 'PINYIN' },
          { variant: 'DK', canonical: '贷款', kind: 'PINYIN' },
          { variant: '贷款', canonical: '贷款', kind: 'HOMOPHONE' },
          { variant: 'wd', canonical: 'dk', kind: 'PINYIN' },
        ],
      }),
    ).map((issue) => issue.message);
    expect(issues).toEqual([
      'duplicate variant (normalised "dk")',
      'normalisation already makes it the canonical term; the entry would do nothing',
      '"dk" is itself a variant; map to its canonical term',
    ]);
  });
});

describe('words', () => {
  it('a keyword inside one of the ruleset distinct words does not match; a rule may let a keyword match inside any word', () => {
    const rules = [businessRule({ key: 'broadband', keywords: ['宽带'] })];
    // a keyword ending a longer word keeps its meaning unless the ruleset names that word
    expect(decide('超宽带定位模组', { businessRules: rules }).matches.map((match) => match.ruleKey)).toEqual(['broadband']);
    expect(decide('超宽带定位模组', { businessRules: rules, distinctWords: ['超宽带'] }).matches).toEqual([]);
    const inside = [businessRule({ key: 'broadband', keywords: ['宽带'], matchInsideWords: ['宽带'] })];
    expect(decide('超宽带定位模组', { businessRules: inside, distinctWords: ['超宽带'] }).matches.map((match) => match.ruleKey)).toEqual(['broadband']);
  });

  it('a keyword the words around reach past on both sides is a fragment', () => {
    const rules = [businessRule({ key: 'reviews', keywords: ['刷单'] })];
    expect(decide('牙刷单价低', { businessRules: rules }).matches).toEqual([]);
    expect(decide('兼职刷单', { businessRules: rules }).matches.map((match) => match.ruleKey)).toEqual(['reviews']);
  });
});

describe('declared fields', () => {
  it('a declared industry whose scenario names a rule keyword decides as that row (evidence: declared)', () => {
    const outcome = decide('通知会员活动', {}, '金融', '网贷平台');
    expect(outcome.decision).toBe('REJECT');
    expect(outcome.matches[0].evidence).toEqual(['declared industry/scenario: 金融/网贷平台']);
  });

  it('a declared industry of the ruleset that the description contradicts raises a signal', () => {
    const outcome = decide('以前开美容院', {}, '金融', '理财咨询');
    expect(outcome.signals?.map((signal) => [signal.ruleKey, signal.evidence])).toEqual([
      ['beauty', ['keyword: 美容院 (cue history, HISTORY: 以前)']],
      ['beauty', ['declared industry: 金融', 'description names: 美容/护肤瘦身']],
    ]);
  });
});
