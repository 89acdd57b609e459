import { DataSource } from 'typeorm';
import { BadInputError } from '../common/errors';
import { isUuid } from '../common/ids';
import { ChainedDecision, ChainVerifier, DECISION_KINDS, DecisionKind } from './decision-record';
import { decodeCursor, encodeCursor } from './cursor';

export interface DecisionFilterArgs {
  rulesetKey?: string | null;
  versionNumber?: number | null;
  kind?: string | null;
  enterpriseId?: string | null;
  decision?: string | null;
  severity?: string | null;
  from?: Date | null;
  to?: Date | null;
}

export interface DecisionPage {
  edges: { cursor: string; node: ChainedDecision }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** null when not counted */
  totalCount: number | null;
}

export interface LogVerificationResult {
  checked: number;
  valid: boolean;
  firstBrokenId: string | null;
  /** Why the first broken record is broken (record-hash, sequence, prev-hash, chain-hash, missing-tail, checkpoint-missing, checkpoint-mismatch). */
  reason: string | null;
  /** The newest record verified: kept outside the database, it lets a later verification prove that history was not rewritten. */
  checkpoint: LogCheckpoint | null;
}

/** A position in the chain and its hash, which commits to every record up to it. */
export interface LogCheckpoint {
  sequence: string;
  hash: string;
}

export const RECORD_COLUMNS = `seq, id, kind, ruleset_key, version_number, content_hash, enterprise_id, decision, severity,
  input, output, state, caller, request_id, engine_version, created_at, record_hash, prev_hash, hash`;

export interface RecordRow {
  seq: string;
  id: string;
  kind: DecisionKind;
  ruleset_key: string;
  version_number: number;
  content_hash: string;
  enterprise_id: string | null;
  decision: string | null;
  severity: string | null;
  input: unknown;
  output: unknown;
  state: unknown;
  caller: string;
  request_id: string | null;
  engine_version: string;
  created_at: Date;
  record_hash: string;
  prev_hash: string | null;
  hash: string;
}

