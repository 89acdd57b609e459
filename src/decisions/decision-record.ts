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

/**
 * Canonicalises the three JSON documents once: the record hash is built from them and the
 * log writer sends the same text to PostgreSQL, so nothing is serialised twice. The record
 * is small and its members fixed, so its RFC 8785 form is written out with the members in
 * code-unit order (caller < contentHash < ... < versionNumber) around the canonical parts;
 * a property test holds it equal to canonicalJson of the whole record.
 */
export function serialiseDecision(content: DecisionContent): SerialisedDecision {
  const input = canonicalJson(content.input);
  const output = canonicalJson(content.output);
  const state = canonicalJson(content.state);
  const record =
    `{"caller":${canonicalJson(content.caller)},"contentHash":${canonicalJson(content.contentHash)},"createdAt":${canonicalJson(content.createdAt)}` +
    `,"decision":${canonicalJson(content.decision)},"engineVersion":${canonicalJson(content.engineVersion)},"enterpriseId":${canonicalJson(content.enterpriseId)}` +
    `,"id":${canonicalJson(content.id)},"input":${input},"kind":${canonicalJson(content.kind)},"output":${output},"requestId":${canonicalJson(content.requestId)}` +
    `,"rulesetKey":${canonicalJson(content.rulesetKey)},"severity":${canonicalJson(content.severity)},"state":${state},"versionNumber":${canonicalJson(content.versionNumber)}}`;
  return { input, output, state, recordHash: sha256Hex(record) };
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
