import { canonicalJson } from '../common/canonical-json';
import { DecisionKind } from './decision-record';

interface MatchLike {
  ruleKey: string;
  evidence?: string[];
  effect?: string | null;
  severity?: string | null;
}

interface OutputLike {
  decision?: string;
  severity?: string | null;
  message?: string;
  label?: string | null;
  escalated?: boolean;
  priorViolations?: number;
  actions?: { code: string }[];
  matches?: MatchLike[];
  signals?: { ruleKey: string }[];
  riskScore?: number;
  error?: string;
}

const show = (value: unknown): string => (value === null || value === undefined ? 'none' : String(value));

/** The outcome an impact analysis compares: the decision of an application, the severity of a violation. */
export function outcomeOf(kind: DecisionKind, output: unknown): string {
  const out = (output ?? {}) as OutputLike;
  if (out.error) return 'ERROR';
  if (kind === 'NUMBER_APPLICATION') return show(out.decision);
  return show(out.severity);
}

/**
 * What changed between two outputs, in the policy's own terms:
 * `decision REVIEW -> REJECT`, `severity SERIOUS -> CRITICAL`, `match +finance.credit-card`,
 * `match -other.fraud`, `action +OFFLINE_ALL_BUSINESS`, `signal +flag.arrears-context`, `riskScore 0 -> 2`. Empty when the canonical outputs agree.
 */
export function describeDifferences(kind: DecisionKind, original: unknown, replayed: unknown): string[] {
  if (canonicalJson(original) === canonicalJson(replayed)) return [];
  const before = (original ?? {}) as OutputLike;
  const after = (replayed ?? {}) as OutputLike;
  const differences: string[] = [];
  if (after.error) differences.push(`replay failed: ${after.error}`);
  if (before.error) differences.push(`original failed: ${before.error}`);

  if (kind === 'NUMBER_APPLICATION') {
    if (before.decision !== after.decision) differences.push(`decision ${show(before.decision)} -> ${show(after.decision)}`);
  } else {
    if (before.severity !== after.severity) differences.push(`severity ${show(before.severity)} -> ${show(after.severity)}`);
    if ((before.escalated ?? false) !== (after.escalated ?? false)) differences.push(`escalated ${show(before.escalated)} -> ${show(after.escalated)}`);
    if (before.priorViolations !== after.priorViolations && !after.error) {
      differences.push(`priorViolations ${show(before.priorViolations)} -> ${show(after.priorViolations)}`);
    }
    const beforeActions = new Set((before.actions ?? []).map((action) => action.code));
    const afterActions = new Set((after.actions ?? []).map((action) => action.code));
    for (const code of afterActions) if (!beforeActions.has(code)) differences.push(`action +${code}`);
    for (const code of beforeActions) if (!afterActions.has(code)) differences.push(`action -${code}`);
    if (before.label !== after.label && !after.error) differences.push(`label ${show(before.label)} -> ${show(after.label)}`);
  }

  const beforeMatches = new Map((before.matches ?? []).map((match) => [match.ruleKey, match]));
  const afterMatches = new Map((after.matches ?? []).map((match) => [match.ruleKey, match]));
  for (const [key] of afterMatches) if (!beforeMatches.has(key)) differences.push(`match +${key}`);
  for (const [key] of beforeMatches) if (!afterMatches.has(key)) differences.push(`match -${key}`);
  for (const [key, match] of afterMatches) {
    const previous = beforeMatches.get(key);
    if (!previous) continue;
    if (previous.effect !== match.effect) differences.push(`match ${key} effect ${show(previous.effect)} -> ${show(match.effect)}`);
    if (previous.severity !== match.severity) differences.push(`match ${key} severity ${show(previous.severity)} -> ${show(match.severity)}`);
    if (canonicalJson(previous.evidence ?? []) !== canonicalJson(match.evidence ?? [])) {
      differences.push(`match ${key} evidence [${(previous.evidence ?? []).join('; ')}] -> [${(match.evidence ?? []).join('; ')}]`);
    }
  }
  const beforeSignals = new Set((before.signals ?? []).map((signal) => signal.ruleKey));
  const afterSignals = new Set((after.signals ?? []).map((signal) => signal.ruleKey));
  for (const key of afterSignals) if (!beforeSignals.has(key)) differences.push(`signal +${key}`);
  for (const key of beforeSignals) if (!afterSignals.has(key)) differences.push(`signal -${key}`);
  if ((before.riskScore ?? 0) !== (after.riskScore ?? 0)) differences.push(`riskScore ${before.riskScore ?? 0} -> ${after.riskScore ?? 0}`);
  if (before.message !== after.message && !after.error) differences.push(`message "${show(before.message)}" -> "${show(after.message)}"`);
  if (differences.length === 0) differences.push('output differs in form only (same decision, matches and message)');
  return differences;
}
