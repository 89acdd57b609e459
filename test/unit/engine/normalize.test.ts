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
  });

  it('returns an empty string for text with nothing to match', () => {
    expect(normalizeText(' ，。！ ')).toBe('');
  });
});
