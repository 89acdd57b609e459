import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import { WordSegmenter } from '../../../src/engine/word-segmenter';
import { normalizeText } from '../../../src/engine';

/**
 * The engine segments in TypeScript (a native call per hit would cost more than the whole
 * evaluation); this holds it to what jieba itself cuts: @node-rs/jieba (the pinned version whose
 * dictionary the engine reads), with the same added terms and frequencies, cut without HMM.
 */
const FIXTURES = path.resolve(__dirname, '../../fixtures');
const terms = ['宽带', '美容', '贷款', '催收', '网贷', '小额贷款', '医美', '保健品', '植发', 'nmn', 'spa'];
const segmenter = new WordSegmenter(terms, ['超宽带', '一键瘦身', '茶叶蛋']);
const jieba = Jieba.withDict(dict);
jieba.loadDict(Buffer.from(segmenter.addedWords.map(([word, frequency]) => `${word} ${frequency}`).join('\n')));

/** Every window of up to 12 characters of jieba blocks in the labelled descriptions. */
function windows(): string[] {
  const found = new Set<string>();
  for (const file of fs.readdirSync(FIXTURES).filter((name) => name.startsWith('applications') && name.endsWith('.yaml'))) {
    const entries = YAML.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as { text: string }[];
    for (const { text } of entries) {
      for (const block of normalizeText(text).match(/[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffa-zA-Z0-9+#&._%-]+/g) ?? []) {
        for (let start = 0; start < block.length; start += 3) found.add(block.slice(start, start + 12));
      }
    }
  }
  return [...found];
}

describe('WordSegmenter', () => {
  it('cuts every window of the labelled descriptions exactly as @node-rs/jieba does (no HMM, same added terms)', () => {
    const all = windows();
    expect(all.length).toBeGreaterThan(1000);
    const differing = all.filter((window) => segmenter.segment(window).join('|') !== jieba.cut(window, false).join('|'));
    expect(differing.map((window) => `${window}: ${segmenter.segment(window).join('|')} vs ${jieba.cut(window, false).join('|')}`)).toEqual([]);
  });

  it('adds distinct words with just enough frequency to be cut as words, keywords as rare words', () => {
    expect(segmenter.segment('一键瘦身')).toEqual(['一键瘦身']);
    expect(segmenter.segment('果树种植发展')).toEqual(['果树', '种植', '发展']);
    expect(segmenter.isFragment('办理宽带业务', 2, 4)).toBe(false);
  });

  it("finds a keyword a fragment where the words around it reach past it on both sides, or inside one of the ruleset's own words", () => {
    expect(segmenter.isFragment('果树种植发展', 3, 5)).toBe(true);
    expect(segmenter.isFragment('牙刷单价低', 1, 3)).toBe(true);
    expect(segmenter.isFragment('电话费用报销', 1, 3)).toBe(true);
    expect(segmenter.isFragment('美容院会员', 0, 2)).toBe(false);
    expect(segmenter.isFragment('小额贷款公司', 2, 4)).toBe(false);
    expect(segmenter.isFragment('超宽带定位', 1, 3)).toBe(false);
    const own = new WordSegmenter(terms, ['超宽带', '保险柜']);
    expect(own.isFragment('超宽带定位', 1, 3, ['超宽带'])).toBe(true);
    expect(own.isFragment('保险柜定制', 0, 2, ['保险柜'])).toBe(true);
    // where the text does not hold the word, the keyword is itself
    expect(own.isFragment('代理保险公司产品', 2, 4, ['保险柜'])).toBe(false);
  });

  it('joins ASCII letters and digits around a hit into one token, as jieba does', () => {
    expect(segmenter.isFragment('sdk接入', 1, 3)).toBe(true);
    expect(segmenter.isFragment('nmn胶囊', 0, 3)).toBe(false);
  });
});
