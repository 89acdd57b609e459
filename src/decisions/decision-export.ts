import { chainHash, ChainBreak, ChainedDecision, recordHashOf } from './decision-record';

/** First line of an export: what was exported, so that verification knows whether gaps are expected. */
export interface ExportHeader {
  type: 'ccc-policy-decision-log-export';
  version: 1;
  exportedAt: string;
  from: string | null;
  to: string | null;
  /** When set, the file holds one ruleset's records only: the chain has gaps where others' were. */
  rulesetKey: string | null;
  count: number;
}

export interface ExportVerification {
  checked: number;
  valid: boolean;
  firstBroken: { id: string | null; seq: number | null; line: number; reason: ChainBreak | 'malformed' | 'count' } | null;
}

/**
 * Checks an exported file's chain offline, line by line (constant memory): each record's
 * hash of its own content, its chain hash, and its link to the record before it wherever
 * the two are adjacent in the log (always, unless the export was filtered by ruleset).
 */
export class ExportVerifier {
  private header: ExportHeader | null = null;
  private previous: ChainedDecision | null = null;
  private lineNumber = 0;
  readonly result: ExportVerification = { checked: 0, valid: true, firstBroken: null };

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
    if (this.header === null) {
      const header = parsed as ExportHeader;
      if (header?.type !== 'ccc-policy-decision-log-export') return this.broken(null, null, 'malformed');
      this.header = header;
      return true;
    }
    const record = parsed as ChainedDecision;
    if (typeof record?.id !== 'string' || typeof record.seq !== 'number') return this.broken(null, null, 'malformed');
    this.result.checked += 1;
    const previous = this.previous;
    if (previous) {
      const adjacent = record.seq === previous.seq + 1;
      if (record.seq <= previous.seq || (!adjacent && this.header.rulesetKey === null)) return this.broken(record.id, record.seq, 'sequence');
      if (adjacent && record.prevHash !== previous.hash) return this.broken(record.id, record.seq, 'prev-hash');
    }
    if (recordHashOf(record) !== record.recordHash) return this.broken(record.id, record.seq, 'record-hash');
    if (chainHash(record.prevHash, record.recordHash) !== record.hash) return this.broken(record.id, record.seq, 'chain-hash');
    this.previous = record;
    return true;
  }

  /** Call at the end of the file. */
  finish(): ExportVerification {
    if (this.result.valid && (this.header === null || this.header.count !== this.result.checked)) {
      this.broken(null, null, this.header === null ? 'malformed' : 'count');
    }
    return this.result;
  }

  private broken(id: string | null, seq: number | null, reason: ChainBreak | 'malformed' | 'count'): false {
    this.result.valid = false;
    this.result.firstBroken = { id, seq, line: this.lineNumber, reason };
    return false;
  }
}
