import type { NormalisationTables } from '../../normalize';

/**
 * Semantics 1's normalisation tables, frozen: a decision logged under semantics 1 is replayed
 * with exactly these. Never edit them; a change goes into a new semantics version (copy this
 * folder to v<N+1>, change the copy, register it in ../index.ts). test/unit/engine/semantics.test.ts
 * pins a fingerprint of the table they build, which also catches an OpenCC or Unicode upgrade.
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
  ['軟體', '软件'],
  ['硬體', '硬件'],
  ['韌體', '固件'],
  ['網路', '网络'],
  ['網際網路', '互联网'],
  ['資訊', '信息'],
  ['簡訊', '短信'],
  ['訊息', '消息'],
  ['影片', '视频'],
  ['視訊會議', '视频会议'],
  ['視訊通話', '视频通话'],
  ['音訊', '音频'],
  ['部落格', '博客'],
  ['伺服器', '服务器'],
  ['作業系統', '操作系统'],
  ['雲端', '云'],
  ['人工智慧', '人工智能'],
  ['智慧型', '智能'],
  ['智慧財產權', '知识产权'],
  ['專案', '项目'],
  ['數位', '数字'],
  ['行動電話', '手机'],
  ['行動網路', '移动网络'],
  ['通訊', '通信'],
  ['聯絡', '联系'],
  ['線上', '在线'],
  ['撥出', '呼出'],
  ['來電轉接', '呼叫转移'],
  ['寬頻', '宽带'],
  ['頻寬', '带宽'],
  ['攝護腺', '前列腺'],
  ['彩色超音波', '彩超'],
  ['超音波', '超声波'],
  ['雷射', '激光'],
  ['計程車', '出租车'],
  ['筆記型電腦', '笔记本电脑'],
  ['印表機', '打印机'],
  ['列印', '打印'],
  ['網咖', '网吧'],
  ['駭客', '黑客'],
  ['簽帳金融卡', '借记卡'],
  ['空氣清淨機', '空气净化器'],
  ['憂鬱症', '抑郁症'],
  ['失智症', '痴呆症'],
  ['資料庫', '数据库'],
  ['程式', '程序'],
  ['程式設計', '编程'],
  ['使用者', '用户'],
  ['晶片', '芯片'],
  ['螢幕', '屏幕'],
  ['隨身碟', 'u盘'],
  ['搜尋', '搜索'],
  ['硬碟', '硬盘'],
  ['滑鼠', '鼠标'],
  // regional business vocabulary
  ['行銷', '营销'],
  ['外撥', '外呼'],
  ['電訪', '电话回访'],
  ['仲介', '中介'],
  ['房仲', '房产中介'],
  ['地產代理', '房产中介'],
  ['建案', '楼盘'],
  ['預售屋', '期房'],
  ['新成屋', '现房'],
  ['樓花', '期房'],
  ['一手樓', '一手房'],
  ['一手盤', '新盘'],
  ['按揭', '房贷'],
  ['藥局', '药店'],
  ['醫療器材', '医疗器械'],
  ['醫材', '医疗器械'],
  ['健康食品', '保健食品'],
  ['彩券', '彩票'],
  ['簽賭', '赌博'],
  ['博弈', '博彩'],
  ['安親班', '课后托管'],
  ['才藝班', '兴趣班'],
  ['補習社', '补习班'],
  ['補教', '补习'],
  ['國小生', '小学生'],
  ['國中生', '初中生'],
  ['指考', '高考'],
  ['門號', '号码'],
  ['短訊', '短信'],
  ['骨董', '古董'],
  ['菸品', '烟草'],
  ['觀光', '旅游'],
  ['旅行業', '旅行社'],
  ['線上遊戲', '网络游戏'],
  ['婚友社', '婚介'],
  ['傢俱', '家具'],
  ['系統櫃', '定制柜'],
  ['系統傢俱', '定制家具'],
  ['系統家具', '定制家具'],
  ['記帳', '记账'],
  ['報帳', '报账'],
  ['帳務', '账务'],
  ['帳款', '账款'],
  ['做帳', '做账'],
  ['報明牌', '荐股'],
  ['理專', '理财经理'],
  ['短影音', '短视频'],
  ['直播主', '主播'],
];

/**
 * Characters the per-character map changes that simplified text uses too (什么, 显著, 乾坤,
 * 拚命): they keep their mapping but do not send a description through the phrase step.
 */
const ALSO_SIMPLIFIED: ReadonlySet<string> = new Set('么麽著乾拚');

export const NORMALISATION_V1: NormalisationTables = {
  cjkRanges: CJK_RANGES,
  // 't' covers OpenCC's common dictionary; 'tw' and 'hk' add regional variants (裡, 着...).
  openccSources: ['t', 'tw', 'hk'],
  regionalPhrases: REGIONAL_PHRASES,
  alsoSimplified: ALSO_SIMPLIFIED,
};
