import { normalizeText } from '../../../src/engine';

describe('normalizeText', () => {
  it('converts traditional characters to simplified', () => {
    expect(normalizeText('醫藥銷售 貸款 保險櫃 頭髮')).toBe('医药销售贷款保险柜头发');
  });

  it('folds full-width letters and digits to half-width and lower case', () => {
    expect(normalizeText('ＰＯＳ機 ＡＢＣ１２３')).toBe('pos机abc123');
  });

  it('lower-cases ASCII letters', () => {
    expect(normalizeText('SaaS CRM')).toBe('saascrm');
  });

  it('removes spaces, including full-width and stray ones', () => {
    expect(normalizeText(' 信 用\u3000卡\t')).toBe('信用卡');
  });

  it('removes Chinese and ASCII punctuation and symbols', () => {
    expect(normalizeText('贷款，催收！股票?（POS）-【机】"a"…😀')).toBe('贷款催收股票pos机a');
  });

  it('keeps characters outside the basic plane', () => {
    expect(normalizeText('𠀀字')).toBe('𠀀字');
    expect(normalizeText('文字𠀀')).toBe('文字𠀀');
  });

  it('returns an empty string for text with nothing to match', () => {
    expect(normalizeText(' ，。！ ')).toBe('');
  });

  describe('Taiwan / Hong Kong vocabulary in traditional text (phrase step)', () => {
    it.each([
      ['軟體公司', '软件公司'],
      ['網路行銷', '网络营销'],
      ['資訊服務', '信息服务'],
      ['簡訊群發', '短信群发'],
      ['外撥系統', '外呼系统'],
      ['電銷軟體', '电销软件'],
      ['撥打電話', '拨打电话'],
      ['貸款', '贷款'],
      ['醫療器材銷售', '医疗器械销售'],
      ['建案銷售', '楼盘销售'],
      ['短影音代運營', '短视频代运营'],
      ['記帳報稅', '记账报税'],
    ])('%s -> %s', (traditional, simplified) => {
      expect(normalizeText(traditional)).toBe(simplified);
    });

    it('matches phrases across stray spaces and full-width letters', () => {
      expect(normalizeText('我們是 軟 體 公司，ＡＩ 外 撥')).toBe('我们是软件公司ai外呼');
    });

    it('leaves simplified text alone: the phrase step needs a traditional character', () => {
      expect(normalizeText('软体 网路 行销 外拨')).toBe('软体网路行销外拨');
      expect(normalizeText('什么软体')).toBe(normalizeText('什么') + '软体');
    });

    it('does not take the traps of a whole-dictionary phrase conversion', () => {
      // OpenCC twp -> cn gives 调用中心, 小进程, 商标查找, 茶也门市, 信用卡塔尔人
      expect(normalizeText('呼叫中心')).toBe('呼叫中心');
      expect(normalizeText('小程序開發')).toBe('小程序开发');
      expect(normalizeText('商標查詢')).toBe('商标查询');
      expect(normalizeText('茶葉門市')).toBe('茶叶门市');
      expect(normalizeText('信用卡達人')).toBe('信用卡达人');
    });

    it('is idempotent on converted text', () => {
      for (const text of ['軟體公司', '麼', '網路行銷 外撥', '建案銷售']) {
        expect(normalizeText(normalizeText(text))).toBe(normalizeText(text));
      }
    });
  });
});
