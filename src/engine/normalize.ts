import * as OpenCC from 'opencc-js';

/**
 * Text normalisation shared by descriptions, keywords and declared labels, so that
 * both sides of every comparison go through exactly the same function:
 * NFKC (full-width -> half-width), lower case, traditional -> simplified Chinese,
 * and removal of everything that is not a letter or a digit (spaces, ASCII and CJK
 * punctuation, symbols).
 *
 * Running OpenCC's phrase converter and String#normalize on every description costs
 * several microseconds, most of the evaluation budget, so all of it is folded into one
 * per-code-unit table built once (lazily, ~150ms). Traditional -> simplified there is per
 * character (軟體 -> 软体), so a description that contains a traditional character also
 * goes through a phrase step: Taiwan/Hong Kong vocabulary -> mainland vocabulary
 * (软体 -> 软件, 网路 -> 网络, 简讯 -> 短信, 行销 -> 营销, 外拨 -> 外呼), see REGIONAL_PHRASES.
 * Simplified text never reaches it: its cost is one table lookup per code unit, as before.
 */

// CJK Unified Ideographs (incl. Extension A) and the compatibility block: every
// traditional character OpenCC maps lives in these BMP ranges.
const CJK_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x3400, 0x9fff],
  [0xf900, 0xfaff],
];

/**
 * Taiwan / Hong Kong vocabulary -> mainland vocabulary, applied (after the per-character
 * conversion, longest match first) only to descriptions that contain a traditional character.
 * Both sides are written as the applicant or the rule author would write them and go through
 * the per-character table when the table is built.
 *
 * Not OpenCC's phrase converter ('twp'/'hkp' -> 'cn') as a whole: it maps 呼叫 -> 调用
 * (呼叫中心 -> 调用中心), 程序/行程 -> 进程 (小程序, 旅游行程), 查询 -> 查找 (商标查询),
 * 核心 -> 内核, 档案 -> 文件, and short transliterated names inside ordinary words
 * (茶葉門市 -> 茶也门市 through 葉門 -> 也门, 信用卡達人 -> 信用卡塔尔人 through 卡達). The
 * first group below is the part of its Taiwan/HK phrase dictionaries that business
 * descriptions use; the second is regional business vocabulary OpenCC does not have.
 * Keep keys distinctive: a key is matched inside any word (国小 would hit 中国小吃; 视讯 alone
 * would turn the gambling jargon 真人视讯 into 真人视频).
 */
