import { canonicalJson } from '../common/canonical-json';
import { orderContent } from './content-hash';
import type {
  BusinessRuleContent,
  CueContent,
  PenaltyActionContent,
  PenaltyMappingContent,
  RulesetContent,
  TestCaseContent,
  VariantContent,
  ViolationRuleContent,
} from '../engine/content';

/**
 * What changed between two versions' content, in the policy owner's terms:
 * `金融/信用卡: keywords +办卡 -刷卡; effect REVIEW -> REJECT`. Pure: no database.
 */
export type ChangeKind = 'DEFAULT' | 'BUSINESS_RULE' | 'VIOLATION_RULE' | 'PENALTY' | 'TEST_CASE' | 'CUE' | 'VARIANT' | 'DISTINCT_WORDS';
export type ChangeAction = 'ADDED' | 'REMOVED' | 'CHANGED';

export interface ContentChange {
  /** Rule key, penalty severity, or a ruleset-wide setting (defaultDecision, defaultMessage, violationsCountAfterReinstatement). */
  key: string;
  kind: ChangeKind;
  action: ChangeAction;
  /** One line in domain terms. */
  change: string;
  before: unknown;
  after: unknown;
}

const same = (a: unknown, b: unknown): boolean => canonicalJson(a ?? null) === canonicalJson(b ?? null);
const quote = (value: string | null): string => (value === null ? 'none' : JSON.stringify(value));

/** `keywords +办卡 -刷卡`: set difference, in sorted order. */
function setChange(field: string, before: string[], after: string[]): string | null {
  const removed = [...new Set(before)].filter((value) => !after.includes(value)).sort();
  const added = [...new Set(after)].filter((value) => !before.includes(value)).sort();
  if (added.length === 0 && removed.length === 0) return null;
  return [field, ...added.map((value) => `+${value}`), ...removed.map((value) => `-${value}`)].join(' ');
}

function valueChange(field: string, before: string | number | null, after: string | number | null): string | null {
  if (before === after) return null;
  const show = (value: string | number | null) => (typeof value === 'number' ? String(value) : quote(value));
  if (before === null) return `${field} added ${show(after)}`;
  if (after === null) return `${field} removed (was ${show(before)})`;
  return `${field} ${show(before)} -> ${show(after)}`;
}

/** Enum-like fields read better without quotes: `effect REVIEW -> REJECT`. */
function codeChange(field: string, before: string, after: string): string | null {
  return before === after ? null : `${field} ${before} -> ${after}`;
}

const describeAction = (action: PenaltyActionContent) => `${action.code}(${action.label})`;

function describeEscalation(penalty: PenaltyMappingContent): string {
  const e = penalty.escalation;
  return e ? `${e.count} within ${e.withinDays} days -> ${e.toSeverity}` : 'none';
}

const businessLabel = (rule: BusinessRuleContent) => `${rule.industry}/${rule.scenario}`;
const violationLabel = (rule: ViolationRuleContent) => `${rule.behavior} ${rule.title}`;
const penaltyLabel = (penalty: PenaltyMappingContent) => `${penalty.severity} ${penalty.label}`;

/** One field's change between two versions of a rule, in words; null when unchanged. */
type FieldChange<T> = (before: T, after: T) => string | null;

type Field<T, V> = { [K in keyof T]: T[K] extends V ? K : never }[keyof T] & string;

const value =
  <T>(field: Field<T, string | number | null | undefined>): FieldChange<T> =>
  (before, after) =>
    valueChange(field, (before[field] ?? null) as string | number | null, (after[field] ?? null) as string | number | null);
const code =
  <T>(field: Field<T, string>): FieldChange<T> =>
  (before, after) =>
    codeChange(field, before[field] as string, after[field] as string);
const set =
  <T>(field: Field<T, string[]>): FieldChange<T> =>
  (before, after) =>
    setChange(field, before[field] as string[], after[field] as string[]);

/** How each kind of rule is compared: the fields a policy owner reads, in the order they read them. */
const BUSINESS_RULE_FIELDS: FieldChange<BusinessRuleContent>[] = [
  value('industry'),
  value('scenario'),
  code('effect'),
  value('weight'),
  set('keywords'),
  set('excludeKeywords'),
  value('condition'),
  value('message'),
  value('source'),
  value('note'),
  (before, after) => setChange('matchInsideWords', before.matchInsideWords ?? [], after.matchInsideWords ?? []),
  (before, after) => (before.anyContext === after.anyContext ? null : `anyContext ${before.anyContext === true} -> ${after.anyContext === true}`),
];
const CUE_FIELDS: FieldChange<CueContent>[] = [
  code('kind'),
  code('side'),
  value('window'),
  set('words'),
  (before, after) => setChange('otherSide', before.otherSide ?? [], after.otherSide ?? []),
  value('note'),
];
const VIOLATION_RULE_FIELDS: FieldChange<ViolationRuleContent>[] = [
  code('behavior'),
  value('title'),
  code('severity'),
  value('condition'),
  value('source'),
  value('note'),
];

