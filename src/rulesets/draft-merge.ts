import { canonicalJson } from '../common/canonical-json';
import type { RulesetContent } from '../engine';

/**
 * Three-way merge of a stale draft onto the latest published version: base is the version
 * the draft was copied from, ours the draft, theirs the latest. Rules, penalties and test
 * cases are merged by key and then field by field; keyword lists merge as sets (additions and
 * removals of both sides all land). A true conflict, both sides changing one scalar field
 * differently or one side removing an item the other changed, is reported with both values
 * unless a resolution says which side to take. Pure: no database.
 */
export type MergeSide = 'OURS' | 'THEIRS';

export type MergeCollection = 'businessRules' | 'violationRules' | 'penalties' | 'testCases' | 'cues' | 'variants' | 'defaults';

export interface MergeConflict {
  collection: MergeCollection;
  /** Rule key, penalty severity, test case key; `defaultDecision`/`defaultMessage`/`violationsCountAfterReinstatement` for defaults. */
  key: string;
  /** The field both sides changed; null when one side removed the item the other changed. */
  field: string | null;
  base: unknown;
  ours: unknown;
  theirs: unknown;
}

export interface MergeResolution {
  collection: MergeCollection;
  key: string;
  field: string | null;
  take: MergeSide;
}

export interface MergeResult {
  content: RulesetContent;
  conflicts: MergeConflict[];
}

/** Fields merged as sets rather than as single values. */
const SET_FIELDS = new Set(['keywords', 'excludeKeywords', 'expectedRuleKeys']);

const same = (a: unknown, b: unknown): boolean => canonicalJson(a ?? null) === canonicalJson(b ?? null);

type Item = Record<string, unknown>;

/** Base minus what either side removed, plus what either side added. */
function mergeSets(base: string[], ours: string[], theirs: string[]): string[] {
  const kept = base.filter((value) => ours.includes(value) && theirs.includes(value));
  const added = [...ours, ...theirs].filter((value) => !base.includes(value));
  return [...new Set([...kept, ...added])].sort();
}

export function mergeDraft(base: RulesetContent, ours: RulesetContent, theirs: RulesetContent, resolutions: MergeResolution[] = []): MergeResult {
  const conflicts: MergeConflict[] = [];
  const resolved = (collection: MergeCollection, key: string, field: string | null): MergeSide | undefined =>
    resolutions.find((resolution) => resolution.collection === collection && resolution.key === key && resolution.field === field)?.take;

  /** One value changed on both sides: take the side that changed it, or report it. */
  const scalar = (collection: MergeCollection, key: string, field: string | null, b: unknown, o: unknown, t: unknown): unknown => {
    if (same(o, b) || same(o, t)) return t;
    if (same(t, b)) return o;
    const take = resolved(collection, key, field);
    if (take) return take === 'OURS' ? o : t;
    conflicts.push({ collection, key, field, base: b ?? null, ours: o ?? null, theirs: t ?? null });
    return o;
  };

  const mergeItem = (collection: MergeCollection, key: string, b: Item | undefined, o: Item | undefined, t: Item | undefined): Item | undefined => {
    if (same(o, b)) return t;
    if (same(t, b) || same(o, t)) return o;
    if (o === undefined || t === undefined) return scalar(collection, key, null, b, o, t) as Item | undefined;
    const merged: Item = {};
    for (const field of new Set([...Object.keys(o), ...Object.keys(t)])) {
      const [bv, ov, tv] = [b?.[field], o[field], t[field]];
      merged[field] =
        SET_FIELDS.has(field) && (Array.isArray(ov) || Array.isArray(tv))
          ? mergeSets((bv as string[] | undefined) ?? [], (ov as string[] | null) ?? [], (tv as string[] | null) ?? [])
          : scalar(collection, key, field, bv, ov, tv);
    }
    return merged;
  };

  const mergeCollection = <T extends object>(collection: MergeCollection, keyOf: (item: T) => string, b: T[], o: T[], t: T[]): T[] => {
    const index = (items: T[]) => new Map(items.map((item) => [keyOf(item), item as Item]));
    const [bi, oi, ti] = [index(b), index(o), index(t)];
    const keys = [...new Set([...oi.keys(), ...ti.keys(), ...bi.keys()])].sort();
    return keys.flatMap((key) => {
      const item = mergeItem(collection, key, bi.get(key), oi.get(key), ti.get(key));
      return item === undefined ? [] : [item as T];
    });
  };

  const byKey = (item: { key: string }) => item.key;
  const testCases = mergeCollection('testCases', byKey, base.testCases ?? [], ours.testCases ?? [], theirs.testCases ?? []);
  // Absent means true; compared as booleans so that "absent" and "true" are the same value.
  const counts = (content: RulesetContent) => content.violationsCountAfterReinstatement !== false;
  const violationsCount = scalar('defaults', 'violationsCountAfterReinstatement', null, counts(base), counts(ours), counts(theirs));
  const cues = mergeCollection('cues', byKey, base.cues ?? [], ours.cues ?? [], theirs.cues ?? []);
  const variants = mergeCollection('variants', (variant) => variant.variant, base.variants ?? [], ours.variants ?? [], theirs.variants ?? []);
  // One list, compared as a sorted set: absent and empty are the same value.
  const words = (content: RulesetContent) => [...new Set(content.distinctWords ?? [])].sort();
  const distinctWords = scalar('defaults', 'distinctWords', null, words(base), words(ours), words(theirs)) as string[];
  const content: RulesetContent = {
    defaultDecision: scalar(
      'defaults',
      'defaultDecision',
      null,
      base.defaultDecision,
      ours.defaultDecision,
      theirs.defaultDecision,
    ) as RulesetContent['defaultDecision'],
    defaultMessage: scalar('defaults', 'defaultMessage', null, base.defaultMessage, ours.defaultMessage, theirs.defaultMessage) as string,
    businessRules: mergeCollection('businessRules', byKey, base.businessRules, ours.businessRules, theirs.businessRules),
    violationRules: mergeCollection('violationRules', byKey, base.violationRules, ours.violationRules, theirs.violationRules),
    penalties: mergeCollection('penalties', (penalty) => penalty.severity, base.penalties, ours.penalties, theirs.penalties),
    ...(testCases.length > 0 ? { testCases } : {}),
    ...(violationsCount === false ? { violationsCountAfterReinstatement: false } : {}),
    ...(cues.length > 0 ? { cues } : {}),
    ...(variants.length > 0 ? { variants } : {}),
    ...(distinctWords.length > 0 ? { distinctWords } : {}),
  };
  return { content, conflicts };
}