const REGIONAL_PHRASES: ReadonlyArray<readonly [string, string]> = [
  // from OpenCC's TWPhrases / HKPhrases (reverse direction)
  ['軟體', '软件'], ['硬體', '硬件'], ['韌體', '固件'], ['網路', '网络'], ['網際網路', '互联网'],
  ['資訊', '信息'], ['簡訊', '短信'], ['訊息', '消息'], ['影片', '视频'], ['視訊會議', '视频会议'], ['視訊通話', '视频通话'],
  ['音訊', '音频'], ['部落格', '博客'], ['伺服器', '服务器'], ['作業系統', '操作系统'],
  ['雲端', '云'], ['人工智慧', '人工智能'], ['智慧型', '智能'], ['智慧財產權', '知识产权'],
  ['專案', '项目'], ['數位', '数字'], ['行動電話', '手机'], ['行動網路', '移动网络'], ['通訊', '通信'],
  ['聯絡', '联系'], ['線上', '在线'], ['撥出', '呼出'], ['來電轉接', '呼叫转移'], ['寬頻', '宽带'],
  ['頻寬', '带宽'], ['攝護腺', '前列腺'], ['彩色超音波', '彩超'], ['超音波', '超声波'], ['雷射', '激光'],
  ['計程車', '出租车'], ['筆記型電腦', '笔记本电脑'], ['印表機', '打印机'], ['列印', '打印'],
  ['網咖', '网吧'], ['駭客', '黑客'], ['簽帳金融卡', '借记卡'], ['空氣清淨機', '空气净化器'],
  ['憂鬱症', '抑郁症'], ['失智症', '痴呆症'], ['資料庫', '数据库'], ['程式', '程序'],
  ['程式設計', '编程'], ['使用者', '用户'], ['晶片', '芯片'], ['螢幕', '屏幕'], ['隨身碟', 'u盘'],
  ['搜尋', '搜索'], ['硬碟', '硬盘'], ['滑鼠', '鼠标'],
  // regional business vocabulary
  ['行銷', '营销'], ['外撥', '外呼'], ['電訪', '电话回访'], ['仲介', '中介'], ['房仲', '房产中介'],
  ['地產代理', '房产中介'], ['建案', '楼盘'], ['預售屋', '期房'], ['新成屋', '现房'], ['樓花', '期房'],
  ['一手樓', '一手房'], ['一手盤', '新盘'], ['按揭', '房贷'], ['藥局', '药店'], ['醫療器材', '医疗器械'],
  ['醫材', '医疗器械'], ['健康食品', '保健食品'], ['彩券', '彩票'], ['簽賭', '赌博'], ['博弈', '博彩'],
  ['安親班', '课后托管'], ['才藝班', '兴趣班'], ['補習社', '补习班'], ['補教', '补习'],
  ['國小生', '小学生'], ['國中生', '初中生'], ['指考', '高考'], ['門號', '号码'], ['短訊', '短信'],
  ['骨董', '古董'], ['菸品', '烟草'], ['觀光', '旅游'], ['旅行業', '旅行社'], ['線上遊戲', '网络游戏'],
  ['婚友社', '婚介'], ['傢俱', '家具'], ['系統櫃', '定制柜'], ['系統傢俱', '定制家具'], ['系統家具', '定制家具'],
  ['記帳', '记账'], ['報帳', '报账'], ['帳務', '账务'], ['帳款', '账款'], ['做帳', '做账'],
  ['報明牌', '荐股'], ['理專', '理财经理'], ['短影音', '短视频'], ['直播主', '主播'],
];

/**
 * Characters the per-character map changes that simplified text uses too (什么, 显著, 乾坤,
 * 拚命): they keep their mapping but do not send a description through the phrase step.
 */
const ALSO_SIMPLIFIED = new Set('么麽著乾拚');

const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;

/** Marks a code unit whose normal form is not a single BMP character: handled slowly. */
const SLOW_PATH = 0xffff;
/**
 * Marks a traditional character: the description takes the phrase step. U+FFFE is a
 * noncharacter that normalises to nothing, so no real mapping can produce it.
 */
const TRADITIONAL = 0xfffe;
/** Marks a code unit that normalises to nothing (space, punctuation, symbol). */
const DROPPED = 0;

interface NormalisationTable {
  /** code unit -> normalised code unit, DROPPED, TRADITIONAL or SLOW_PATH */
  codeUnits: Uint16Array;
  /** code unit -> its per-character simplified normal form (meaningful where codeUnits says TRADITIONAL) */
  simplified: Uint16Array;
  traditional: Map<string, string>;
  /** first two code units of a normalised regional phrase -> [phrase, mainland phrase], longest first */
  phrases: Map<number, Array<readonly [string, string]>>;
  /** 1 where a code unit starts a phrase */
  phraseStarts: Uint8Array;
}

let table: NormalisationTable | null = null;

function buildTraditionalMap(): Map<string, string> {
  // 't' covers OpenCC's common dictionary; 'tw' and 'hk' add regional variants (裡, 着...).
  const converters = (['t', 'tw', 'hk'] as const).map((from) => OpenCC.Converter({ from, to: 'cn' }));
  const traditional = new Map<string, string>();
  for (const [first, last] of CJK_RANGES) {
    for (let code = first; code <= last; code++) {
      const char = String.fromCharCode(code);
      for (const convert of converters) {
        const converted = convert(char);
        if (converted !== char) {
          if (converted.length === 1) traditional.set(char, converted);
          break;
        }
      }
    }
  }
  // Follow chains to their end (麼 -> 么 -> 幺), so that normalising twice changes nothing.
  for (const [char, converted] of traditional) {
    let end = converted;
    for (let hops = 0; traditional.has(end) && traditional.get(end) !== char && hops < 4; hops++) end = traditional.get(end)!;
    traditional.set(char, end);
  }
  return traditional;
}