const fieldChanges =
  <T>(fields: FieldChange<T>[]) =>
  (before: T, after: T): string[] =>
    fields.map((change) => change(before, after)).filter((part): part is string => part !== null);

const businessRuleChanges = fieldChanges(BUSINESS_RULE_FIELDS);

const expectationOf = (testCase: TestCaseContent): string =>
  testCase.application ? (testCase.expectedDecision ?? 'nothing') : `severity ${testCase.expectedSeverity ?? 'none'}`;
const testCaseLabel = (testCase: TestCaseContent): string =>
  testCase.application ? `test ${quote(testCase.application.description)}` : `test ${testCase.violation?.behavior ?? ''}`;

const TEST_CASE_FIELDS: FieldChange<TestCaseContent>[] = [
  (before, after) =>
    same([before.application, before.violation, before.enterprise], [after.application, after.violation, after.enterprise]) ? null : 'input changed',
  (before, after) => (expectationOf(before) === expectationOf(after) ? null : `expects ${expectationOf(before)} -> ${expectationOf(after)}`),
  (before, after) => setChange('expectedRuleKeys', before.expectedRuleKeys ?? [], after.expectedRuleKeys ?? []),
];
const testCaseChanges = fieldChanges(TEST_CASE_FIELDS);
const violationRuleChanges = fieldChanges(VIOLATION_RULE_FIELDS);

function penaltyChanges(before: PenaltyMappingContent, after: PenaltyMappingContent): string[] {
  const parts = [
    valueChange('label', before.label, after.label),
    valueChange('rank', before.rank, after.rank),
    setChange('actions', before.actions.map(describeAction), after.actions.map(describeAction)),
    valueChange('message', before.message, after.message),
    same(before.escalation, after.escalation) ? null : `escalation ${describeEscalation(before)} -> ${describeEscalation(after)}`,
  ].filter((part): part is string => part !== null);
  if (parts.length === 0 && !same(before.actions, after.actions)) parts.push('actions reordered');
  return parts;
}

function diffCollection<T>(
  kind: ChangeKind,
  keyOf: (item: T) => string,
  labelOf: (item: T) => string,
  describeAdded: (item: T) => string,
  fieldChanges: (before: T, after: T) => string[],
  before: T[],
  after: T[],
): ContentChange[] {
  const beforeByKey = new Map(before.map((item) => [keyOf(item), item]));
  const afterByKey = new Map(after.map((item) => [keyOf(item), item]));
  const keys = [...new Set([...beforeByKey.keys(), ...afterByKey.keys()])].sort();
  const changes: ContentChange[] = [];
  for (const key of keys) {
    const old = beforeByKey.get(key);
    const now = afterByKey.get(key);
    if (old === undefined && now !== undefined) {
      changes.push({ key, kind, action: 'ADDED', change: `${labelOf(now)}: added (${describeAdded(now)})`, before: null, after: now });
    } else if (old !== undefined && now === undefined) {
      changes.push({ key, kind, action: 'REMOVED', change: `${labelOf(old)}: removed`, before: old, after: null });
    } else if (old !== undefined && now !== undefined && !same(old, now)) {
      const parts = fieldChanges(old, now);
      const label = labelOf(old) === labelOf(now) ? labelOf(now) : `${labelOf(old)} -> ${labelOf(now)}`;
      changes.push({ key, kind, action: 'CHANGED', change: `${label}: ${parts.join('; ') || 'reordered'}`, before: old, after: now });
    }
  }
  return changes;
}

/**
 * Every difference from `before` to `after`: defaults first, then business rules, violation
 * rules, penalties, each by key. Order-free, like the content hash: entry order and keyword
 * order are not changes.
 */
