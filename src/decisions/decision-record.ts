import { canonicalJson, sha256Hex } from '../common/canonical-json';

export const DECISION_KINDS = ['NUMBER_APPLICATION', 'VIOLATION', 'RECORDED_VIOLATION'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

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

/** The record's fields as one JSON object, named by key (the hashed record) or by column (the INSERT). */
function recordJson(content: DecisionContent, documents: Record<JsonDocument, string>, name: 'key' | 'column'): string {
  let json = '';
  for (const field of DECISION_FIELDS) {
    const value = field.document ? documents[field.key as JsonDocument] : canonicalJson(content[field.key]);
    json += `${json === '' ? '{' : ','}"${field[name]}":${value}`;
  }
  return `${json}}`;
}

/**
 * Canonicalises the three JSON documents once: the record hash is built from them and the
 * log writer sends the same text to PostgreSQL (`insertJson`), so nothing is serialised
 * twice. A property test holds the hashed text equal to canonicalJson of the whole record.
 */
export function serialiseDecision(content: DecisionContent): SerialisedDecision {
  const documents = { input: canonicalJson(content.input), output: canonicalJson(content.output), state: canonicalJson(content.state) };
  return { ...documents, recordHash: sha256Hex(recordJson(content, documents, 'key')) };
}

/** The record as one row of append_decision_batch's JSON parameter (keys are column names). */
export function insertJson(content: DecisionContent, serialised: SerialisedDecision): string {
  return recordJson(content, serialised, 'column');
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
 */
export function checkLink(record: ChainedDecision, expected: { seq: number; hash: string | null }): ChainBreak | null {
  if (record.seq !== expected.seq + 1) return 'sequence';
  if (record.prevHash !== expected.hash) return 'prev-hash';
  if (recordHashOf(record) !== record.recordHash) return 'record-hash';
  if (chainHash(record.prevHash, record.recordHash) !== record.hash) return 'chain-hash';
  return null;
}

/** Streams over records in seq order, reporting the first broken one. Used online (verifyDecisionLog) and offline (the CLI). */
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