/** NFKC, lower case, letters and digits only; no traditional -> simplified. */
function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(NOT_LETTER_OR_DIGIT, '');
}

function toSimplified(folded: string, traditional: Map<string, string>): string {
  let result = '';
  for (const char of folded) result += traditional.get(char) ?? char;
  return result;
}

function buildTable(): NormalisationTable {
  const traditional = buildTraditionalMap();
  const codeUnits = new Uint16Array(0x10000);
  const simplified = new Uint16Array(0x10000);
  for (let code = 0; code < 0x10000; code++) {
    if (code >= 0xd800 && code <= 0xdfff) {
      codeUnits[code] = SLOW_PATH; // surrogate halves: only meaningful as a pair
      continue;
    }
    const folded = fold(String.fromCharCode(code));
    const normalised = toSimplified(folded, traditional);
    if (normalised.length === 0) codeUnits[code] = DROPPED;
    else if (normalised.length === 1 && normalised.charCodeAt(0) < TRADITIONAL) {
      codeUnits[code] = normalised !== folded && !ALSO_SIMPLIFIED.has(folded) ? TRADITIONAL : normalised.charCodeAt(0);
      simplified[code] = normalised.charCodeAt(0);
    } else codeUnits[code] = SLOW_PATH; // e.g. ㈱ -> 株 needs NFKC on more than one unit
  }

  const phrases = new Map<number, Array<readonly [string, string]>>();
  const phraseStarts = new Uint8Array(0x10000);
  for (const [regional, mainland] of REGIONAL_PHRASES) {
    const key = toSimplified(fold(regional), traditional);
    const pair = pairKey(key, 0);
    const entries = phrases.get(pair) ?? [];
    entries.push([key, toSimplified(fold(mainland), traditional)]);
    entries.sort((a, b) => b[0].length - a[0].length);
    phrases.set(pair, entries);
    phraseStarts[key.charCodeAt(0)] = 1;
  }
  return { codeUnits, simplified, traditional, phrases, phraseStarts };
}

const pairKey = (text: string, at: number): number => text.charCodeAt(at) * 0x10000 + text.charCodeAt(at + 1);

/** Longest match first, left to right; replaced text is not scanned again. */
function replacePhrases(text: string, { phrases, phraseStarts }: NormalisationTable): string {
  let result = '';
  let copiedUpTo = 0;
  let i = 0;
  outer: while (i < text.length - 1) {
    if (phraseStarts[text.charCodeAt(i)] === 1) {
      const entries = phrases.get(pairKey(text, i));
      if (entries !== undefined) {
        for (const [regional, mainland] of entries) {
          if (text.startsWith(regional, i)) {
            result += text.slice(copiedUpTo, i) + mainland;
            i += regional.length;
            copiedUpTo = i;
            continue outer;
          }
        }
      }
    }
    i++;
  }
  return copiedUpTo === 0 ? text : result + text.slice(copiedUpTo);
}

/** Text with at least one traditional character: per-character conversion, then regional phrases. */
function normalizeTraditional(text: string, current: NormalisationTable): string {
  const { codeUnits, simplified } = current;
  let result = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const mapped = codeUnits[unit];
    if (mapped === DROPPED) continue;
    if (mapped === SLOW_PATH) {
      result += toSimplified(fold(text.slice(i)), current.traditional);
      break;
    }
    result += String.fromCharCode(mapped === TRADITIONAL ? simplified[unit] : mapped);
  }
  return replacePhrases(result, current);
}

export function normalizeText(text: string): string {
  table ??= buildTable();
  const { codeUnits } = table;
  let result = '';
  for (let i = 0; i < text.length; i++) {
    const mapped = codeUnits[text.charCodeAt(i)];
    if (mapped === DROPPED) continue;
    if (mapped >= TRADITIONAL) {
      if (mapped === TRADITIONAL) return normalizeTraditional(text, table);
      const rest = fold(text.slice(i));
      const converted = toSimplified(rest, table.traditional);
      // The slow tail may hold traditional characters too (after NFKC, or past a surrogate pair).
      return converted === rest ? result + rest : normalizeTraditional(text, table);
    }
    result += String.fromCharCode(mapped);
  }
  return result;
}
