import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

/** Repository root, from dist/bench/*.js or bench/*.ts alike. */
export const ROOT = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + __dirname);
    dir = parent;
  }
  return dir;
})();

export const SEED_RULESET_DIR = path.join(ROOT, 'rulesets', 'ccc-access');

interface FixtureEntry {
  text: string;
  industry?: string;
  scenario?: string;
}

/** The labelled application descriptions (written as applicants type them). */
export function fixtureDescriptions(): string[] {
  const entries = YAML.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'applications.yaml'), 'utf8')) as FixtureEntry[];
  return entries.map((entry) => entry.text).filter((text) => typeof text === 'string' && text.trim() !== '');
}

/** Small deterministic PRNG (mulberry32): the same seed gives the same inputs on every run. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PREFIXES = ['', '', '我们是', '本公司', '深圳市某某科技有限公司，', '杭州小店：', '個體戶，', 'Hi, 我们', '【申请说明】', '您好，我司'];
const SUFFIXES = ['', '', '，需要外呼', '，电话回访老客户', ' 谢谢', '。每天大约200通电话', '，主要是呼入', ' (urgent!!)', '，ＡＢＣ团队', '；坐席10人'];
const FULL_WIDTH_OFFSET = 0xfee0;

function toFullWidth(text: string): string {
  return text.replace(/[!-~]/g, (char) => String.fromCharCode(char.charCodeAt(0) + FULL_WIDTH_OFFSET));
}

function sprinkleSpaces(text: string, random: () => number): string {
  let result = '';
  for (const char of text) result += random() < 0.15 ? `${char} ` : char;
  return result;
}

/**
 * Realistic application descriptions: every fixture as written, then `count` variations
 * (company prefixes, form-filler suffixes, two businesses in one description, full-width
 * letters, stray spaces), deterministic for a given seed.
 */
export function applicationDescriptions(count = 4000, seed = 42): string[] {
  const fixtures = fixtureDescriptions();
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const result = [...fixtures];
  for (let i = 0; i < count; i++) {
    let text = pick(fixtures);
    const roll = random();
    if (roll < 0.25) text = `${text}；另外${pick(fixtures)}`;
    text = `${pick(PREFIXES)}${text}${pick(SUFFIXES)}`;
    if (random() < 0.2) text = toFullWidth(text);
    if (random() < 0.2) text = sprinkleSpaces(text, random);
    result.push(text);
  }
  return result;
}