export function toRecord(row: RecordRow): ChainedDecision {
  return {
    seq: Number(row.seq),
    id: row.id,
    kind: row.kind,
    rulesetKey: row.ruleset_key,
    versionNumber: row.version_number,
    contentHash: row.content_hash,
    enterpriseId: row.enterprise_id,
    decision: row.decision,
    severity: row.severity,
    input: row.input,
    output: row.output,
    state: row.state,
    caller: row.caller,
    requestId: row.request_id,
    engineVersion: row.engine_version,
    createdAt: row.created_at.toISOString(),
    recordHash: row.record_hash,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export const MAX_PAGE_SIZE = 500;
const VERIFY_CHUNK = 2000;

/**
 * Reads the decision log: single records, filtered pages in log order (keyset over seq,
 * so concurrent appends never shift a page), and chain verification.
 */
export class DecisionLogService {
  constructor(private readonly dataSource: DataSource) {}

  async findDecision(id: string): Promise<ChainedDecision | null> {
    if (!isUuid(id)) return null;
    const rows: RecordRow[] = await this.dataSource.query(`SELECT ${RECORD_COLUMNS} FROM decision_log WHERE id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** The recorded-violation decisions of an enterprise (those that changed its record), in log order. */
  async enterpriseViolations(enterpriseId: string): Promise<ChainedDecision[]> {
    const rows: RecordRow[] = await this.dataSource.query(
      `SELECT ${RECORD_COLUMNS} FROM decision_log
       WHERE enterprise_id = $1 AND kind = 'RECORDED_VIOLATION'
         AND id IN (SELECT decision_id FROM enterprise_violation WHERE enterprise_id = $1)
       ORDER BY seq`,
      [enterpriseId],
    );
    return rows.map(toRecord);
  }

  /** A page of the log; the filtered total is counted only when asked for (a count over millions of rows is not free). */
  async listDecisions(filter: DecisionFilterArgs, first: number, after: string | null, countTotal = true): Promise<DecisionPage> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
      throw new BadInputError(`first must be between 0 and ${MAX_PAGE_SIZE}`);
    }
    const afterSeq = after ? decodeCursor(after) : 0;
    const { where, params } = filterClause(filter);
    const pageParams = [...params, afterSeq, first + 1];
    const [rows, [{ count }]] = await Promise.all([
      this.dataSource.query(
        `SELECT ${RECORD_COLUMNS} FROM decision_log WHERE ${[...where, `seq > $${params.length + 1}`].join(' AND ')}
         ORDER BY seq LIMIT $${params.length + 2}`,
        pageParams,
      ) as Promise<RecordRow[]>,
      countTotal
        ? (this.dataSource.query(`SELECT count(*)::int AS count FROM decision_log WHERE ${where.join(' AND ')}`, params) as Promise<{ count: number }[]>)
        : [{ count: null }],
    ]);
    const page = rows.slice(0, first).map(toRecord);
    const edges = page.map((node) => ({ cursor: encodeCursor(node.seq), node }));
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > first, endCursor: edges.length > 0 ? edges[edges.length - 1].cursor : after ?? null },
      totalCount: count,
    };
  }

  /**
   * Recomputes record hashes and chain links in [from, to). With a checkpoint taken earlier
   * (and kept outside the database), also proves the record there still carries that hash: a
   * chain rewritten wholesale, head included, verifies on its own but fails the checkpoint.
   */
  async verify(from: Date | null, to: Date | null, checkpoint: LogCheckpoint | null = null): Promise<LogVerificationResult> {
    const result = await this.verifyChain(from, to);
    if (!result.valid || checkpoint === null) return result;
    const [kept] = (await this.dataSource.query('SELECT id, hash FROM decision_log WHERE seq = $1::bigint', [checkpoint.sequence])) as { id: string; hash: string }[];
    if (!kept) return { ...result, valid: false, firstBrokenId: null, reason: 'checkpoint-missing', checkpoint: null };
    if (kept.hash !== checkpoint.hash.trim().toLowerCase()) return { ...result, valid: false, firstBrokenId: kept.id, reason: 'checkpoint-mismatch', checkpoint: null };
    return result;
  }

  /**
   * Recomputes every record hash and chain link in seq order, streamed in chunks. The
   * window [from, to) selects the first and last record by time; everything between them
   * is checked by position, so a record deleted or moved inside the window breaks the
   * chain at the record that follows it. The first record of a window is checked against
   * its predecessor; when checking up to the end, the last record against the chain head.
   */
  private async verifyChain(from: Date | null, to: Date | null): Promise<LogVerificationResult> {
    const [bounds] = (await this.dataSource.query(
      `SELECT (SELECT min(seq) FROM decision_log WHERE $1::timestamptz IS NULL OR created_at >= $1)::text AS first,
              (SELECT max(seq) FROM decision_log WHERE $2::timestamptz IS NULL OR created_at < $2)::text AS last,
              (SELECT seq FROM decision_log_head)::text AS head_seq,
              (SELECT hash FROM decision_log_head) AS head_hash`,
      [from, to],
    )) as { first: string | null; last: string | null; head_seq: string; head_hash: string | null }[];
    const headSeq = Number(bounds.head_seq);
    if (bounds.first === null || bounds.last === null || Number(bounds.first) > Number(bounds.last)) {
      // Nothing in the window. With no window at all, an empty log must also have an empty head.
      const valid = from !== null || to !== null || headSeq === 0;
      return { checked: 0, valid, firstBrokenId: null, reason: valid ? null : 'missing-tail', checkpoint: null };
    }
    const first = Number(bounds.first);
    const last = Number(bounds.last);

    let anchor: { seq: number; hash: string | null } = { seq: 0, hash: null };
    if (from !== null && first > 1) {
      const previous: { seq: string; hash: string }[] = await this.dataSource.query(
        'SELECT seq, hash FROM decision_log WHERE seq < $1 ORDER BY seq DESC LIMIT 1',
        [first],
      );
      anchor = previous[0] ? { seq: Number(previous[0].seq), hash: previous[0].hash } : { seq: first - 1, hash: null };
    }

    const verifier = new ChainVerifier(anchor);
    let cursor = anchor.seq;
    for (;;) {
      const rows: RecordRow[] = await this.dataSource.query(
        `SELECT ${RECORD_COLUMNS} FROM decision_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT ${VERIFY_CHUNK}`,
        [cursor, last],
      );
      let intact = true;
      for (const row of rows) {
        if (!verifier.push(toRecord(row))) {
          intact = false;
          break;
        }
      }
      if (!intact) {
        return { checked: verifier.checked, valid: false, firstBrokenId: verifier.firstBroken!.id, reason: verifier.firstBroken!.reason, checkpoint: null };
      }
      if (rows.length < VERIFY_CHUNK) break;
      cursor = Number(rows[rows.length - 1].seq);
    }
    if (to === null && (verifier.last.seq !== headSeq || verifier.last.hash !== bounds.head_hash)) {
      // The newest records are gone (or the head was moved): nothing left to name but the tail.
      return { checked: verifier.checked, valid: false, firstBrokenId: null, reason: 'missing-tail', checkpoint: null };
    }
    const newest = verifier.last;
    const checkpoint = newest.hash === null ? null : { sequence: String(newest.seq), hash: newest.hash };
    return { checked: verifier.checked, valid: true, firstBrokenId: null, reason: null, checkpoint };
  }
}

function filterClause(filter: DecisionFilterArgs): { where: string[]; params: unknown[] } {
  const where: string[] = ['TRUE'];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.rulesetKey) add('ruleset_key = ?', filter.rulesetKey);
  if (filter.versionNumber !== undefined && filter.versionNumber !== null) add('version_number = ?', filter.versionNumber);
  if (filter.kind != null) {
    // An unknown kind would match nothing, which reads as "no such decisions" rather than a typo.
    if (!DECISION_KINDS.includes(filter.kind as DecisionKind)) {
      throw new BadInputError(`unknown decision kind "${filter.kind}"; expected one of ${DECISION_KINDS.join(', ')}`);
    }
    add('kind = ?', filter.kind);
  }
  if (filter.enterpriseId) add('enterprise_id = ?', filter.enterpriseId);
  if (filter.decision) add('decision = ?', filter.decision);
  if (filter.severity) add('severity = ?', filter.severity);
  if (filter.from) add('created_at >= ?', filter.from);
  if (filter.to) add('created_at < ?', filter.to);
  return { where, params };
}