export function diffContent(unorderedBefore: RulesetContent, unorderedAfter: RulesetContent): ContentChange[] {
  const before = orderContent(unorderedBefore);
  const after = orderContent(unorderedAfter);
  const changes: ContentChange[] = [];
  if (before.defaultDecision !== after.defaultDecision) {
    changes.push({
      key: 'defaultDecision',
      kind: 'DEFAULT',
      action: 'CHANGED',
      change: `default decision: ${before.defaultDecision} -> ${after.defaultDecision}`,
      before: before.defaultDecision,
      after: after.defaultDecision,
    });
  }
  if (before.defaultMessage !== after.defaultMessage) {
    changes.push({
      key: 'defaultMessage',
      kind: 'DEFAULT',
      action: 'CHANGED',
      change: `default message: ${quote(before.defaultMessage)} -> ${quote(after.defaultMessage)}`,
      before: before.defaultMessage,
      after: after.defaultMessage,
    });
  }
  const countsBefore = before.violationsCountAfterReinstatement !== false;
  const countsAfter = after.violationsCountAfterReinstatement !== false;
  if (countsBefore !== countsAfter) {
    changes.push({
      key: 'violationsCountAfterReinstatement',
      kind: 'DEFAULT',
      action: 'CHANGED',
      change: `violations before a reinstatement: ${countsAfter ? 'forgiven -> still count' : 'still count -> forgiven'} toward escalation`,
      before: countsBefore,
      after: countsAfter,
    });
  }
  changes.push(
    ...diffCollection<BusinessRuleContent>(
      'BUSINESS_RULE',
      (rule) => rule.key,
      businessLabel,
      (rule) =>
        [
          rule.effect,
          rule.keywords.length ? `keywords ${[...rule.keywords].sort().join(' ')}` : null,
          rule.condition ? `condition ${quote(rule.condition)}` : null,
        ]
          .filter(Boolean)
          .join(', '),
      businessRuleChanges,
      before.businessRules,
      after.businessRules,
    ),
    ...diffCollection<ViolationRuleContent>(
      'VIOLATION_RULE',
      (rule) => rule.key,
      violationLabel,
      (rule) => [`severity ${rule.severity}`, rule.condition ? `condition ${quote(rule.condition)}` : null].filter(Boolean).join(', '),
      violationRuleChanges,
      before.violationRules,
      after.violationRules,
    ),
    ...diffCollection<TestCaseContent>(
      'TEST_CASE',
      (testCase) => testCase.key,
      testCaseLabel,
      (testCase) => `expects ${expectationOf(testCase)}`,
      testCaseChanges,
      before.testCases ?? [],
      after.testCases ?? [],
    ),
    ...diffCollection<CueContent>(
      'CUE',
      (cue) => cue.key,
      (cue) => `cue ${cue.key} (${cue.kind})`,
      (cue) => `${cue.side} within ${cue.window}: ${cue.words.join(' ')}`,
      (old, now) => CUE_FIELDS.map((change) => change(old, now)).filter((line): line is string => line !== null),
      before.cues ?? [],
      after.cues ?? [],
    ),
    ...diffCollection<VariantContent>(
      'VARIANT',
      (variant) => variant.variant,
      (variant) => `variant ${variant.variant}`,
      (variant) => `${variant.kind} -> ${variant.canonical}`,
      (old, now) =>
        [codeChange('kind', old.kind, now.kind), valueChange('canonical', old.canonical, now.canonical)].filter((line): line is string => line !== null),
      before.variants ?? [],
      after.variants ?? [],
    ),
    ...distinctWordsChange(before.distinctWords ?? [], after.distinctWords ?? []),
    ...diffCollection<PenaltyMappingContent>(
      'PENALTY',
      (penalty) => penalty.severity,
      penaltyLabel,
      (penalty) => `rank ${penalty.rank}, actions ${penalty.actions.map(describeAction).join(' ') || 'none'}, escalation ${describeEscalation(penalty)}`,
      penaltyChanges,
      before.penalties,
      after.penalties,
    ),
  );
  return changes;
}

function distinctWordsChange(before: string[], after: string[]): ContentChange[] {
  const change = setChange('distinct words', before, after);
  if (change === null) return [];
  const action = before.length === 0 ? 'ADDED' : after.length === 0 ? 'REMOVED' : 'CHANGED';
  return [{ key: 'distinctWords', kind: 'DISTINCT_WORDS', action, change, before, after }];
}

/** One line per change, prefixed by +, - or ~ : what `npm run rulesets -- diff` prints. */
export function formatChanges(changes: ContentChange[]): string {
  if (changes.length === 0) return 'no differences';
  const sign: Record<ChangeAction, string> = { ADDED: '+', REMOVED: '-', CHANGED: '~' };
  return changes.map((change) => `${sign[change.action]} [${change.kind} ${change.key}] ${change.change}`).join('\n');
}

/** The content of a ruleset before its first version: what diffs against "version 0" compare with. */
export function emptyContent(base: Pick<RulesetContent, 'defaultDecision' | 'defaultMessage'>): RulesetContent {
  return { ...base, businessRules: [], violationRules: [], penalties: [] };
}
