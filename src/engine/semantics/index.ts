import { clauseAwareNormalizer } from '../clauses';
import { UnknownSemanticsError } from '../errors';
import { createNormalizer } from '../normalize';
import { NORMALISATION_V1 } from './v1/normalisation';

/**
 * The engine's semantics are versioned so that a decision can be replayed years later exactly
 * as it was made. The rule: any change that can alter an outcome (normalisation tables or
 * code, matching, conditions, combining, escalation, messages) ships as a new semantics
 * version, and the engine keeps every version it has shipped, selected by the version a
 * decision records. What differs between versions lives in semantics/v<N>/; what is the same
 * is shared until it changes (then the old behaviour is copied into the old version's folder
 * first). test/fixtures/replay-corpus/ holds decisions logged under each version; CI replays
 * them all and requires identical outputs.
 */
export interface EngineSemantics {
  version: number;
  /** What decisions logged under this semantics record as `engineVersion`. */
  engineVersion: string;
  normalizeText: (text: string) => string;
  /** Descriptions: normalizeText under semantics 1; under semantics 2 clause by clause (clauses.ts). */
  normalizeDescription: (text: string) => string;
  /**
   * Semantics 2: keywords match as whole words of the segmented description (word-segmenter.ts,
   * jieba 2.0.3's dictionary) unless a rule lets them match inside words; the ruleset's variant
   * vocabulary is rewritten during normalisation; context cues neutralise hits into signals; a
   * declared industry naming a rule's industry with a scenario naming its keywords decides as the
   * row, and one the description contradicts raises a signal. Semantics 1 reads none of these.
   */
  readsContext: boolean;
}

const normaliseV1 = createNormalizer(NORMALISATION_V1);

const SHIPPED: readonly EngineSemantics[] = [
  { version: 1, engineVersion: '1.0.0', normalizeText: normaliseV1, normalizeDescription: normaliseV1, readsContext: false },
  // Normalisation tables unchanged from semantics 1; descriptions keep their clause breaks, and matching reads context (readsContext).
  { version: 2, engineVersion: '2.0.0', normalizeText: normaliseV1, normalizeDescription: clauseAwareNormalizer(normaliseV1), readsContext: true },
];

/** The semantics new evaluations use and new versions are published with. */
export const ENGINE_SEMANTICS = 2;

const byVersion = new Map(SHIPPED.map((semantics) => [semantics.version, semantics]));
const byEngineVersion = new Map(SHIPPED.map((semantics) => [semantics.engineVersion, semantics]));

export function semantics(version: number): EngineSemantics {
  const found = byVersion.get(version);
  if (found === undefined) throw new UnknownSemanticsError(`engine semantics ${version}`);
  return found;
}

/**
 * The semantics a logged `engineVersion` names, or null when this engine has none for it (a
 * decision logged by a newer engine, or a value it never wrote): such a decision cannot be
 * replayed under its own semantics.
 */
export function semanticsOfEngineVersion(engineVersion: string): number | null {
  return byEngineVersion.get(engineVersion)?.version ?? null;
}

/** Logged with every decision; names ENGINE_SEMANTICS. */
export const ENGINE_VERSION = semantics(ENGINE_SEMANTICS).engineVersion;

/** Text normalisation under the current semantics. */
export const normalizeText = semantics(ENGINE_SEMANTICS).normalizeText;

/** Description normalisation under the current semantics (variants are written as descriptions are). */
export const normalizeDescription = semantics(ENGINE_SEMANTICS).normalizeDescription;
