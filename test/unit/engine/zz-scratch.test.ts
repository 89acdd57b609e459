import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import { WordSegmenter } from '../../../src/engine/word-segmenter';
it('dbg', () => {
  const seg = new WordSegmenter(['宽带', '美容', '贷款', '催收', '网贷', '小额贷款', '医美', '保健品', '植发', 'nmn', 'spa'], ['超宽带', '一键瘦身', '茶叶蛋']);
  console.log(seg.addedWords);
  for (const extra of [[], seg.addedWords, seg.addedWords.filter(([w]) => w !== '一键瘦身')]) {
    const j = Jieba.withDict(dict);
    if (extra.length) j.loadDict(Buffer.from(extra.map(([w, f]) => `${w} ${f}`).join('\n')));
    console.log(extra.length, j.cut('首付低至一成电话联系', false).join('|'));
  }
});
