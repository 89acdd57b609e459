import { KeyObject } from 'node:crypto';
import { checkSignature, SignedCheckpoint } from './checkpoint-signing';
import { chainHash, ChainBreak, ChainedDecision, holdsOnlyHashedOutput, recordHashOf } from './decision-record';

/**
 * First line of an export. An export covers every position of the log in
 * (afterSeq, lastSeq]: the records the filter selected in full, the others as stubs (their
 * position and record hash, no content), so the chain can be recomputed from the anchor to
 * the last position, where the export's last line, a signed checkpoint, must match it. A
 * record dropped from the middle or the end, or a stub standing for a different record,
 * breaks that chain.
 */
export interface ExportHeader {
  type: 'ccc-policy-decision-log-export';
  /**
   * 3 since the lean record (issue 15): a line with `"format":2` is a lean record as logged, its
   * output the compact one its hash covers (every byte of a line is covered by its hash; the
   * full output is rebuilt by `decision(id)` and replay). Version 2 files still verify.
   */
  version: 2 | 3;
  exportedAt: string;
  from: string | null;
  to: string | null;
  /** When set, only this ruleset's records are in full; the others' positions are stubs. */
  rulesetKey: string | null;
  /** Records in full. */
  count: number;
  /** The position before the first one exported, and its chain hash (null at the start of the log). */
  afterSeq: number;
  anchorHash: string | null;
  lastSeq: number;
}

/** A position of the log whose record the filter left out: enough to carry the chain past it. */
export interface ExportStub {
  stub: true;
  seq: number;
  recordHash: string;
}

type ExportBreak = ChainBreak | 'malformed' | 'count' | 'unsigned' | 'signature' | 'checkpoint-mismatch' | 'checkpoint-outside';

export interface ExportVerification {
  checked: number;
  valid: boolean;
  firstBroken: { id: string | null; seq: number | null; line: number; reason: ExportBreak; detail?: string } | null;
  /** The export's own signed checkpoint, once verified: its key id, to compare with the key you trust. */
  signedBy: string | null;
}

/**
 * Checks an export offline, line by line (constant memory): each record's hash of its own
 * content, every position's link to the one before from the anchor on, and the signed
 * checkpoint at the end (with `trusted`, the public key held elsewhere, that it signed it).
 * `kept`, a signed checkpoint kept from elsewhere, must fall in the export and match it.
 */
export class ExportVerifier {
  private header: ExportHeader | null = null;
  private seq = 0;
  private chain: string | null = null;
  private sealed = false;
  private keptMatched = false;
  private lineNumber = 0;
  readonly result: ExportVerification = { checked: 0, valid: true, firstBroken: null, signedBy: null };

  constructor(
    private readonly trusted: KeyObject | null = null,
    private readonly kept: SignedCheckpoint | null = null,
  ) {}

  /** Feeds one line; returns false once the file is known to be broken. */
  push(line: string): boolean {
    this.lineNumber += 1;
    if (!this.result.valid) return false;
    if (line.trim() === '') return true;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return this.broken(null, null, 'malformed');
    }
    if (this.header === null) return this.start(parsed as ExportHeader);
    if (this.sealed) return this.broken(null, null, 'malformed', 'lines after the signed checkpoint');
    const entry = parsed as Partial<ChainedDecision> & Partial<ExportStub> & Partial<SignedCheckpoint>;
    if (entry?.type === 'ccc-policy-checkpoint') return this.seal(entry as SignedCheckpoint);
    if (typeof entry?.seq !== 'number') return this.broken(null, null, 'malformed');
    if (entry.seq !== this.seq + 1) return this.broken(entry.id ?? null, entry.seq, 'sequence');
    if (entry.stub === true) {
      if (typeof entry.recordHash !== 'string') return this.broken(null, entry.seq, 'malformed');
      return this.advance(entry.seq, chainHash(this.chain, entry.recordHash));
    }
    const record = entry as ChainedDecision;
    if (typeof record.id !== 'string') return this.broken(null, record.seq, 'malformed');
    this.result.checked += 1;
    if (record.prevHash !== this.chain) return this.broken(record.id, record.seq, 'prev-hash');
    if (!holdsOnlyHashedOutput(record) || recordHashOf(record) !== record.recordHash) return this.broken(record.id, record.seq, 'record-hash');
    if (chainHash(record.prevHash, record.recordHash) !== record.hash) return this.broken(record.id, record.seq, 'chain-hash');
    return this.advance(record.seq, record.hash);
  }

  /** Call at the end of the file. */
  finish(): ExportVerification {
    if (!this.result.valid) return this.result;
    if (this.header === null) this.broken(null, null, 'malformed');
    else if (this.header.count !== this.result.checked) this.broken(null, null, 'count');
    else if (this.seq !== this.header.lastSeq)
      this.broken(null, this.seq, 'sequence', `the export ends at ${this.seq}, its header says ${this.header.lastSeq}`);
    else if (!this.sealed && this.header.lastSeq > this.header.afterSeq) this.broken(null, null, 'unsigned');
    else if (this.kept && !this.keptMatched) this.broken(null, Number(this.kept.sequence), 'checkpoint-outside');
    return this.result;
  }

  private start(header: ExportHeader): boolean {
    if (header?.type !== 'ccc-policy-decision-log-export' || (header.version !== 2 && header.version !== 3)) {
      return this.broken(null, null, 'malformed', 'not a version 2 or 3 export');
    }
    this.header = header;
    this.seq = header.afterSeq;
    this.chain = header.anchorHash;
    if (this.kept) {
      const reason = checkSignature(this.kept, this.trusted);
      if (reason) return this.broken(null, Number(this.kept.sequence), 'signature', `kept checkpoint: ${reason}`);
    }
    return this.checkKept(header.afterSeq, header.anchorHash);
  }

  private advance(seq: number, hash: string): boolean {
    this.seq = seq;
    this.chain = hash;
    return this.checkKept(seq, hash);
  }

  private checkKept(seq: number, hash: string | null): boolean {
    if (!this.kept || String(seq) !== this.kept.sequence) return true;
    if (hash !== this.kept.hash) return this.broken(null, seq, 'checkpoint-mismatch', 'the kept checkpoint');
    this.keptMatched = true;
    return true;
  }

  private seal(checkpoint: SignedCheckpoint): boolean {
    if (checkpoint.sequence !== String(this.seq) || checkpoint.hash !== this.chain) return this.broken(null, this.seq, 'checkpoint-mismatch');
    const reason = checkSignature(checkpoint, this.trusted);
    if (reason) return this.broken(null, this.seq, 'signature', reason);
    this.sealed = true;
    this.result.signedBy = checkpoint.keyId;
    return true;
  }

  private broken(id: string | null, seq: number | null, reason: ExportBreak, detail?: string): false {
    this.result.valid = false;
    this.result.firstBroken = { id, seq, line: this.lineNumber, reason, ...(detail ? { detail } : {}) };
    return false;
  }
}
