import { canonicalJson, sha256Hex } from '../common/canonical-json';

export const DECISION_KINDS = ['NUMBER_APPLICATION', 'VIOLATION', 'RECORDED_VIOLATION'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

/**
 * The lean record format (issue 15): its hash commits to the compact output (`compactOutput`)
 * and to `"format":2`; records without a format are format 1, hashed with the output as returned.
 */
export const LEAN_FORMAT = 2;

/**
 * Everything a decision record says, exactly as hashed. `recordHash` is the sha256 of the
 * RFC 8785 canonical JSON of this object; the chain hash links it to its predecessor.
 * The sequence number is deliberately not part of it: a record's hash can be computed
 * before it has a place in the log (outside the chain-head lock), and its place is
 * protected by the chain links instead.
 */
export interface DecisionContent {
  id: string;
  kind: DecisionKind;
  rulesetKey: string;
  versionNumber: number;
  contentHash: string;
  enterpriseId: string | null;
  /** The application decision, for filtering (null for violations). */
  decision: string | null;
  /** The violation severity, for filtering (null for applications and when no penalty applies). */
  severity: string | null;
  input: unknown;
  output: unknown;
  /** Whatever recorded state the evaluation read: replay needs nothing else. */
  state: unknown;
  caller: string;
  requestId: string | null;
  engineVersion: string;
  /** ISO 8601 with milliseconds, UTC. */
  createdAt: string;
  /**
   * LEAN_FORMAT for records whose hash covers the compact output only (the output itself may be
   * the full one, as returned or rebuilt: its projection is what is hashed); absent for format 1.
   */
  format?: typeof LEAN_FORMAT;
}

/** A record with its place in the log. */
export interface ChainedDecision extends DecisionContent {
  seq: number;
  recordHash: string;
  prevHash: string | null;
  hash: string;
}

/** A record's JSON documents in canonical form, and the hash of the whole record. */
export interface SerialisedDecision {
  input: string;
  output: string;
  state: string;
  recordHash: string;
}

type JsonDocument = 'input' | 'output' | 'state';

/**
 * The one field list of a decision record, in the code-unit order of the keys (RFC 8785's
 * member order): the serialiser, the batch parameter of append_decision_batch, the column
 * list read back and the row mapper are all derived from it. `document` fields are JSON
 * documents, canonicalised once per record; `time` fields are timestamptz columns.
 */
export const DECISION_FIELDS: readonly { key: keyof DecisionContent; column: string; document?: true; time?: true }[] = [
  { key: 'caller', column: 'caller' },
  { key: 'contentHash', column: 'content_hash' },
  { key: 'createdAt', column: 'created_at', time: true },
  { key: 'decision', column: 'decision' },
  { key: 'engineVersion', column: 'engine_version' },
  { key: 'enterpriseId', column: 'enterprise_id' },
  { key: 'format', column: 'record_format' },
  { key: 'id', column: 'id' },
  { key: 'input', column: 'input', document: true },
  { key: 'kind', column: 'kind' },
  { key: 'output', column: 'output', document: true },
  { key: 'requestId', column: 'request_id' },
  { key: 'rulesetKey', column: 'ruleset_key' },
  { key: 'severity', column: 'severity' },
  { key: 'state', column: 'state', document: true },
  { key: 'versionNumber', column: 'version_number' },
];

type RuleKeyed = { ruleKey: string }[] | undefined;

interface FullOutput {
  decision?: string;
  matches?: { ruleKey: string }[];
  signals?: { ruleKey: string }[];
  riskScore?: number;
  severity?: string | null;
  escalated?: boolean;
  priorViolations?: number;
  actions?: { code: string }[];
}

const ruleKeys = (fired: RuleKeyed) => (fired ?? []).map(({ ruleKey }) => ({ ruleKey }));

/**
 * What a lean record keeps of an output: what was decided, not how it was explained. An
 * application's decision, the rule keys it matched and flagged and its risk score; a
 * violation's severity, escalation, prior count, penalty action codes and matched rule keys.
 * Messages, labels, effects and evidence follow from the version, the input and the state.
 * Field names are the full output's, so readers of `matches[].ruleKey`, `decision`,
 * `severity` or `riskScore` read either form; projecting a compact output again returns it unchanged.
 */
export function compactOutput(kind: DecisionKind, output: unknown): unknown {
  const full = (output ?? {}) as FullOutput;
  if (kind === 'NUMBER_APPLICATION') {
    return {
      decision: full.decision,
      matches: ruleKeys(full.matches),
      ...(full.signals === undefined ? {} : { signals: ruleKeys(full.signals) }),
      ...(full.riskScore === undefined ? {} : { riskScore: full.riskScore }),
    };
  }
  return {
    severity: full.severity ?? null,
    escalated: full.escalated ?? false,
    priorViolations: full.priorViolations ?? 0,
    actions: (full.actions ?? []).map(({ code }) => ({ code })),
    matches: ruleKeys(full.matches),
  };
}

/**
 * Whether a lean record as read (from the log, or from an export line) holds nothing its hash
 * does not cover: its output must be compact already. A stored or exported output with a key
 * added (a message, evidence) would otherwise project onto the same hash. True for format 1.
 */
export function holdsOnlyHashedOutput(record: Pick<DecisionContent, 'kind' | 'output' | 'format'>): boolean {
  return record.format !== LEAN_FORMAT || canonicalJson(compactOutput(record.kind, record.output)) === canonicalJson(record.output);
}

/** The output a record's hash covers: the compact one for the lean format, the output itself before it. */
export function hashedOutput(content: Pick<DecisionContent, 'kind' | 'output' | 'format'>): unknown {
  return content.format === LEAN_FORMAT ? compactOutput(content.kind, content.output) : content.output;
}

/** The record's fields as one JSON object, as hashed (a format-1 record has no format key). */
function recordJson(content: DecisionContent, documents: Record<JsonDocument, string>): string {
  let json = '';
  for (const field of DECISION_FIELDS) {
    if (field.key === 'format' && content.format === undefined) continue;
    const value = field.document ? documents[field.key as JsonDocument] : canonicalJson(content[field.key]);
    json += `${json === '' ? '{' : ','}"${field.key}":${value}`;
  }
  return `${json}}`;
}

/**
 * Canonicalises the three JSON documents once (the output as hashed: compact for the lean
 * format): the record hash is built from them and the log writer sends the same text to
 * PostgreSQL, so nothing is serialised twice. A property test holds the hashed text equal to
 * canonicalJson of the whole record.
 */
export function serialiseDecision(content: DecisionContent): SerialisedDecision {
  const documents = { input: canonicalJson(content.input), output: canonicalJson(hashedOutput(content)), state: canonicalJson(content.state) };
  return { ...documents, recordHash: sha256Hex(recordJson(content, documents)) };
}

export function recordHashOf(content: DecisionContent): string {
  return serialiseDecision(content).recordHash;
}

/** hash = sha256(prevHash + recordHash); the first record has no predecessor (empty string). */
export function chainHash(prevHash: string | null, recordHash: string): string {
  return sha256Hex(`${prevHash ?? ''}${recordHash}`);
}

export type ChainBreak = 'record-hash' | 'sequence' | 'prev-hash' | 'chain-hash';

/**
 * Checks one record against the expected position in the chain; null when intact.
 * `expected` is the predecessor's seq and hash (seq 0 and null before the first record).
 * A lean record stores no prevHash (it is its predecessor's hash, filled in when read), so a
 * broken link shows as its chain hash not following from the predecessor's.
 */
export function checkLink(record: ChainedDecision, expected: { seq: number; hash: string | null }): ChainBreak | null {
  if (record.seq !== expected.seq + 1) return 'sequence';
  if (record.format === LEAN_FORMAT) {
    if (!holdsOnlyHashedOutput(record) || recordHashOf(record) !== record.recordHash) return 'record-hash';
    return chainHash(expected.hash, record.recordHash) === record.hash ? null : 'chain-hash';
  }
  if (record.prevHash !== expected.hash) return 'prev-hash';
  if (recordHashOf(record) !== record.recordHash) return 'record-hash';
  if (chainHash(record.prevHash, record.recordHash) !== record.hash) return 'chain-hash';
  return null;
}

/**
 * Streams over records in seq order, reporting the first broken one. Used online
 * (verifyDecisionLog) and offline (the CLI), on records as logged: a lean record's output
 * as stored (compact), never a rebuilt one.
 */
export class ChainVerifier {
  checked = 0;
  firstBroken: { id: string; reason: ChainBreak } | null = null;
  private expected: { seq: number; hash: string | null };

  constructor(anchor: { seq: number; hash: string | null } = { seq: 0, hash: null }) {
    this.expected = anchor;
  }

  /** Returns false once a break is found (stop feeding records). */
  push(record: ChainedDecision): boolean {
    if (this.firstBroken) return false;
    this.checked += 1;
    const broken = checkLink(record, this.expected);
    if (broken) {
      this.firstBroken = { id: record.id, reason: broken };
      return false;
    }
    this.expected = { seq: record.seq, hash: record.hash };
    return true;
  }

  get last(): { seq: number; hash: string | null } {
    return this.expected;
  }
}
